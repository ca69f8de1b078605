package api

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/connectd/connectd"
)

// validator checks request members against the model's constraints and keeps
// the first violation. SDKs check little on the client side (aws-sdk-go-v2
// only that required members are present, botocore only minimum lengths), so
// the server must check everything. Its errors are EINVALID, which the error
// writer sends as InvalidParameterException, or as InvalidRequestException
// for operations that do not model the former.
type validator struct {
	err error
}

func (v *validator) fail(format string, args ...any) {
	if v.err == nil {
		v.err = connectd.Errorf(connectd.EINVALID, format, args...)
	}
}

// failRequest records an InvalidRequestException: a request that is well
// formed member by member but not as a whole.
func (v *validator) failRequest(format string, args ...any) {
	if v.err == nil {
		v.err = connectd.Errorf(connectd.EINVALIDREQUEST, format, args...)
	}
}

// required checks that a member was sent.
func (v *validator) required(name string, present bool) {
	if !present {
		v.fail("Member %s is required.", name)
	}
}

// length checks a string's length in characters (Smithy's @length counts
// Unicode code points, not bytes). max < 0 means no maximum.
func (v *validator) length(name, s string, min, max int) {
	n := utf8.RuneCountInString(s)
	switch {
	case n < min && min == 1:
		v.fail("Member %s must not be empty.", name)
	case n < min:
		v.fail("Member %s must be at least %d characters long.", name, min)
	case max >= 0 && n > max:
		v.fail("Member %s must be at most %d characters long; it has %d.", name, max, n)
	}
}

// optLength checks an optional string member, if it was sent.
func (v *validator) optLength(name string, s *string, min, max int) {
	if s != nil {
		v.length(name, *s, min, max)
	}
}

// reqLength checks a required string member.
func (v *validator) reqLength(name string, s *string, min, max int) {
	v.required(name, s != nil)
	v.optLength(name, s, min, max)
}

// oneOf checks that an enum member holds one of the model's values.
func (v *validator) oneOf(name, s string, values ...string) {
	if !slices.Contains(values, s) {
		v.fail("Member %s must be one of %s; got %q.", name, strings.Join(values, ", "), s)
	}
}

// optOneOf checks an optional enum member, if it was sent.
func (v *validator) optOneOf(name string, s *string, values ...string) {
	if s != nil {
		v.oneOf(name, *s, values...)
	}
}

// pattern checks a string against a model pattern.
func (v *validator) pattern(name, s string, re *regexp.Regexp, what string) {
	if !re.MatchString(s) {
		v.fail("Member %s must be %s; got %q.", name, what, s)
	}
}

// rangeInt checks an optional integer member.
func (v *validator) rangeInt(name string, n *int64, min, max int64) {
	if n != nil && (*n < min || *n > max) {
		v.fail("Member %s must be between %d and %d; got %d.", name, min, max, *n)
	}
}

// attributes checks the model's limits on an attribute map (key 1..32767,
// value 0..32767 characters). The domain's rules (key characters, the
// 32,768-byte total) are applied by the store, on the merged result.
func (v *validator) attributes(name string, m map[string]string) {
	for _, k := range sortedKeys(m) {
		v.length(fmt.Sprintf("%s key", name), k, 1, 32767)
		v.length(fmt.Sprintf("%s[%s]", name, k), m[k], 0, 32767)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// patterns are the model's regular expressions, compiled once per Server.
// Go's regexp has no look-ahead, so the "(?!...)" parts of the model's
// patterns are checked separately where they are used.
type patterns struct {
	// phone: the model's PhoneNumber pattern decodes to `\\+[1-9]\\d{1,14}$`,
	// a known quirk of the Connect model; the intended format is E.164.
	phone     *regexp.Regexp
	alias     *regexp.Regexp
	directory *regexp.Regexp
	tagKey    *regexp.Regexp
	refArn    *regexp.Regexp
	// contactTagKey and email are ContactTagKey's and EmailAddress's (see
	// checkTagKey and checkEmail).
	contactTagKey *regexp.Regexp
	email         *regexp.Regexp
}

func newPatterns() *patterns {
	return &patterns{
		phone:     regexp.MustCompile(`^\+[1-9]\d{1,14}$`),
		alias:     regexp.MustCompile(`^([\da-zA-Z]+)([-]*[\da-zA-Z])*$`),
		directory: regexp.MustCompile(`^d-[0-9a-f]{10}$`),
		tagKey:    regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`),
		refArn:    regexp.MustCompile(`^[-:/A-Za-z0-9]+`),
		// Smithy patterns are searches, not whole-string matches; the
		// model's EmailAddress pattern has no anchors, and neither has this.
		contactTagKey: regexp.MustCompile(`^[a-zA-Z+-=._:/]+$`),
		email:         regexp.MustCompile(`[^\s@]+@[^\s@]+\.[^\s@]+`),
	}
}

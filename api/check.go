package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/connectd/connectd"
)

// checker validates a request's input, as decoded JSON values (objects,
// arrays, strings, json.Number, booleans), against the model's shapes:
// required members, lengths, ranges, enums, patterns, unions, and the
// entries of lists and maps with their own limits, at any depth. SDKs check
// little on the client side (aws-sdk-go-v2 only that required members are
// present, botocore only minimum lengths), so the server must check
// everything. It keeps the first violation, in the model's member order.
//
// A member's name is built only for a violation, from the path of where
// values the checker keeps as it descends (check_where.go):
// values nest as deep as encoding/json allows (10,000 levels), and
// formatting every level's name made the check quadratic
// (FuzzStartTaskContact found a 45 KB body of nested ValueLists that took
// seconds of CPU). The closures that named values before were two heap
// allocations per map entry.
type checker struct {
	m    *wireModel
	err  error
	path []where // from the input down to the value being checked
	// visits counts the values checked, for the test that the work is
	// linear in the input.
	visits int
}

// fail records an InvalidParameterException (InvalidRequestException for
// the operations that do not model it; see toException).
func (k *checker) fail(format string, args ...any) {
	if k.err == nil {
		k.err = connectd.Errorf(connectd.EINVALID, format, args...)
	}
}

// typeError records a member of the wrong JSON type: a
// SerializationException, as for a body encoding/json cannot decode.
func (k *checker) typeError(want string, v any) {
	if k.err == nil {
		k.err = &wireError{exc: excSerialization,
			message: fmt.Sprintf("Member %s must be of type %s, not JSON %s.", k.name(), want, jsonKind(v))}
	}
}

// input checks an operation's whole input against its shape.
func (k *checker) input(shape string, in map[string]any) {
	k.structure(k.m.shapes[shape], in)
}

// value checks v, which is present (not null), against shape s.
func (k *checker) value(s *modelShape, v any) {
	if k.err != nil {
		return
	}
	k.visits++
	switch s.Type {
	case "structure":
		obj, ok := v.(map[string]any)
		if !ok {
			k.typeError("structure", v)
			return
		}
		k.structure(s, obj)
	case "list":
		list, ok := v.([]any)
		if !ok {
			k.typeError("list", v)
			return
		}
		k.count(s, len(list), "items")
		for i, item := range list {
			if item != nil {
				k.push(where{kind: itemOf, index: i})
				k.value(k.m.shapes[s.Member], item)
				k.pop()
			}
		}
	case "map":
		obj, ok := v.(map[string]any)
		if !ok {
			k.typeError("map", v)
			return
		}
		k.count(s, len(obj), "entries")
		if k.err != nil {
			return
		}
		// In Go's order, not sorted: sorting every map of every request
		// cost more than the check. Each entry is checked once, and the
		// violation kept is the one of the least failing key, the first
		// in key order. (Checking a failing map again in key order made
		// the work double with each level of nested maps: the model's
		// SegmentAttributeValue.ValueMap nests, and 500 bytes took
		// minutes; TestCheckerVisitsEachValueOnce.)
		keyShape, valueShape := k.m.shapes[s.Key], k.m.shapes[s.Value]
		var first error
		var firstKey string
		for key, val := range obj {
			k.err = nil
			k.entry(keyShape, valueShape, key, val)
			if k.err != nil && (first == nil || key < firstKey) {
				first, firstKey = k.err, key
			}
		}
		k.err = first
	case "string":
		str, ok := v.(string)
		if !ok {
			k.typeError("string", v)
			return
		}
		k.str(s, str)
	case "integer", "long", "double", "float":
		integral, want := s.Type == "integer" || s.Type == "long", "number"
		n, ok := v.(json.Number)
		f, err := n.Float64()
		if integral {
			_, err = n.Int64()
			want = "integer"
		}
		if !ok || err != nil {
			k.typeError(want, v)
			return
		}
		if (s.HasMin && f < s.Min) || (s.HasMax && f > s.Max) {
			k.fail("Member %s must be %s; got %s.", k.name(), rangeText(s), n)
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			k.typeError("boolean", v)
		}
	case "timestamp":
		if _, ok := v.(json.Number); !ok {
			k.typeError("timestamp (a JSON number of epoch seconds)", v)
		}
	case "blob":
		if _, ok := v.(string); !ok {
			k.typeError("blob (a base64 string)", v)
		}
	}
}

// entry checks one entry of a map.
func (k *checker) entry(keyShape, valueShape *modelShape, key string, val any) {
	k.push(where{kind: keyOf})
	k.value(keyShape, key)
	k.pop()
	if val != nil {
		k.push(where{kind: valueOf, key: key})
		k.value(valueShape, val)
		k.pop()
	}
}

// structure checks obj's members; those of the input itself are named on
// their own.
func (k *checker) structure(s *modelShape, obj map[string]any) {
	set := 0
	for i, mb := range s.Members {
		if k.err != nil {
			return
		}
		v := obj[mb.Name]
		if v == nil && !mb.Required {
			continue // absent, or JSON null: unset, as the SDKs read it
		}
		k.push(where{kind: memberOf, member: &s.Members[i]})
		if v == nil {
			k.fail("Member %s is required.", k.name())
		} else {
			set++
			k.value(k.m.shapes[mb.Shape], v)
		}
		k.pop()
	}
	if s.Union && set != 1 && k.err == nil {
		k.fail("Member %s must have exactly one member set; it has %d.", k.name(), set)
	}
}

// count checks a list's or map's number of entries.
func (k *checker) count(s *modelShape, n int, what string) {
	if (s.HasMin && float64(n) < s.Min) || (s.HasMax && float64(n) > s.Max) {
		switch {
		case s.HasMin && s.HasMax && s.Min == s.Max:
			k.fail("Member %s must have exactly %s %s; it has %d.", k.name(), num(s.Min), what, n)
		case s.HasMin && s.HasMax:
			k.fail("Member %s must have between %s and %s %s; it has %d.", k.name(), num(s.Min), num(s.Max), what, n)
		case s.HasMin:
			k.fail("Member %s must have at least %s %s; it has %d.", k.name(), num(s.Min), what, n)
		default:
			k.fail("Member %s must have at most %s %s; it has %d.", k.name(), num(s.Max), what, n)
		}
	}
}

// str checks a string: enum, then length (Smithy's @length counts Unicode
// code points, not bytes), then pattern.
func (k *checker) str(s *modelShape, v string) {
	if len(s.Enum) > 0 && !slices.Contains(s.Enum, v) {
		k.fail("Member %s must be one of %s; got %q.", k.name(), strings.Join(s.Enum, ", "), v)
		return
	}
	if s.HasMin || s.HasMax {
		n := utf8.RuneCountInString(v)
		switch {
		case s.HasMin && float64(n) < s.Min && s.Min == 1:
			k.fail("Member %s must not be empty.", k.name())
		case s.HasMin && float64(n) < s.Min:
			k.fail("Member %s must be at least %s characters long.", k.name(), num(s.Min))
		case s.HasMax && float64(n) > s.Max:
			k.fail("Member %s must be at most %s characters long; it has %d.", k.name(), num(s.Max), n)
		}
		if k.err != nil {
			return
		}
	}
	if s.RE2 != "" && !k.matches(s, v) {
		k.fail("Member %s must satisfy the pattern %s; got %q.", k.name(), s.Pattern, v)
	}
}

func (k *checker) matches(s *modelShape, v string) bool {
	if !k.m.regexp(s.RE2).MatchString(v) {
		return false
	}
	for _, re := range s.Not {
		if k.m.regexp(re).MatchString(v) {
			return false
		}
	}
	for _, re := range s.Must {
		if !k.m.regexp(re).MatchString(v) {
			return false
		}
	}
	return true
}

// rangeText says a number's range in words.
func rangeText(s *modelShape) string {
	switch {
	case s.HasMin && s.HasMax:
		return "between " + num(s.Min) + " and " + num(s.Max)
	case s.HasMin:
		return "at least " + num(s.Min)
	default:
		return "at most " + num(s.Max)
	}
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// jsonKind names a decoded JSON value's type.
func jsonKind(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case json.Number:
		return "number"
	case bool:
		return "boolean"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "null"
}

// checkValue checks one Go value (as it would travel in JSON) against
// shape, naming it name: for values that arrive other than as an
// operation's input, such as the control plane's imports.
func (m *wireModel) checkValue(shape, name string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", name, err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		return fmt.Errorf("decode %s: %w", name, err)
	}
	k := checker{m: m}
	if tree != nil {
		k.push(where{kind: named, name: name})
		k.value(m.shapes[shape], tree)
	}
	return k.err
}

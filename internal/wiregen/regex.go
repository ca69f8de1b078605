package main

import (
	"fmt"
	"regexp"
	"strings"
)

// pattern is a model pattern translated for Go's regexp package (RE2).
type pattern struct {
	// Source is the model's pattern after undoubling (see undouble), as
	// error messages quote it.
	Source string
	// RE2 is what the value must match (a search, as Smithy's @pattern:
	// not anchored unless the pattern anchors itself).
	RE2 string
	// Not lists patterns the value must not match at its start, and Must
	// patterns it must match at its start: the model's look-aheads, which
	// RE2 does not have.
	Not, Must []string
}

// translate turns a pattern of the model (ECMA-262/Java dialect, as Smithy
// writes them) into RE2:
//   - a pattern in /slashes/ (one in the Connect model) loses them;
//   - doubled backslashes before a letter, digit or punctuation
//     (`\\d`, `\\P{C}`, `\\+`: a quirk of the Connect model, whose source
//     escaped them twice) are read as single ones;
//   - \uXXXX becomes \x{XXXX};
//   - look-aheads (?!X) and (?=X) at the start, after an optional ^,
//     become Not and Must; a look-ahead anywhere else is an error.
//
// The result compiles, or translate says why not.
func translate(src string) (pattern, error) {
	s := src
	if len(s) > 2 && strings.HasPrefix(s, "/") && strings.HasSuffix(s, "/") {
		s = s[1 : len(s)-1]
	}
	s = undouble(s)
	p := pattern{Source: s}
	body := s
	anchor := ""
	if strings.HasPrefix(body, "^") {
		anchor, body = "^", body[1:]
	}
	for strings.HasPrefix(body, "(?!") || strings.HasPrefix(body, "(?=") {
		end := groupEnd(body)
		if end < 0 {
			return p, fmt.Errorf("pattern %q: unbalanced look-ahead", src)
		}
		inner := unicodeEscapes(body[3:end])
		if body[2] == '!' {
			p.Not = append(p.Not, "^(?:"+inner+")")
		} else {
			p.Must = append(p.Must, "^(?:"+inner+")")
		}
		body = body[end+1:]
	}
	if strings.Contains(body, "(?!") || strings.Contains(body, "(?=") || strings.Contains(body, "(?<") {
		return p, fmt.Errorf("pattern %q: a look-around not at the start has no RE2 translation", src)
	}
	p.RE2 = anchor + unicodeEscapes(body)
	for _, re := range append(append([]string{p.RE2}, p.Not...), p.Must...) {
		if _, err := regexp.Compile(re); err != nil {
			return p, fmt.Errorf("pattern %q: translated to %q: %w", src, re, err)
		}
	}
	return p, nil
}

// undouble halves every even run of backslashes: `\\d` is read as `\d`
// and `\\\\` as `\\`. The Connect model has patterns such as
// `\\+[1-9]\\d{1,14}$` (PhoneNumber) whose source escaped them twice; read
// literally (a backslash, then ...), no valid value would match, and the
// service's documentation describes the single-escaped pattern. An odd run
// cannot be a doubled escape and is kept.
func undouble(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && s[j] == '\\' {
			j++
		}
		if run := j - i; run > 0 {
			if run%2 == 0 {
				run /= 2
			}
			b.WriteString(strings.Repeat(`\`, run))
			i = j
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

// unicodeEscapes turns \uXXXX into RE2's \x{XXXX}.
func unicodeEscapes(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+6 <= len(s) && s[i+1] == 'u' && isHex(s[i+2:i+6]) {
			b.WriteString(`\x{` + s[i+2:i+6] + `}`)
			i += 5
			continue
		}
		b.WriteByte(s[i])
		if s[i] == '\\' && i+1 < len(s) {
			i++
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

func isHex(s string) bool {
	for _, c := range s {
		if !strings.ContainsRune("0123456789abcdefABCDEF", c) {
			return false
		}
	}
	return true
}

// groupEnd returns the index of the ')' closing the group that opens s,
// minding escapes and character classes, or -1.
func groupEnd(s string) int {
	depth, inClass := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\':
			i++
		case inClass:
			inClass = c != ']'
		case c == '[':
			inClass = true
		case c == '(':
			depth++
		case c == ')':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

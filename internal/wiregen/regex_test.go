package main

import (
	"path/filepath"
	"regexp"
	"slices"
	"testing"
)

func TestTranslate(t *testing.T) {
	for _, tc := range []struct {
		src, re2  string
		not, must []string
	}{
		// Doubled escapes (PhoneNumber) are read as single ones.
		{`\\+[1-9]\\d{1,14}$`, `\+[1-9]\d{1,14}$`, nil, nil},
		{`^[\\P{C}]*$`, `^[\P{C}]*$`, nil, nil},
		// A single escape stays; a doubled escaped backslash is one.
		{`^\P{C}*$`, `^\P{C}*$`, nil, nil},
		{`a\\\\b`, `a\\b`, nil, nil},
		{`a\\\b`, `a\\\b`, nil, nil},
		// \uXXXX has no RE2 spelling; \x{XXXX} does.
		{`[\u0009\u000A\u0020-\u007E]+$`, `[\x{0009}\x{000A}\x{0020}-\x{007E}]+$`, nil, nil},
		// Leading look-aheads become separate checks, the anchor kept.
		{`^(?!aws:)[a-zA-Z+-=._:/]+$`, `^[a-zA-Z+-=._:/]+$`, []string{`^(?:aws:)`}, nil},
		{`(?!aws:|connect:)[\u0020-\u007E]+$`, `[\x{0020}-\x{007E}]+$`, []string{`^(?:aws:|connect:)`}, nil},
		{`^(?!\\.$)(?!\\.\\.$)[a-z.]+$`, `^[a-z.]+$`, []string{`^(?:\.$)`, `^(?:\.\.$)`}, nil},
		// A pattern in /slashes/ loses them; positive look-aheads are Musts.
		{`/^(?=.*[a-z])(?=.*\d)[a-zA-Z\d\S]{8,64}$/`, `^[a-zA-Z\d\S]{8,64}$`, nil, []string{`^(?:.*[a-z])`, `^(?:.*\d)`}},
		// A ')' inside a class does not close the look-ahead.
		{`^(?![)])x`, `^x`, []string{`^(?:[)])`}, nil},
	} {
		p, err := translate(tc.src)
		if err != nil {
			t.Errorf("translate(%q): %v", tc.src, err)
			continue
		}
		if p.RE2 != tc.re2 || !slices.Equal(p.Not, tc.not) || !slices.Equal(p.Must, tc.must) {
			t.Errorf("translate(%q) = %q not %q must %q; want %q not %q must %q", tc.src, p.RE2, p.Not, p.Must, tc.re2, tc.not, tc.must)
		}
	}
	for _, bad := range []string{`^a(?!b)c`, `^(?!unclosed`, `[`} {
		if _, err := translate(bad); err == nil {
			t.Errorf("translate(%q) succeeded, want an error", bad)
		}
	}
}

// matches applies a translated pattern as the api package does.
func matches(p pattern, s string) bool {
	if !regexp.MustCompile(p.RE2).MatchString(s) {
		return false
	}
	for _, re := range p.Not {
		if regexp.MustCompile(re).MatchString(s) {
			return false
		}
	}
	for _, re := range p.Must {
		if !regexp.MustCompile(re).MatchString(s) {
			return false
		}
	}
	return true
}

// TestModelPatterns translates every pattern of the vendored model and
// checks the ones connectd's operations use against values the service
// accepts and refuses.
func TestModelPatterns(t *testing.T) {
	m, err := loadModel(filepath.Join("..", "..", "api", "model", "service-2.json"))
	if err != nil {
		t.Fatal(err) // loadModel translates (and compiles) every pattern
	}
	n := 0
	for _, s := range m.shapes {
		if s.Pattern != nil {
			n++
		}
	}
	if n < 60 {
		t.Fatalf("only %d shapes have a pattern", n)
	}
	for _, tc := range []struct {
		shape     string
		ok, notOK []string
	}{
		// Unanchored at the start, as the model has it: a search (the patch
		// file anchors it; see TestPatch).
		{"PhoneNumber", []string{"+14255550100", "+442071838750", "x+14255550100"}, []string{"14255550100", "+0123", "+1"}},
		{"ContactTagKey", []string{"team", "a:b/c", "x1;<"}, []string{"aws:team", "has space", ""}},
		{"TagKey", []string{"Cost Center", "a.b:c/d=e+f-g@h", "é"}, []string{"aws:x", "a,b"}},
		{"DirectoryAlias", []string{"my-alias", "a1"}, []string{"d-1234567890", "-a", "a_b"}},
		{"DirectoryId", []string{"d-0123456789"}, []string{"d-012345678", "d-ABCDEF0123"}},
		{"EmailAddress", []string{"a@example.com", "x a@b.c"}, []string{"a@b", "@example.com"}},
		{"FileName", []string{"report.pdf"}, []string{"bad\x00name"}},
		{"Password", []string{"Secret123"}, []string{"secret123", "SECRET123", "Secretabc", "Se1"}},
	} {
		s := m.shapes[tc.shape]
		if s == nil || s.Pattern == nil {
			t.Errorf("shape %s has no pattern", tc.shape)
			continue
		}
		for _, v := range tc.ok {
			if !matches(*s.Pattern, v) {
				t.Errorf("%s (%s): %q refused", tc.shape, s.Pattern.Source, v)
			}
		}
		for _, v := range tc.notOK {
			if matches(*s.Pattern, v) {
				t.Errorf("%s (%s): %q accepted", tc.shape, s.Pattern.Source, v)
			}
		}
	}
}

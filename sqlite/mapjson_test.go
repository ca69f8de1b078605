package sqlite

import (
	"encoding/json"
	"strings"
	"testing"
)

// mapJSON is appendMapJSON's output as a string.
func mapJSON(m map[string]string) string {
	return string(appendMapJSON(nil, m))
}

// wantMarshal fails unless appendMapJSON writes m as json.Marshal does.
func wantMarshal(t *testing.T, m map[string]string) {
	t.Helper()
	want, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if got := mapJSON(m); got != string(want) {
		t.Errorf("appendMapJSON(%q) =\n%s\nwant json.Marshal's\n%s", m, got, want)
	}
}

// TestMapJSONIsMarshal covers every escape Marshal makes: the short ones,
// other control characters, HTML characters, U+2028 and U+2029, invalid
// UTF-8, and keys that sort by byte (more than the 16 keys appendMapJSON
// keeps on its stack).
func TestMapJSONIsMarshal(t *testing.T) {
	many := map[string]string{}
	for i := range 40 {
		many[strings.Repeat("k", 40-i)+string(rune('a'+i%26))] = strings.Repeat("v", i)
	}
	for _, m := range []map[string]string{
		{},
		{"a": "1"},
		{"b": "2", "a": "1", "B": "3", "é": "4", "": "empty key"},
		{"quote": `say "hi"`, "backslash": `a\b`, "slash": "a/b"},
		{"short": "\b\f\n\r\t", "control": "\x00\x01\x1f\x7f"},
		{"html": "<script>&amp;</script>", "<k>": "&"},
		{"separators": "a\u2028b\u2029c", "emoji": "🙂 ünïcödé 中文"},
		{"invalid": "a\xffb\xc0\xafc", "truncated": "\xe2\x82", "\xfe": "bad key"},
		many,
	} {
		wantMarshal(t, m)
	}
}

// FuzzMapJSON holds appendMapJSON to json.Marshal on arbitrary strings.
func FuzzMapJSON(f *testing.F) {
	f.Add("key", "value", "k2", "<\u2028\xff\"\\\n")
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2 string) {
		wantMarshal(t, map[string]string{k1: v1, k2: v2})
	})
}

// BenchmarkEncodeMap encodes a map of 10 pairs as an update writes it;
// BenchmarkEncodeMapMarshal is the same through encoding/json.
func BenchmarkEncodeMap(b *testing.B) {
	m := update(1, 10)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := encodeMap(m); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeMapMarshal(b *testing.B) {
	m := update(1, 10)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(m); err != nil {
			b.Fatal(err)
		}
	}
}

// TestJSONPlainIsMarshals checks the bit masks byte by byte against
// Marshal's output for a one-byte string.
func TestJSONPlainIsMarshals(t *testing.T) {
	for c := range byte(128) {
		b, err := json.Marshal(string([]byte{c}))
		if err != nil {
			t.Fatal(err)
		}
		if plain := len(b) == 3; jsonPlain(c) != plain {
			t.Errorf("jsonPlain(%#x) = %v; Marshal writes %s", c, jsonPlain(c), b)
		}
	}
}

package jsonmap

import (
	"encoding/json"
	"maps"
	"strings"
	"testing"
)

// wantLikeMarshal fails unless Append writes m as a JSON object that
// decodes to m (invalid UTF-8 as U+FFFD, as json.Marshal writes it), with
// its keys in json.Marshal's order, and byte for byte json.Marshal's
// output where Marshal escapes nothing jsontext leaves as it is.
func wantLikeMarshal(t *testing.T, m map[string]string) {
	t.Helper()
	got := Append(nil, m)
	want, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var back, wantBack map[string]string
	if err := json.Unmarshal(got, &back); err != nil {
		t.Fatalf("Append(%q) = %s: not JSON: %v", m, got, err)
	}
	if err := json.Unmarshal(want, &wantBack); err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(back, wantBack) {
		t.Errorf("Append(%q) = %s decodes to %q, Marshal's to %q", m, got, back, wantBack)
	}
	if !strings.ContainsAny(string(want), `\`) && string(got) != string(want) {
		t.Errorf("Append(%q) =\n%s\nwant json.Marshal's\n%s", m, got, want)
	}
	if order(t, got) != order(t, want) {
		t.Errorf("Append(%q) keys in order %s, Marshal %s", m, order(t, got), order(t, want))
	}
}

// order lists an object's keys as written.
func order(t *testing.T, doc []byte) string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(string(doc)))
	var keys []string
	if _, err := dec.Token(); err != nil {
		t.Fatal(err)
	}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k.(string))
		if _, err := dec.Token(); err != nil {
			t.Fatal(err)
		}
	}
	return strings.Join(keys, "|")
}

// TestAppendIsMarshal covers the escapes: the short ones, other control
// characters, HTML characters, U+2028 and U+2029, invalid UTF-8, and keys
// that sort by byte (more than the 16 pairs Append keeps on its stack).
func TestAppendIsMarshal(t *testing.T) {
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
		wantLikeMarshal(t, m)
	}
}

// FuzzAppend holds Append to json.Marshal on arbitrary strings.
func FuzzAppend(f *testing.F) {
	f.Add("key", "value", "k2", "<\u2028\xff\"\\\n")
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2 string) {
		wantLikeMarshal(t, map[string]string{k1: v1, k2: v2})
	})
}

// BenchmarkAppend writes a map of 10 pairs as an update stores it;
// BenchmarkMarshal is the same through encoding/json.
func BenchmarkAppend(b *testing.B) {
	m := tenPairs()
	b.ReportAllocs()
	for b.Loop() {
		Append(nil, m)
	}
}

func BenchmarkMarshal(b *testing.B) {
	m := tenPairs()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(m); err != nil {
			b.Fatal(err)
		}
	}
}

func tenPairs() map[string]string {
	m := map[string]string{}
	for i := range 10 {
		m["key"+string(rune('0'+i))] = "value-" + string(rune('0'+i))
	}
	return m
}

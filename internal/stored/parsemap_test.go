package stored_test

import (
	"encoding/json"
	"maps"
	"testing"

	"github.com/connectd/connectd/internal/stored"
)

// TestParseMapAsEncodingJSON: ParseMap (json v2) reads every stored form
// of a map as encoding/json read it: Map's own output and the text
// PostgreSQL gives for a jsonb value (a space after ':' and ',', keys
// ordered by length), with escapes, non-ASCII text, long and empty values;
// and it refuses what is not an object of strings.
func TestParseMapAsEncodingJSON(t *testing.T) {
	m := map[string]string{
		"a": "1", "empty": "", "quote\"back\\slash": "tab\tnew\nline", "ünï": "日本語 🎉",
		"html": "<&>", "ctl": "\u0001\u001f", "long": string(make([]byte, 4000)),
	}
	doc, _, err := stored.Map(m)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{
		doc,
		`{"a": "1", "\u00fcn\u00ef": "\u65e5\u672c\u8a9e \ud83c\udf89", "html": "\u003c&\u003e"}`,
		`{"key00": "value-5001-0", "key01": "value-5001-1"}`,
		`{}`,
		` { "a" : "b" } `,
	} {
		want := map[string]string{}
		if err := json.Unmarshal([]byte(d), &want); err != nil {
			t.Fatalf("encoding/json refused %s: %v", d, err)
		}
		got, err := stored.ParseMap([]byte(d))
		if err != nil || !maps.Equal(got, want) {
			t.Errorf("ParseMap(%.80s) = %v, %v; encoding/json read %v", d, got, err, want)
		}
	}
	for _, d := range []string{`[1]`, `{"a": 1}`, `{"a": null, "b": {}}`, `{"a": "1"`, `"a"`, `{"a": "1"} x`} {
		if got, err := stored.ParseMap([]byte(d)); err == nil {
			t.Errorf("ParseMap(%s) = %v, want an error", d, got)
		}
	}
}

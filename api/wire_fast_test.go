package api

import (
	"encoding/json"
	"maps"
	"strings"
	"testing"
)

// TestAttributesOutputIsEncodingJSON: the hand-written response says what
// encoding/json says of the same struct: the same map back, keys in the
// same (sorted) order, for strings that need escaping too; byte for byte
// where encoding/json escapes nothing that jsontext leaves alone.
func TestAttributesOutputIsEncodingJSON(t *testing.T) {
	cases := []map[string]string{
		{},
		{"b": "2", "a": "1", "c": ""},
		{"q": `say "hi"\now`, "ctl": "tab\tnl\nnul\x00del\x7f", "uni": "héllo ✓ 😀", "sep": "a\u2028b"},
		{"html": "<b>&amp;</b>"},
	}
	for _, m := range cases {
		got := string(attributesOutput{m}.appendJSON(nil))
		var back struct{ Attributes map[string]string }
		if err := json.Unmarshal([]byte(got), &back); err != nil {
			t.Fatalf("%q is not JSON: %v", got, err)
		}
		if !maps.Equal(back.Attributes, m) || back.Attributes == nil {
			t.Errorf("%q decodes to %q, want %q", got, back.Attributes, m)
		}
		want, _ := json.Marshal(struct{ Attributes map[string]string }{m})
		if !strings.ContainsAny(string(want), `\`) && got != string(want) {
			t.Errorf("got %s, encoding/json %s", got, want)
		}
	}
	if got := string(attributesOutput{map[string]string{"k": "a\xffb"}}.appendJSON(nil)); got != `{"Attributes":{"k":"a`+"\ufffd"+`b"}}` {
		t.Errorf("invalid UTF-8: got %q", got)
	}
}

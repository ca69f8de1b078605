package api

import (
	"slices"

	"github.com/go-json-experiment/json/jsontext"
)

// jsonAppender is a response that writes its own JSON, for the few
// responses of the hot path: encoding/json's map encoder (reflection, a
// key sort through reflect values) was 7.6 % of a GetContactAttributes
// request's CPU under load (BENCHMARKS.md, session 3). The bytes must be
// what encoding/json would write, but for HTML characters, which are not
// escaped (both are valid JSON; no SDK cares).
type jsonAppender interface {
	appendJSON(dst []byte) []byte
}

// attributesOutput is GetContactAttributes' response: {"Attributes":{...}},
// its keys sorted as encoding/json sorts them.
type attributesOutput struct {
	Attributes map[string]string
}

func (o attributesOutput) appendJSON(dst []byte) []byte {
	dst = append(dst, `{"Attributes":{`...)
	keys := make([]string, 0, len(o.Attributes))
	for k := range o.Attributes {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendQuote(dst, k)
		dst = append(dst, ':')
		dst = appendQuote(dst, o.Attributes[k])
	}
	return append(dst, "}}"...)
}

// appendQuote appends s as a JSON string. Invalid UTF-8 (which connectd
// refuses on input, so no stored value holds it) becomes U+FFFD, as
// encoding/json makes it; jsontext's error says only that it did so.
func appendQuote(dst []byte, s string) []byte {
	dst, _ = jsontext.AppendQuote(dst, s)
	return dst
}

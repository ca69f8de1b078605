package api

import "github.com/connectd/connectd/internal/jsonmap"

// jsonAppender is a response that writes its own JSON, for the few
// responses of the hot path: encoding/json's map encoder (reflection, a
// key sort through reflect values) was 7.6 % of a GetContactAttributes
// request's CPU under load (BENCHMARKS.md, session 3). The bytes are what
// encoding/json would write but for the escapes jsonmap.Append leaves out
// (HTML characters, U+2028/U+2029): the same JSON value to every SDK.
type jsonAppender interface {
	appendJSON(dst []byte) []byte
}

// attributesOutput is GetContactAttributes' response: {"Attributes":{...}},
// its keys sorted as encoding/json sorts them.
type attributesOutput struct {
	Attributes map[string]string
}

func (o attributesOutput) appendJSON(dst []byte) []byte {
	dst = append(dst, `{"Attributes":`...)
	return append(jsonmap.Append(dst, o.Attributes), '}')
}

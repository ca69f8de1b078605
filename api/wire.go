package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// epoch is a timestamp on the wire: restJson1 sends timestamps as JSON
// numbers of epoch seconds, a fraction allowed. aws-sdk-go-v2 fails with
// "expected Timestamp to be a JSON Number" on anything else, which is the
// bug in moto's Connect responses that connectd must not repeat.
type epoch time.Time

// epochOf returns t for the wire, or nil when t is zero so that the member
// is left out.
func epochOf(t time.Time) *epoch {
	if t.IsZero() {
		return nil
	}
	e := epoch(t)
	return &e
}

// MarshalJSON writes milliseconds precision, as Amazon Connect does.
func (e epoch) MarshalJSON() ([]byte, error) {
	ms := time.Time(e).UnixMilli()
	return strconv.AppendFloat(nil, float64(ms)/1000, 'f', -1, 64), nil
}

// The range of a timestamp on the wire: years 0001 to 9999, what every
// SDK's timestamp type holds. Outside it a float's seconds do not fit the
// conversion to time.Time, which wrapped (EndTime 1e19 became a time before
// StartTime, and StartTime 1e308 was accepted: found by the issue 14 audit).
const (
	minEpochSeconds = -62135596800 // 0001-01-01T00:00:00Z
	maxEpochSeconds = 253402300799 // 9999-12-31T23:59:59Z
)

// epochType is the Go type serializationMessage recognizes as a timestamp.
var epochType = reflect.TypeFor[epoch]()

// UnmarshalJSON reads a JSON number of epoch seconds. A refusal is a
// *json.UnmarshalTypeError, so that encoding/json adds the member's path and
// the 400 names it.
func (e *epoch) UnmarshalJSON(b []byte) error {
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || b[0] == '"' {
		return &json.UnmarshalTypeError{Value: literalKind(b), Type: epochType}
	}
	if f < minEpochSeconds || f > maxEpochSeconds { // ParseFloat gives ±Inf for 1e400, never NaN
		return &json.UnmarshalTypeError{Value: "number " + string(b) + " (out of range)", Type: epochType}
	}
	sec, frac := math.Modf(f)
	*e = epoch(time.Unix(int64(sec), int64(math.Round(frac*1e3))*int64(time.Millisecond)).UTC())
	return nil
}

// Time returns the timestamp as a time.Time.
func (e *epoch) Time() time.Time {
	if e == nil {
		return time.Time{}
	}
	return time.Time(*e)
}

// decodeBody reads a JSON request body into v. An empty body is an empty
// object: the SDKs send none when an operation has no body members. Malformed
// JSON, a member of the wrong type, or anything after the object is a 400
// SerializationException. Unknown members are ignored, as AWS does, so that
// newer SDKs that send newer members keep working.
func decodeBody(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	if b := bytes.TrimSpace(body); b[0] != '{' {
		return &wireError{exc: excSerialization, message: "The request body must be a JSON object."}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		return &wireError{exc: excSerialization, message: serializationMessage(err)}
	}
	if _, err := dec.Token(); err != io.EOF {
		return &wireError{exc: excSerialization, message: "The request body has data after its JSON object."}
	}
	return nil
}

// serializationMessage says what was wrong with a body in words a client can
// act on, naming the member where encoding/json knows it.
func serializationMessage(err error) string {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr) && typeErr.Type == epochType:
		return fmt.Sprintf("Member %s must be a timestamp: a JSON number of epoch seconds from %d (0001-01-01) to %d (9999-12-31), not JSON %s.",
			memberPath(typeErr.Field), int64(minEpochSeconds), int64(maxEpochSeconds), typeErr.Value)
	case errors.As(err, &typeErr) && memberPath(typeErr.Field) != "":
		return fmt.Sprintf("Member %s must be of type %s, not JSON %s.", memberPath(typeErr.Field), jsonTypeName(typeErr.Type.String()), typeErr.Value)
	case errors.As(err, &typeErr):
		return fmt.Sprintf("Expected %s, got JSON %s.", jsonTypeName(typeErr.Type.String()), typeErr.Value)
	case errors.As(err, &syntaxErr):
		return fmt.Sprintf("The request body is not valid JSON: %v (at byte %d).", syntaxErr, syntaxErr.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "The request body is not valid JSON: it ends too early."
	default:
		return "The request body could not be read: " + err.Error()
	}
}

// memberPath turns encoding/json's Field ("startCommon.Attributes") into the
// model's member path ("Attributes"). The path includes the names of embedded
// structs such as startCommon, which are connectd's Go internals, not members
// a client sent; they are unexported, so they are the lowercase elements.
// (Found by FuzzStartTaskContact: {"Attributes":{"a":1}} was answered
// "Member startCommon.Attributes must be of type string".)
func memberPath(field string) string {
	var path []string
	for _, name := range strings.Split(field, ".") {
		if name != "" && !('a' <= name[0] && name[0] <= 'z') {
			path = append(path, name)
		}
	}
	return strings.Join(path, ".")
}

// jsonTypeName names a Go type of a wire struct in the model's terms.
func jsonTypeName(goType string) string {
	switch goType {
	case "string", "*string":
		return "string"
	case "bool", "*bool":
		return "boolean"
	case "int", "*int", "int64", "*int64", "*int32", "int32":
		return "integer"
	case "map[string]string":
		return "map of strings"
	}
	if len(goType) > 2 && goType[:2] == "[]" {
		return "list"
	}
	return "structure"
}

// writeJSON writes v with status and the Content-Type every response
// carries, encoded by encoding/json (the hot path's own encoders go through
// writeOK).
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil { // only wire structs reach here; they always marshal
		b = []byte(`{"Message":"An internal error occurred."}`)
		status = http.StatusInternalServerError
	}
	writeBody(w, status, b)
}

// writeBody writes b, a JSON document, with status.
func writeBody(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// writeOK writes an operation's answer. One that writes its own JSON (the
// hot path's) is built in a buffer kept for reuse, which io.Writer's
// contract allows: Write does not retain it (net/http copies it into the
// connection's buffer). A new 512-byte buffer a request was the Get
// path's largest allocation of its own.
func (s *Server) writeOK(w http.ResponseWriter, resp any) {
	a, ok := resp.(jsonAppender)
	if !ok {
		writeJSON(w, http.StatusOK, resp)
		return
	}
	bp, _ := s.bufs.Get().(*[]byte)
	if bp == nil {
		b := make([]byte, 0, 512)
		bp = &b
	}
	b := a.appendJSON((*bp)[:0])
	writeBody(w, http.StatusOK, b)
	if cap(b) <= maxPooledBuffer {
		*bp = b
		s.bufs.Put(bp)
	}
}

// maxPooledBuffer is the largest response buffer writeOK keeps: a rare
// large map's buffer would otherwise stay in the pool for good.
const maxPooledBuffer = 64 << 10

// literalKind names the kind of a JSON literal as encoding/json's type errors do.
func literalKind(b []byte) string {
	switch {
	case len(b) == 0:
		return "value"
	case b[0] == '"':
		return "string"
	case b[0] == '{':
		return "object"
	case b[0] == '[':
		return "array"
	case b[0] == 't' || b[0] == 'f':
		return "bool"
	}
	return "number"
}

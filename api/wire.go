package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
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

// UnmarshalJSON reads a JSON number of epoch seconds.
func (e *epoch) UnmarshalJSON(b []byte) error {
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) || b[0] == '"' {
		return fmt.Errorf("expected a timestamp as a JSON number of epoch seconds, got %s", b)
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

// readBody reads a request body within the body limit.
func readBody(r io.Reader) ([]byte, error) {
	body, err := io.ReadAll(r)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, &wireError{exc: excTooLarge, message: fmt.Sprintf("The request body is larger than the limit of %d bytes.", tooLarge.Limit)}
		}
		return nil, fmt.Errorf("read request body: %w", err)
	}
	return body, nil
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

// writeJSON writes v with status and the Content-Type every response carries.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil { // only wire structs reach here; they always marshal
		b = []byte(`{"Message":"An internal error occurred."}`)
		status = http.StatusInternalServerError
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

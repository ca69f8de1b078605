package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/go-json-experiment/json/jsontext"
)

// decodeTree decodes a request body, a JSON object, into the tree the
// checker reads (objects, arrays, strings, json.Number, booleans, nil), or
// fails; bind then decodes the body the old way for its error message. It
// reads with jsontext, which refuses an object that names a member twice
// (jsontext.ErrDuplicateName, see duplicateError): encoding/json merges duplicate objects into a struct's
// map but keeps only the last in a tree, so the checker would check one
// map and connectd store another.
func decodeTree(body []byte) (map[string]any, error) {
	return new(treeDecoder).decode(body)
}

// treeDecoder is a jsontext decoder kept for reuse: a new one allocates
// its state machine and the table of names it checks for duplicates,
// about a third of the tree's allocations (BENCHMARKS.md, "Issue 18,
// session 4: HTTP layer"). The Server keeps them in a sync.Pool.
type treeDecoder struct {
	src bytes.Reader
	dec *jsontext.Decoder
}

// decode is decodeTree with d's decoder.
func (d *treeDecoder) decode(body []byte) (map[string]any, error) {
	d.src.Reset(body)
	if d.dec == nil {
		d.dec = jsontext.NewDecoder(&d.src)
	} else {
		d.dec.Reset(&d.src)
	}
	defer d.src.Reset(nil) // the pooled reader must not pin the body
	dec := d.dec
	if dec.PeekKind() != '{' {
		return nil, errNotObject
	}
	v, err := readValue(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.ReadToken(); err != io.EOF {
		return nil, errNotObject // data after the object
	}
	return v.(map[string]any), nil
}

var errNotObject = errors.New("not one JSON object")

// readValue reads the next JSON value of dec as encoding/json decodes into
// an any with UseNumber.
func readValue(dec *jsontext.Decoder) (any, error) {
	tok, err := dec.ReadToken()
	if err != nil {
		return nil, err
	}
	switch tok.Kind() {
	case '{':
		obj := map[string]any{}
		for dec.PeekKind() != '}' {
			name, err := dec.ReadToken()
			if err != nil {
				return nil, err
			}
			key := name.String() // before the next read voids name
			v, err := readValue(dec)
			if err != nil {
				return nil, err
			}
			obj[key] = v
		}
		_, err = dec.ReadToken()
		return obj, err
	case '[':
		list := []any{}
		for dec.PeekKind() != ']' {
			v, err := readValue(dec)
			if err != nil {
				return nil, err
			}
			list = append(list, v)
		}
		_, err = dec.ReadToken()
		return list, err
	case '"':
		return tok.String(), nil
	case '0':
		return json.Number(tok.String()), nil // the number as written
	case 't', 'f':
		return tok.Bool(), nil
	}
	return nil, nil // null
}

// duplicateError is the SerializationException for a member named twice,
// or nil if err is something else.
func duplicateError(err error) error {
	var se *jsontext.SyntacticError
	if !errors.As(err, &se) || !errors.Is(err, jsontext.ErrDuplicateName) {
		return nil
	}
	return &wireError{exc: excSerialization, message: fmt.Sprintf("The request body names a member twice (%s).", memberPointer(se.JSONPointer))}
}

// memberPointer writes a JSON pointer (/Attributes/a) as a member path
// (Attributes.a).
func memberPointer(p jsontext.Pointer) string {
	var names []string
	for name := range p.Tokens() {
		names = append(names, name)
	}
	return strings.Join(names, ".")
}

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// node is a JSON value that keeps the order of object members. botocore's
// model lists a structure's members in the order of the service's own
// definition, and connectd validates (and reports the first violation) in
// that order, which encoding/json's maps would lose.
type node struct {
	obj    []field         // set for an object
	arr    []*node         // set for an array
	scalar json.RawMessage // set for anything else
	isObj  bool
	isArr  bool
}

type field struct {
	key string
	val *node
}

// parseJSON reads one JSON value with its objects in order.
func parseJSON(b []byte) (*node, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	n, err := parseNode(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("data after the JSON value")
	}
	return n, nil
}

func parseNode(dec *json.Decoder) (*node, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			n := &node{isObj: true}
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return nil, err
				}
				v, err := parseNode(dec)
				if err != nil {
					return nil, err
				}
				n.obj = append(n.obj, field{k.(string), v})
			}
			_, err := dec.Token() // '}'
			return n, err
		case '[':
			n := &node{isArr: true}
			for dec.More() {
				v, err := parseNode(dec)
				if err != nil {
					return nil, err
				}
				n.arr = append(n.arr, v)
			}
			_, err := dec.Token() // ']'
			return n, err
		}
		return nil, fmt.Errorf("unexpected %v", t)
	default:
		b, err := marshal(t)
		return &node{scalar: b}, err
	}
}

// get returns the member key of an object, or nil.
func (n *node) get(key string) *node {
	if n == nil {
		return nil
	}
	for _, f := range n.obj {
		if f.key == key {
			return f.val
		}
	}
	return nil
}

// fields returns an object's members; none for nil.
func (n *node) fields() []field {
	if n == nil {
		return nil
	}
	return n.obj
}

// items returns an array's elements; none for nil.
func (n *node) items() []*node {
	if n == nil {
		return nil
	}
	return n.arr
}

// str returns a string scalar, or "".
func (n *node) str() string {
	var s string
	if n != nil && n.scalar != nil {
		_ = json.Unmarshal(n.scalar, &s)
	}
	return s
}

// boolean returns a boolean scalar, or false.
func (n *node) boolean() bool {
	var b bool
	if n != nil && n.scalar != nil {
		_ = json.Unmarshal(n.scalar, &b)
	}
	return b
}

// number returns a numeric scalar and whether there was one.
func (n *node) number() (float64, bool) {
	var f float64
	if n == nil || n.scalar == nil || json.Unmarshal(n.scalar, &f) != nil {
		return 0, false
	}
	return f, true
}

// strings returns an array of strings.
func (n *node) strings() []string {
	if n == nil {
		return nil
	}
	out := make([]string, 0, len(n.arr))
	for _, v := range n.arr {
		out = append(out, v.str())
	}
	return out
}

// without returns n with every object member named in drop removed, at any
// depth.
func (n *node) without(drop map[string]bool) *node {
	switch {
	case n.isObj:
		out := &node{isObj: true}
		for _, f := range n.obj {
			if !drop[f.key] {
				out.obj = append(out.obj, field{f.key, f.val.without(drop)})
			}
		}
		return out
	case n.isArr:
		out := &node{isArr: true}
		for _, v := range n.arr {
			out.arr = append(out.arr, v.without(drop))
		}
		return out
	}
	return n
}

// write writes n as indented JSON: objects one member a line, arrays of
// scalars on one line, so that a model refresh diffs readably.
func (n *node) write(w *strings.Builder, indent string) {
	switch {
	case n.isObj:
		if len(n.obj) == 0 {
			w.WriteString("{}")
			return
		}
		w.WriteString("{\n")
		for i, f := range n.obj {
			k, _ := marshal(f.key)
			w.WriteString(indent + "  ")
			w.Write(k)
			w.WriteString(": ")
			f.val.write(w, indent+"  ")
			if i < len(n.obj)-1 {
				w.WriteString(",")
			}
			w.WriteString("\n")
		}
		w.WriteString(indent + "}")
	case n.isArr:
		flat := true
		for _, v := range n.arr {
			flat = flat && v.scalar != nil
		}
		if flat {
			w.WriteString("[")
			for i, v := range n.arr {
				if i > 0 {
					w.WriteString(", ")
				}
				w.Write(v.scalar)
			}
			w.WriteString("]")
			return
		}
		w.WriteString("[\n")
		for i, v := range n.arr {
			w.WriteString(indent + "  ")
			v.write(w, indent+"  ")
			if i < len(n.arr)-1 {
				w.WriteString(",")
			}
			w.WriteString("\n")
		}
		w.WriteString(indent + "]")
	default:
		w.Write(n.scalar)
	}
}

// marshal encodes v without escaping <, > and &, which patterns may hold.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// text returns n as indented JSON with a final newline.
func (n *node) text() string {
	var b strings.Builder
	n.write(&b, "")
	b.WriteString("\n")
	return b.String()
}

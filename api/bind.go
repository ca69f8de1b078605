package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strconv"
)

// op adapts an operation's handler to the generic handler type: it binds
// the request (body, URI labels, query string, headers) into In, checks the
// input against the model's constraints, and only then calls f, which keeps
// the rules the model cannot express and its call of the domain. The
// response (Out, marshalled with status 200) or the error is written by
// ServeHTTP.
func op[In, Out any](s *Server, f func(context.Context, *call, *In) (Out, error)) handler {
	return func(ctx context.Context, c *call) (any, error) {
		in := new(In)
		if err := s.bind(c, in); err != nil {
			return nil, err
		}
		return f(ctx, c, in)
	}
}

// bind decodes c's request into in and checks it against the operation's
// input shape. Decoding errors come first (SerializationException, as
// decodeBody says), then the first constraint broken.
func (s *Server) bind(c *call, in any) error {
	o := s.model.ops[c.op]
	body, err := c.readBody()
	if err != nil {
		return err
	}
	var tree map[string]any
	if len(bytes.TrimSpace(body)) > 0 {
		d, _ := s.trees.Get().(*treeDecoder)
		if d == nil {
			d = new(treeDecoder)
		}
		t, err := d.decode(body)
		s.trees.Put(d)
		if dup := duplicateError(err); dup != nil {
			return dup
		}
		if err != nil || !s.plans.fillFromTree(in, t) {
			// The body is not plain enough for fillFromTree, or it is not
			// valid: decodeBody decodes it into in, or says what is wrong.
			if err := decodeBody(body, in); err != nil {
				return err
			}
		}
		if err != nil {
			return fmt.Errorf("decode the request body: encoding/json read it, jsontext did not: %w", err)
		}
		tree = t
	}
	if tree == nil {
		tree = map[string]any{} // an empty body is an empty object
	}
	var bound map[string]any
	for _, b := range o.Bind {
		v, err := s.boundValue(c, b)
		if err != nil {
			return err
		}
		if v != nil {
			if bound == nil {
				bound = map[string]any{}
			}
			bound[b.Member] = v
			tree[b.Member] = v
		}
	}
	setStrings(in, bound)
	if len(bound) > 0 {
		// The bound members go into in as if they had been in the body.
		raw, err := json.Marshal(bound)
		if err != nil {
			return fmt.Errorf("encode bound members: %w", err)
		}
		if err := json.Unmarshal(raw, in); err != nil {
			return fmt.Errorf("bind members of %s: %w", c.op, err)
		}
	}
	k := checker{m: s.model}
	k.input(o.Input, tree)
	return k.err
}

// setStrings sets the string members of bound that in (a pointer to a
// struct) has as string fields of the same name, and deletes them from
// bound; the rest go through encoding/json as before. URI labels are such
// members, and a JSON round trip of them was 9 % of a GetContactAttributes
// request's CPU under load. A field renamed by a json tag, or reached
// through an embedded pointer, is left to encoding/json.
func setStrings(in any, bound map[string]any) {
	v := reflect.ValueOf(in).Elem()
	for name, val := range bound {
		str, ok := val.(string)
		if !ok {
			continue
		}
		f, ok := v.Type().FieldByName(name)
		if !ok || f.Type.Kind() != reflect.String || f.Tag.Get("json") != "" {
			continue
		}
		fv, err := v.FieldByIndexErr(f.Index)
		if err != nil || !fv.CanSet() {
			continue
		}
		fv.SetString(str)
		delete(bound, name)
	}
}

// readBody is the request body, read whole and checked (readBody), once.
func (c *call) readBody() ([]byte, error) {
	if c.body == nil {
		return readBody(c.r.Body)
	}
	if err := checkText(c.body); err != nil {
		return nil, err
	}
	return c.body, nil
}

// boundValue reads a member bound outside the body, typed as its shape
// says (query strings and headers carry numbers and booleans as text, and
// a list as the parameter repeated), or nil when the request lacks it.
func (s *Server) boundValue(c *call, b modelBinding) (any, error) {
	var raw []string
	switch b.In {
	case "uri":
		if v, ok := c.labels[b.Name]; ok {
			raw = []string{v}
		}
	case "querystring":
		raw = c.r.URL.Query()[b.Name]
	case "header":
		raw = c.r.Header.Values(b.Name)
	}
	if len(raw) == 0 {
		return nil, nil
	}
	sh := b.shape
	if sh.Type == "list" {
		items := make([]any, len(raw))
		for i, r := range raw {
			v, err := s.scalar(s.model.shapes[sh.Member], b, r)
			if err != nil {
				return nil, err
			}
			items[i] = v
		}
		return items, nil
	}
	return s.scalar(sh, b, raw[0])
}

// scalar converts one bound value's text to its shape's JSON form.
func (s *Server) scalar(sh *modelShape, b modelBinding, raw string) (any, error) {
	where := "Header"
	switch b.In {
	case "uri":
		where = "URI label"
	case "querystring":
		where = "Query parameter"
	}
	switch sh.Type {
	case "integer", "long":
		if _, err := strconv.ParseInt(raw, 10, 64); err != nil {
			return nil, &wireError{exc: excSerialization, message: fmt.Sprintf("%s %s must be an integer; got %q.", where, b.Name, raw)}
		}
		return json.Number(raw), nil
	case "boolean":
		v, err := strconv.ParseBool(raw)
		if err != nil || (raw != "true" && raw != "false") {
			return nil, &wireError{exc: excSerialization, message: fmt.Sprintf("%s %s must be true or false; got %q.", where, b.Name, raw)}
		}
		return v, nil
	case "timestamp":
		// restJson1 sends a header timestamp as an HTTP date.
		t, err := http.ParseTime(raw)
		if err != nil {
			return nil, &wireError{exc: excSerialization, message: fmt.Sprintf("%s %s must be an HTTP date; got %q.", where, b.Name, raw)}
		}
		return json.Number(strconv.FormatInt(t.Unix(), 10)), nil
	}
	return raw, nil
}

// memberShape returns the shape of member of structure shape.
func (m *wireModel) memberShape(shape, member string) string {
	for _, mb := range m.shapes[shape].Members {
		if mb.Name == member {
			return mb.Shape
		}
	}
	return ""
}

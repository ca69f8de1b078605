package api

import (
	"encoding"
	"encoding/json"
	"reflect"
	"strings"
)

// fillFromTree sets in (a pointer to an input struct) from the decoded
// body tree, as encoding/json would set it from the body, and reports
// whether it could: for the field types of the hot operations (strings,
// booleans, integers, string maps and lists, nested and embedded structs,
// pointers to them). Anything else (a custom unmarshaller such as epoch, a
// member of the wrong JSON type, a key that matches a field only in another
// case, which encoding/json would take) makes it give up, and bind decodes
// the body into in with encoding/json as before. Decoding every body
// twice, once for the checker and once into in, was 11 % of an
// UpdateContactAttributes request's CPU under load (BENCHMARKS.md,
// session 3).
func fillFromTree(in any, tree map[string]any) bool {
	v := reflect.ValueOf(in)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct || customDecoded(v.Elem().Type()) {
		return false
	}
	// Fill a copy, so that giving up halfway leaves in as it was.
	tmp := reflect.New(v.Elem().Type())
	if !fillStruct(tmp.Elem(), tree) {
		return false
	}
	v.Elem().Set(tmp.Elem())
	return true
}

func fillStruct(v reflect.Value, obj map[string]any) bool {
	t := v.Type()
	for key, x := range obj {
		f, ok := t.FieldByName(key)
		if ok && (f.Anonymous || taggedAs(t, key)) {
			// encoding/json does not take an embedded struct by its type's
			// name, and a tag naming key wins over a field so named.
			return false
		}
		if !ok || !f.IsExported() || f.Tag.Get("json") != "" {
			if foldsToField(t, key) {
				return false // encoding/json would match it; leave it to encoding/json
			}
			continue // a member the input struct does not keep: encoding/json ignores it too
		}
		fv, err := v.FieldByIndexErr(f.Index)
		if err != nil || !fill(fv, x) {
			return false
		}
	}
	return true
}

// taggedAs reports whether a field of t, or of a struct embedded in it,
// has a json tag whose name is key in any case.
func taggedAs(t reflect.Type, key string) bool {
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name != "" && name != "-" && strings.EqualFold(name, key) {
			return true
		}
		if f.Anonymous && f.Type.Kind() == reflect.Struct && taggedAs(f.Type, key) {
			return true
		}
	}
	return false
}

// foldsToField reports whether encoding/json might match key to a field of
// t: a field or a json tag's name equal to key in any case, or an embedded
// struct with such a field, or an embedded pointer (not followed).
func foldsToField(t reflect.Type, key string) bool {
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case name == "-":
		case strings.EqualFold(f.Name, key) || strings.EqualFold(name, key):
			return true
		case f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct:
			if foldsToField(f.Type, key) {
				return true
			}
		case f.Anonymous && name == "":
			return true
		}
	}
	return false
}

// fill sets v from the decoded JSON value x (null leaves v as it is, as
// encoding/json does).
func fill(v reflect.Value, x any) bool {
	if x == nil {
		return true
	}
	if customDecoded(v.Type()) {
		return false
	}
	switch v.Kind() {
	case reflect.String:
		s, ok := x.(string)
		if ok {
			v.SetString(s)
		}
		return ok
	case reflect.Bool:
		b, ok := x.(bool)
		if ok {
			v.SetBool(b)
		}
		return ok
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := x.(json.Number)
		if !ok {
			return false
		}
		i, err := n.Int64()
		if err != nil || v.OverflowInt(i) {
			return false
		}
		v.SetInt(i)
		return true
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		if !fill(p.Elem(), x) {
			return false
		}
		v.Set(p)
		return true
	case reflect.Struct:
		obj, ok := x.(map[string]any)
		return ok && fillStruct(v, obj)
	case reflect.Map:
		return fillMap(v, x)
	case reflect.Slice:
		return fillSlice(v, x)
	}
	return false
}

// customDecoded reports whether encoding/json would decode into t through
// a method of t or *t (UnmarshalJSON, or UnmarshalText for a JSON string).
func customDecoded(t reflect.Type) bool {
	for _, m := range [...]reflect.Type{reflect.TypeFor[json.Unmarshaler](), reflect.TypeFor[encoding.TextUnmarshaler]()} {
		if t.Implements(m) || reflect.PointerTo(t).Implements(m) {
			return true
		}
	}
	return false
}

// fillMap fills a map of string keys; encoding/json merges into a map that
// exists, and so does this.
func fillMap(v reflect.Value, x any) bool {
	obj, ok := x.(map[string]any)
	if !ok || v.Type().Key().Kind() != reflect.String || v.Type().Key() != reflect.TypeFor[string]() {
		return false
	}
	if v.IsNil() {
		v.Set(reflect.MakeMapWithSize(v.Type(), len(obj)))
	}
	if m, ok := v.Addr().Interface().(*map[string]string); ok {
		for k, e := range obj { // the common case, without reflection per entry
			s, ok := e.(string)
			if !ok {
				return false // null (encoding/json stores "") or another type
			}
			(*m)[k] = s
		}
		return true
	}
	for k, e := range obj {
		ev := reflect.New(v.Type().Elem()).Elem()
		if !fill(ev, e) {
			return false
		}
		v.SetMapIndex(reflect.ValueOf(k), ev)
	}
	return true
}

func fillSlice(v reflect.Value, x any) bool {
	list, ok := x.([]any)
	if !ok || v.Type().Elem().Kind() == reflect.Uint8 { // []byte is base64 in encoding/json
		return false
	}
	s := reflect.MakeSlice(v.Type(), len(list), len(list))
	for i, e := range list {
		if !fill(s.Index(i), e) {
			return false
		}
	}
	v.Set(s)
	return true
}

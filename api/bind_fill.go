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
func (p *fillPlans) fillFromTree(in any, tree map[string]any) bool {
	v := reflect.ValueOf(in)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct || p.customDecoded(v.Elem().Type()) {
		return false
	}
	// Fill a copy, so that giving up halfway leaves in as it was.
	tmp := reflect.New(v.Elem().Type())
	if !p.fillStruct(tmp.Elem(), tree) {
		return false
	}
	v.Elem().Set(tmp.Elem())
	return true
}

func (p *fillPlans) fillStruct(v reflect.Value, obj map[string]any) bool {
	t := v.Type()
	fields := p.fieldsOf(t)
	for key, x := range obj {
		d, ok := fields[key]
		if !ok {
			d = decideField(t, key) // a key no field is named: not cached
		}
		switch {
		case d.giveUp:
			return false
		case d.index == nil:
			continue // a member the input struct does not keep: encoding/json ignores it too
		}
		fv, err := v.FieldByIndexErr(d.index)
		if err != nil || !p.fill(fv, x) {
			return false
		}
	}
	return true
}

// decideField says what fillStruct does with a body member named key in
// a struct of type t.
func decideField(t reflect.Type, key string) fieldDecision {
	f, ok := t.FieldByName(key)
	if ok && (f.Anonymous || taggedAs(t, key)) {
		// encoding/json does not take an embedded struct by its type's
		// name, and a tag naming key wins over a field so named.
		return fieldDecision{giveUp: true}
	}
	if !ok || !f.IsExported() || f.Tag.Get("json") != "" {
		// encoding/json would match it in another case: leave it to
		// encoding/json; else it ignores the member.
		return fieldDecision{giveUp: foldsToField(t, key)}
	}
	return fieldDecision{index: f.Index}
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
func (p *fillPlans) fill(v reflect.Value, x any) bool {
	if x == nil {
		return true
	}
	if p.customDecoded(v.Type()) {
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
		ptr := reflect.New(v.Type().Elem())
		if !p.fill(ptr.Elem(), x) {
			return false
		}
		v.Set(ptr)
		return true
	case reflect.Struct:
		obj, ok := x.(map[string]any)
		return ok && p.fillStruct(v, obj)
	case reflect.Map:
		return p.fillMap(v, x)
	case reflect.Slice:
		return p.fillSlice(v, x)
	}
	return false
}

// decodesItself reports whether encoding/json would decode into t through
// a method of t or *t (UnmarshalJSON, or UnmarshalText for a JSON string).
func decodesItself(t reflect.Type) bool {
	for _, m := range [...]reflect.Type{reflect.TypeFor[json.Unmarshaler](), reflect.TypeFor[encoding.TextUnmarshaler]()} {
		if t.Implements(m) || reflect.PointerTo(t).Implements(m) {
			return true
		}
	}
	return false
}

// fillMap fills a map of string keys; encoding/json merges into a map that
// exists, and so does this.
func (p *fillPlans) fillMap(v reflect.Value, x any) bool {
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
		if !p.fill(ev, e) {
			return false
		}
		v.SetMapIndex(reflect.ValueOf(k), ev)
	}
	return true
}

func (p *fillPlans) fillSlice(v reflect.Value, x any) bool {
	list, ok := x.([]any)
	if !ok || v.Type().Elem().Kind() == reflect.Uint8 { // []byte is base64 in encoding/json
		return false
	}
	s := reflect.MakeSlice(v.Type(), len(list), len(list))
	for i, e := range list {
		if !p.fill(s.Index(i), e) {
			return false
		}
	}
	v.Set(s)
	return true
}

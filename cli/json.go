package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"time"

	"github.com/aws/smithy-go/middleware"
)

// object is a JSON object whose members keep their order (the order of the
// SDK's struct fields, which is the model's).
type object struct {
	keys []string
	vals []any
}

// MarshalJSON writes the members in order.
func (o *object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, err := marshal(k)
		if err != nil {
			return nil, err
		}
		vb, err := marshal(o.vals[i])
		if err != nil {
			return nil, err
		}
		b.Write(kb)
		b.WriteByte(':')
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// marshal is json.Marshal without HTML escaping: attribute values are
// shown as they are.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

var (
	timeType     = reflect.TypeFor[time.Time]()
	metadataType = reflect.TypeFor[middleware.Metadata]()
)

// shape converts an SDK output value to what --output json prints: the SDK's
// output shape with its member names, like the AWS CLI's output. Members that
// are unset (nil, or an empty enum) are left out, timestamps are RFC 3339 in
// UTC, and ResultMetadata is dropped. The result holds *object, map[string]any,
// []any, string, bool and numbers.
func shape(v any) any { return shapeOf(reflect.ValueOf(v)) }

func shapeOf(v reflect.Value) any {
	switch v.Kind() {
	case reflect.Invalid:
		return nil
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return shapeOf(v.Elem())
	case reflect.Struct:
		if v.Type() == timeType {
			return formatTime(v.Interface().(time.Time))
		}
		o := &object{}
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if !f.IsExported() || f.Type == metadataType {
				continue
			}
			if s := shapeOf(v.Field(i)); s != nil {
				o.keys = append(o.keys, f.Name)
				o.vals = append(o.vals, s)
			}
		}
		return o
	case reflect.Map:
		if v.IsNil() {
			return nil
		}
		m := make(map[string]any, v.Len())
		for it := v.MapRange(); it.Next(); {
			m[fmt.Sprint(it.Key().Interface())] = shapeOf(it.Value())
		}
		return m
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			return nil
		}
		s := make([]any, v.Len())
		for i := range s {
			s[i] = shapeOf(v.Index(i))
		}
		return s
	case reflect.String:
		if v.Len() == 0 {
			return nil // an unset enum
		}
		return v.String()
	default:
		return v.Interface()
	}
}

// formatTime is how the client shows a timestamp, in tables and JSON.
func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// writeJSON prints v indented.
func (a *app) writeJSON(v any) error {
	enc := json.NewEncoder(a.stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// flatten turns a shaped value into rows of a two-column table: nested
// members are named with dots (QueueInfo.Id) and list items with an index
// (Recordings[0].Location).
func flatten(prefix string, v any, into map[string]string) {
	switch v := v.(type) {
	case *object:
		for i, k := range v.keys {
			flatten(join(prefix, k), v.vals[i], into)
		}
	case map[string]any:
		if len(v) == 0 {
			into[prefix] = "{}"
		}
		for k, x := range v {
			flatten(join(prefix, k), x, into)
		}
	case []any:
		if len(v) == 0 {
			into[prefix] = "[]"
		}
		for i, x := range v {
			flatten(fmt.Sprintf("%s[%d]", prefix, i), x, into)
		}
	case nil:
	default:
		into[prefix] = fmt.Sprint(v)
	}
}

func join(prefix, k string) string {
	if prefix == "" {
		return k
	}
	return prefix + "." + k
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// plural returns "n thing" or "n things".
func plural(n int, thing string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", thing)
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

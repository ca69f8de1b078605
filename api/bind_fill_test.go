package api

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// treeInput has every kind of field fillFromTree fills, and one it leaves
// to encoding/json (When, through epoch's UnmarshalJSON).
type treeInput struct {
	Name    string
	Flag    bool
	Count   int32
	Limit   *int
	Map     map[string]string
	List    []string
	Nested  struct{ Inner string }
	Pointer *struct{ Inner []string }
	treeEmbedded
}

type treeEmbedded struct{ Promoted string }

type treeWithEpoch struct {
	Name string
	When *epoch
}

// TestFillFromTreeIsEncodingJSON: whenever fillFromTree fills an input, it
// fills it exactly as encoding/json decodes the same body; where it cannot
// be sure (a custom unmarshaller, a wrong type, a key that matches only in
// another case, a null map value, a number encoding/json refuses for the
// field), it says so and bind falls back to encoding/json.
func TestFillFromTreeIsEncodingJSON(t *testing.T) {
	plans := new(fillPlans) // cached after the first body, as in the Server
	filled := []string{
		`{}`,
		`{"Name":"n","Flag":true,"Count":7,"Limit":3,"Map":{"a":"1"},"List":["x","y"],"Nested":{"Inner":"i"},"Pointer":{"Inner":["p"]},"Promoted":"e"}`,
		`{"Name":null,"Map":null,"List":[],"Unknown":{"deep":[1,2]},"Nested":{}}`,
		`{"List":["a",null]}`,
		`{"Count":-2147483648}`,
	}
	refused := []string{
		`{"name":"lower case, which encoding/json matches"}`,
		`{"Name":1}`,
		`{"Flag":"true"}`,
		`{"Count":1.5}`,
		`{"Count":2147483648}`,
		`{"Count":1e3}`,
		`{"Map":{"a":null}}`,
		`{"Map":{"a":1}}`,
		`{"List":"x"}`,
		`{"Nested":"x"}`,
	}
	for _, body := range filled {
		tree, err := decodeTree([]byte(body))
		if err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		var got, want treeInput
		if !plans.fillFromTree(&got, tree) {
			t.Errorf("%s: not filled", body)
			continue
		}
		if err := json.Unmarshal([]byte(body), &want); err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: filled %+v, encoding/json %+v", body, got, want)
		}
	}
	for _, body := range refused {
		tree, err := decodeTree([]byte(body))
		if err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		var got treeInput
		if plans.fillFromTree(&got, tree) {
			t.Errorf("%s: filled %+v; want it left to encoding/json", body, got)
		}
		if !reflect.DeepEqual(got, treeInput{}) {
			t.Errorf("%s: a refused fill changed the input: %+v", body, got)
		}
	}
	tree, err := decodeTree([]byte(`{"Name":"n","When":12}`))
	if err != nil {
		t.Fatal(err)
	}
	if plans.fillFromTree(&treeWithEpoch{}, tree) {
		t.Error("filled a field with its own UnmarshalJSON")
	}
}

// TestDecodeTreeRefuses: what decodeTree does not read into a tree; bind
// then asks decodeBody for the message, and a duplicate name gets its own.
func TestDecodeTreeRefuses(t *testing.T) {
	for _, body := range []string{`[]`, `"x"`, `{"a":1} {}`, `{"a":1}x`, `{"a":}`, `{"a":1,"a":2}`} {
		if _, err := decodeTree([]byte(body)); err == nil {
			t.Errorf("%s: decoded", body)
		}
	}
	_, err := decodeTree([]byte(`{"x":{"y":[{"z":1,"z":2}]}}`))
	if d := duplicateError(err); d == nil || d.Error() == "" || !strings.Contains(d.Error(), "(x.y.0.z)") {
		t.Errorf("duplicate error %v", d)
	}
	tree, err := decodeTree([]byte(`{"n":12.50,"b":false,"s":"é","l":[null]}`))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"n": json.Number("12.50"), "b": false, "s": "é", "l": []any{nil}}
	if !reflect.DeepEqual(tree, want) {
		t.Errorf("tree %#v, want %#v", tree, want)
	}
}

// FuzzFillFromTree: for any body both decoders read, a fill that succeeds
// equals encoding/json's decoding, and a refused one leaves the input
// untouched.
func FuzzFillFromTree(f *testing.F) {
	for _, seed := range []string{`{}`, `{"Name":"n","Map":{"a":"1"},"List":["x"],"Count":3,"Nested":{"Inner":"i"}}`, `{"name":"x"}`, `{"Map":{"a":null}}`, `{"Pointer":{"Inner":null}}`} {
		f.Add(seed)
	}
	plans := new(fillPlans)
	f.Fuzz(func(t *testing.T, body string) {
		tree, err := decodeTree([]byte(body))
		if err != nil {
			return
		}
		var want treeInput
		jsonErr := json.Unmarshal([]byte(body), &want)
		var got treeInput
		if !plans.fillFromTree(&got, tree) {
			if !reflect.DeepEqual(got, treeInput{}) {
				t.Fatalf("%s: a refused fill changed the input: %+v", body, got)
			}
			return
		}
		if jsonErr != nil {
			t.Fatalf("%s: filled %+v, but encoding/json refuses it: %v", body, got, jsonErr)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: filled %+v, encoding/json %+v", body, got, want)
		}
	})
}

// TreeCommon is an exported embedded struct: encoding/json promotes its
// fields but does not take a member named after the type.
type TreeCommon struct{ Name string }

type treeEmbeddedExported struct {
	TreeCommon
	Other string
}

type treeShadowed struct {
	Foo string
	Bar string `json:"Foo"`
}

// treeSelfDecoding decodes itself; fillFromTree must leave it alone.
type treeSelfDecoding struct{ Name string }

func (t *treeSelfDecoding) UnmarshalJSON([]byte) error { t.Name = "custom"; return nil }

// TestFillFromTreeOddShapes: shapes no input has today, where a fill
// would differ from encoding/json (review finding): it gives up or agrees.
func TestFillFromTreeOddShapes(t *testing.T) {
	plans := new(fillPlans)
	for name, c := range map[string]struct {
		body string
		new  func() any
	}{
		"embedded type named": {`{"TreeCommon":{"Name":"x"}}`, func() any { return &treeEmbeddedExported{} }},
		"promoted field":      {`{"Name":"x","Other":"y"}`, func() any { return &treeEmbeddedExported{} }},
		"tag shadows a field": {`{"Foo":"x"}`, func() any { return &treeShadowed{} }},
		"own UnmarshalJSON":   {`{"Name":"x"}`, func() any { return &treeSelfDecoding{} }},
	} {
		want := c.new()
		if err := json.Unmarshal([]byte(c.body), want); err != nil {
			t.Fatal(err)
		}
		tree, err := decodeTree([]byte(c.body))
		if err != nil {
			t.Fatal(err)
		}
		for range 2 { // deciding, then from the plan
			got := c.new()
			if plans.fillFromTree(got, tree) && !reflect.DeepEqual(got, want) {
				t.Errorf("%s: filled %+v, encoding/json %+v", name, got, want)
			}
		}
	}
}

// TestEveryBindingHasItsShape: newWireModel resolves the shape of every
// member bound outside the body (bind reads it for every request).
func TestEveryBindingHasItsShape(t *testing.T) {
	m := newWireModel()
	n := 0
	for name, o := range m.ops {
		for _, b := range o.Bind {
			n++
			if want := m.shapes[m.memberShape(o.Input, b.Member)]; b.shape == nil || b.shape != want {
				t.Errorf("%s: binding %s has shape %v, want %v", name, b.Member, b.shape, want)
			}
		}
	}
	if n < 100 {
		t.Fatalf("only %d bindings in the model", n)
	}
}

package api

import (
	"regexp"
	"slices"
	"sync"
)

//go:generate go run ../internal/wiregen -model model -out model_gen.go

// The wire facts of Amazon Connect (routes, member bindings, constraints,
// modeled errors) come from the service model vendored in model/, through
// the tables that wiregen writes to model_gen.go. These are the tables'
// types.

// modelOperation is one operation of the route table.
type modelOperation struct {
	Name, Method, URI string
	// Input names the input structure's shape.
	Input string
	// Bind lists the input members bound outside the body.
	Bind []modelBinding
	// Errors are the exceptions the operation models.
	Errors []string
}

// modelBinding says where an input member travels: In is "uri" (a label
// of the URI template), "querystring" or "header", under Name on the wire.
type modelBinding struct {
	Member, In, Name string
	// shape is the member's shape, resolved by newWireModel: two lookups
	// by long shape name a binding were 0.4 µs of a
	// GetContactAttributes request under load.
	shape *modelShape
}

// modelShape is a shape that an operation's input reaches, with its
// constraints: Type is botocore's (string, integer, long, boolean, double,
// float, timestamp, blob, structure, list, map).
type modelShape struct {
	Name, Type string
	// Min and Max are a string's length in characters, a list's or map's
	// number of entries, or a number's range.
	HasMin, HasMax bool
	Min, Max       float64
	Enum           []string
	// Pattern is the model's pattern, as messages quote it; RE2 is its
	// translation, and Not and Must its leading look-aheads, which RE2
	// lacks: the value must match no Not and every Must.
	Pattern, RE2 string
	Not, Must    []string
	// Union: exactly one member must be set.
	Union   bool
	Members []modelMember
	// Member is a list's element shape; Key and Value a map's.
	Member, Key, Value string
}

// modelMember is a member of a structure. Bound, when set, is its name on
// the wire outside the body (see modelBinding); messages use it.
type modelMember struct {
	Name, Shape string
	Required    bool
	Bound       string
}

// wireModel is the generated tables, indexed, with the patterns compiled on
// first use (a Server checks the few dozen patterns its operations reach,
// not the model's every one).
type wireModel struct {
	ops        map[string]*modelOperation
	shapes     map[string]*modelShape
	exceptions map[string]int

	mu       sync.Mutex
	compiled map[string]*regexp.Regexp
}

func newWireModel() *wireModel {
	m := &wireModel{
		ops: map[string]*modelOperation{}, shapes: map[string]*modelShape{},
		exceptions: modelExceptions(), compiled: map[string]*regexp.Regexp{},
	}
	for _, o := range modelOperations() {
		m.ops[o.Name] = &o
	}
	for _, s := range modelShapes() {
		m.shapes[s.Name] = &s
	}
	for _, o := range m.ops {
		for i, b := range o.Bind {
			o.Bind[i].shape = m.shapes[m.memberShape(o.Input, b.Member)]
		}
	}
	return m
}

// regexp returns the compiled form of a translated pattern. wiregen's
// tests compile every one, so MustCompile cannot fail here.
func (m *wireModel) regexp(re string) *regexp.Regexp {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.compiled[re]
	if !ok {
		c = regexp.MustCompile(re)
		m.compiled[re] = c
	}
	return c
}

// models reports whether operation op models the exception exc.
func (m *wireModel) models(op, exc string) bool {
	o := m.ops[op]
	return o != nil && slices.Contains(o.Errors, exc)
}

package main

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
)

// model is what the generator reads off the service model: the operations
// and the shapes their inputs reach.
type model struct {
	ops    []*operation
	shapes map[string]*shape
}

type operation struct {
	Name, Method, URI, Input string
	Errors                   []string
}

type shape struct {
	Name, Type    string
	Min, Max      *float64
	Enum          []string
	Pattern       *pattern
	Members       []*member
	Union         bool
	Member        string // a list's element shape
	Key, Value    string // a map's key and value shapes
	ExceptionCode int    // an exception's HTTP status
	IsException   bool
}

type member struct {
	Name, Shape            string
	Required               bool
	Location, LocationName string
}

// loadModel reads a botocore service-2.json.
func loadModel(path string) (*model, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read model: %w", err)
	}
	root, err := parseJSON(b)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	m := &model{shapes: map[string]*shape{}}
	for _, f := range root.get("shapes").fields() {
		s, err := toShape(f.key, f.val)
		if err != nil {
			return nil, err
		}
		m.shapes[f.key] = s
	}
	for _, f := range root.get("operations").fields() {
		o := &operation{
			Name:   f.key,
			Method: f.val.get("http").get("method").str(),
			URI:    f.val.get("http").get("requestUri").str(),
			Input:  f.val.get("input").get("shape").str(),
		}
		for _, e := range f.val.get("errors").items() {
			o.Errors = append(o.Errors, e.get("shape").str())
		}
		if o.Method == "" || o.URI == "" {
			return nil, fmt.Errorf("operation %s has no http method or requestUri", o.Name)
		}
		m.ops = append(m.ops, o)
	}
	sort.Slice(m.ops, func(i, j int) bool { return m.ops[i].Name < m.ops[j].Name })
	return m, m.check()
}

func toShape(name string, n *node) (*shape, error) {
	s := &shape{Name: name, Type: n.get("type").str(), Union: n.get("union").boolean()}
	if v, ok := n.get("min").number(); ok {
		s.Min = &v
	}
	if v, ok := n.get("max").number(); ok {
		s.Max = &v
	}
	s.Enum = n.get("enum").strings()
	if src := n.get("pattern").str(); src != "" {
		p, err := translate(src)
		if err != nil {
			return nil, fmt.Errorf("shape %s: %w", name, err)
		}
		s.Pattern = &p
	}
	required := map[string]bool{}
	for _, r := range n.get("required").strings() {
		required[r] = true
	}
	for _, f := range n.get("members").fields() {
		s.Members = append(s.Members, &member{
			Name: f.key, Shape: f.val.get("shape").str(), Required: required[f.key],
			Location: f.val.get("location").str(), LocationName: f.val.get("locationName").str(),
		})
	}
	s.Member = n.get("member").get("shape").str()
	s.Key = n.get("key").get("shape").str()
	s.Value = n.get("value").get("shape").str()
	s.IsException = n.get("exception").boolean()
	if c, ok := n.get("error").get("httpStatusCode").number(); ok {
		s.ExceptionCode = int(c)
	}
	return s, nil
}

// check refuses a model whose references do not resolve.
func (m *model) check() error {
	for _, o := range m.ops {
		if m.shapes[o.Input] == nil {
			return fmt.Errorf("operation %s: no input shape %q", o.Name, o.Input)
		}
		// connectd's router matches whole segments: a greedy label
		// ({Name+}) or a literal query in the template would need more.
		if strings.Contains(o.URI, "+}") || strings.Contains(o.URI, "?") {
			return fmt.Errorf("operation %s: URI %q has a greedy label or a query, which the router does not handle", o.Name, o.URI)
		}
		for _, mb := range m.shapes[o.Input].Members {
			if mb.Location == "uri" && !strings.Contains(o.URI, "{"+mb.LocationName+"}") {
				return fmt.Errorf("operation %s: label %s is not in URI %q", o.Name, mb.LocationName, o.URI)
			}
		}
		for _, e := range o.Errors {
			if s := m.shapes[e]; s == nil || s.ExceptionCode == 0 {
				return fmt.Errorf("operation %s: error %q is not an exception with an HTTP status", o.Name, e)
			}
		}
	}
	for _, s := range m.shapes {
		for _, ref := range append(s.refs(), s.Member, s.Key, s.Value) {
			if ref != "" && m.shapes[ref] == nil {
				return fmt.Errorf("shape %s refers to unknown shape %q", s.Name, ref)
			}
		}
	}
	return nil
}

func (s *shape) refs() []string {
	var out []string
	for _, mb := range s.Members {
		out = append(out, mb.Shape)
	}
	return out
}

// inputShapes returns the names of the shapes that operations' inputs reach,
// sorted.
func (m *model) inputShapes() []string {
	seen := map[string]bool{}
	var walk func(string)
	walk = func(name string) {
		if name == "" || seen[name] {
			return
		}
		seen[name] = true
		s := m.shapes[name]
		for _, r := range s.refs() {
			walk(r)
		}
		walk(s.Member)
		walk(s.Key)
		walk(s.Value)
	}
	for _, o := range m.ops {
		walk(o.Input)
	}
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// exceptions returns every exception shape's HTTP status.
func (m *model) exceptions() map[string]int {
	out := map[string]int{}
	for n, s := range m.shapes {
		if s.ExceptionCode != 0 {
			out[n] = s.ExceptionCode
		}
	}
	return out
}

// departure is one entry of the patch file: where connectd deliberately
// departs from the model, and why.
type departure struct {
	Shape string `json:"shape"`
	// Required and Optional add members to, or remove them from, the
	// shape's required list.
	Required []string `json:"required,omitempty"`
	Optional []string `json:"optional,omitempty"`
	// Pattern replaces the shape's pattern (in the model's dialect).
	Pattern *string `json:"pattern,omitempty"`
	// Min and Max replace the shape's limits.
	Min    *float64 `json:"min,omitempty"`
	Max    *float64 `json:"max,omitempty"`
	Reason string   `json:"reason"`
}

// applyPatch applies the departures in path. A departure that no longer
// applies (its shape or member is gone, or the model now says the same) is
// an error, so that a model refresh shows which ones to revisit.
func (m *model) applyPatch(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read patch: %w", err)
	}
	var file struct {
		Departures []departure `json:"departures"`
	}
	if err := json.Unmarshal(b, &file); err != nil {
		return fmt.Errorf("parse %s: %w", path, err)
	}
	for _, d := range file.Departures {
		if err := m.apply(d); err != nil {
			return fmt.Errorf("%s: shape %s: %w", path, d.Shape, err)
		}
	}
	return nil
}

func (m *model) apply(d departure) error {
	s := m.shapes[d.Shape]
	switch {
	case s == nil:
		return fmt.Errorf("no such shape")
	case d.Reason == "":
		return fmt.Errorf("a departure needs its reason")
	}
	for _, names := range []struct {
		list []string
		to   bool
	}{{d.Required, true}, {d.Optional, false}} {
		for _, name := range names.list {
			mb := s.member(name)
			if mb == nil {
				return fmt.Errorf("no member %s", name)
			}
			if mb.Required == names.to {
				return fmt.Errorf("member %s: the model already says required=%v", name, names.to)
			}
			mb.Required = names.to
		}
	}
	if d.Pattern != nil {
		p, err := translate(*d.Pattern)
		if err != nil {
			return err
		}
		if s.Pattern != nil && s.Pattern.Source == p.Source {
			return fmt.Errorf("the model already has pattern %s", p.Source)
		}
		s.Pattern = &p
	}
	if d.Min != nil {
		s.Min = d.Min
	}
	if d.Max != nil {
		s.Max = d.Max
	}
	return nil
}

func (s *shape) member(name string) *member {
	for _, mb := range s.Members {
		if mb.Name == name {
			return mb
		}
	}
	return nil
}

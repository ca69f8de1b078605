package api

import (
	"net/url"
	"strings"
)

// route is one operation's method and path template, split into segments.
// A segment "{Name}" is a label; any other segment must match literally.
type route struct {
	operation string
	method    string
	segments  []string
	// label[i] is the name of segment i's label, or "" for a literal.
	label []string
}

// routeKey picks the few templates a path can match: same method, same
// number of segments, same first segment (or a label there, first "").
// Scanning every template of the method took 12 % of a
// GetContactAttributes request's CPU under load (BENCHMARKS.md).
type routeKey struct {
	method string
	n      int
	first  string
}

// router matches a request's method and path against the model's route
// table (modelOperations), so that it knows the name of every operation a
// client can call: implemented ones reach their handler, the rest get a 501
// that names them instead of a confusing 404.
type router struct {
	byKey map[routeKey][]route
}

// newRouter indexes the route table.
func newRouter(m *wireModel) *router {
	rt := &router{byKey: map[routeKey][]route{}}
	for _, name := range sortedKeys(m.ops) {
		o := m.ops[name]
		r := route{operation: o.Name, method: o.Method, segments: splitPath(o.URI)}
		r.label = make([]string, len(r.segments))
		for i, seg := range r.segments {
			if isLabel(seg) {
				r.label[i] = seg[1 : len(seg)-1]
			}
		}
		k := routeKey{method: r.method, n: len(r.segments)}
		if r.label[0] == "" {
			k.first = r.segments[0]
		}
		rt.byKey[k] = append(rt.byKey[k], r)
	}
	return rt
}

func splitPath(p string) []string {
	return strings.Split(strings.Trim(p, "/"), "/")
}

// match returns the operation for method and the request's escaped path, and
// the values of its labels, unescaped. When several templates match (such as
// /users/{InstanceId}/search and /users/{InstanceId}/{UserId}), the one with a
// literal segment at the first point where they differ wins, as in Smithy's
// own routing. ok is false when no template matches, or when a label would be
// empty (the SDKs refuse empty labels, so such a path is not an operation).
func (rt *router) match(method, escapedPath string) (op string, labels map[string]string, ok bool) {
	segs := splitPath(escapedPath)
	for i, s := range segs {
		u, err := url.PathUnescape(s) // returns s itself when it has no escapes
		if err != nil {
			return "", nil, false
		}
		segs[i] = u
	}
	var best *route
	for _, first := range [2]string{segs[0], ""} {
		cands := rt.byKey[routeKey{method: method, n: len(segs), first: first}]
		for i := range cands {
			r := &cands[i]
			if matches(r, segs) && (best == nil || moreSpecific(r, best)) {
				best = r
			}
		}
		if segs[0] == "" {
			break // the same key twice
		}
	}
	if best == nil {
		return "", nil, false
	}
	labels = make(map[string]string, 2)
	for i, name := range best.label {
		if name != "" {
			labels[name] = segs[i]
		}
	}
	return best.operation, labels, true
}

func isLabel(s string) bool { return strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") }

func matches(r *route, segs []string) bool {
	if len(r.segments) != len(segs) {
		return false
	}
	for i, s := range r.segments {
		if r.label[i] != "" {
			if segs[i] == "" {
				return false
			}
		} else if s != segs[i] {
			return false
		}
	}
	return true
}

// moreSpecific reports whether a has a literal where b has a label at the
// first segment where they differ in kind.
func moreSpecific(a, b *route) bool {
	for i := range a.segments {
		la, lb := a.label[i] != "", b.label[i] != ""
		if la != lb {
			return lb
		}
	}
	return false
}

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
}

// router matches a request's method and path against the model's route
// table (modelOperations), so that it knows the name of every operation a
// client can call: implemented ones reach their handler, the rest get a 501
// that names them instead of a confusing 404.
type router struct {
	byMethod map[string][]route
}

// newRouter indexes the route table by method.
func newRouter(m *wireModel) *router {
	rt := &router{byMethod: map[string][]route{}}
	for _, name := range sortedKeys(m.ops) {
		o := m.ops[name]
		r := route{operation: o.Name, method: o.Method, segments: splitPath(o.URI)}
		rt.byMethod[r.method] = append(rt.byMethod[r.method], r)
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
	raw := splitPath(escapedPath)
	segs := make([]string, len(raw))
	for i, s := range raw {
		u, err := url.PathUnescape(s)
		if err != nil {
			return "", nil, false
		}
		segs[i] = u
	}
	var best *route
	for i := range rt.byMethod[method] {
		r := &rt.byMethod[method][i]
		if matches(r, segs) && (best == nil || moreSpecific(r, best)) {
			best = r
		}
	}
	if best == nil {
		return "", nil, false
	}
	labels = map[string]string{}
	for i, s := range best.segments {
		if isLabel(s) {
			labels[s[1:len(s)-1]] = segs[i]
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
		if isLabel(s) {
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
		la, lb := isLabel(a.segments[i]), isLabel(b.segments[i])
		if la != lb {
			return lb
		}
	}
	return false
}

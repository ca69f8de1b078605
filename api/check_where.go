package api

import (
	"strconv"
	"strings"
)

// where is one step of the path from the input down to a checked value.
// The checker keeps the path as a stack (push, pop) and turns it into
// text (name) only for a violation. A chain of pointers up the stack
// would do as well, but Go's escape analysis sends each link of a
// recursive chain to the heap (golang.org/issue/35518).
type where struct {
	kind   whereKind
	member *modelMember // memberOf
	key    string       // valueOf: the entry's key
	index  int          // itemOf
	name   string       // named
}

// whereKind says how a step relates to the one above it.
type whereKind uint8

const (
	memberOf whereKind = iota // a structure's member
	itemOf                    // a list's item
	keyOf                     // a map's key
	valueOf                   // a map's value
	named                     // a value with a name of its own, at the top
)

func (k *checker) push(w where) { k.path = append(k.path, w) }
func (k *checker) pop()         { k.path = k.path[:len(k.path)-1] }

// name names the value being checked as messages do:
// Attachments[0].S3Url, Attributes key, References[r].Type; a member of
// the input by its own (wire) name.
func (k *checker) name() string {
	var b strings.Builder
	for i, w := range k.path {
		switch w.kind {
		case memberOf:
			switch {
			case i > 0:
				b.WriteString("." + w.member.Name)
			case w.member.Bound != "":
				b.WriteString(w.member.Bound) // a label, query parameter or header: its wire name
			default:
				b.WriteString(w.member.Name)
			}
		case itemOf:
			b.WriteString("[" + strconv.Itoa(w.index) + "]")
		case keyOf:
			b.WriteString(" key")
		case valueOf:
			b.WriteString("[" + w.key + "]")
		case named:
			b.WriteString(w.name)
		}
	}
	return b.String()
}

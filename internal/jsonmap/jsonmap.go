// Package jsonmap writes a map of strings as a JSON object, keys sorted,
// for the hot paths that encoding/json made dear: its map encoder sorts
// through reflect.Value and was a quarter of SQLite's SetChainMap and 7 %
// of a GetContactAttributes request (BENCHMARKS.md, "Issue 18, session 3").
// The strings are written by jsontext (the JSON library that became Go's
// encoding/json/v2), so nothing here escapes by hand.
package jsonmap

import (
	"slices"
	"strings"

	"github.com/go-json-experiment/json/jsontext"
)

// Append appends m to dst as a JSON object whose keys are sorted by byte,
// as encoding/json sorts them. The bytes differ from encoding/json's only
// where it escapes and jsontext need not: <, > and & (HTML escaping) and
// U+2028/U+2029; invalid UTF-8 becomes U+FFFD, as encoding/json makes it.
// Either decodes to the same map.
func Append(dst []byte, m map[string]string) []byte {
	var small [16]pair
	pairs := small[:0]
	n := 2
	for k, v := range m {
		pairs = append(pairs, pair{k, v})
		n += len(k) + len(v) + 6
	}
	slices.SortFunc(pairs, func(a, b pair) int { return strings.Compare(a.k, b.k) })
	dst = slices.Grow(dst, n)
	dst = append(dst, '{')
	for i, p := range pairs {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendQuote(dst, p.k)
		dst = append(dst, ':')
		dst = appendQuote(dst, p.v)
	}
	return append(dst, '}')
}

// pair is one key and value of a map being written.
type pair struct{ k, v string }

// appendQuote appends s as a JSON string. jsontext's only error says that
// invalid UTF-8 was written as U+FFFD, which is what is wanted.
func appendQuote(dst []byte, s string) []byte {
	dst, _ = jsontext.AppendQuote(dst, s)
	return dst
}

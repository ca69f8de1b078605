package sqlite

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// appendMapJSON appends m to b as encoding/json's Marshal does, byte for byte:
// keys sorted, strings escaped as Marshal escapes them (HTML characters
// and U+2028/U+2029 included, invalid UTF-8 as U+FFFD). The stored form
// stays stored.Map's, which json_each in the search index's triggers and
// stored.ParseMap read, and which the PostgreSQL store writes; only the
// cost differs: encoding/json took about a quarter of SetChainMap's CPU
// (reflection, a sort through reflect.Value, a buffer pool) for a map of 10
// short pairs (BENCHMARKS.md, "Issue 18, session 3: the SQLite store").
// TestMapJSONIsMarshal and FuzzMapJSON hold it to Marshal's output.
func appendMapJSON(b []byte, m map[string]string) []byte {
	var small [16]pair
	pairs := small[:0]
	n := 2
	for k, v := range m {
		pairs = append(pairs, pair{k, v})
		n += len(k) + len(v) + 6
	}
	slices.SortFunc(pairs, func(a, b pair) int { return strings.Compare(a.k, b.k) })
	b = slices.Grow(b, n)
	b = append(b, '{')
	for i, p := range pairs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, p.k)
		b = append(b, ':')
		b = appendJSONString(b, p.v)
	}
	return append(b, '}')
}

// pair is one key and value of a map being encoded.
type pair struct{ k, v string }

// The ASCII bytes Marshal copies as they are, as bits of two words: not a
// control character, quote, backslash, or one of <, > and & (Marshal's
// HTML escaping, which is on by default). plainLow is bytes 0-63,
// plainHigh 64-127.
const (
	plainLow  uint64 = 0xafffffbb00000000
	plainHigh uint64 = 0xffffffffefffffff
)

// jsonPlain reports whether Marshal copies the ASCII byte c as it is.
func jsonPlain(c byte) bool {
	if c < 64 {
		return plainLow>>c&1 != 0
	}
	return plainHigh>>(c-64)&1 != 0
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s to b as a JSON string the way encoding/json does
// (its appendString with HTML escaping).
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if jsonPlain(c) {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, `\b`...)
			case '\f':
				b = append(b, `\f`...)
			case '\n':
				b = append(b, `\n`...)
			case '\r':
				b = append(b, `\r`...)
			case '\t':
				b = append(b, `\t`...)
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

package connectd_test

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/connectd/connectd"
)

// refKey is the documented key rule, written as the regular expression the
// API reference implies, independently of ValidateAttributeKey's byte loop.
var refKey = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// refSize counts UTF-8 bytes the slow way: a rune at a time for valid text
// (what "UTF-8 bytes" means), a byte at a time for anything that is not.
func refSize(m map[string]string) int {
	n := 0
	count := func(s string) int {
		if !isValidUTF8(s) {
			return len([]byte(s))
		}
		b := 0
		for _, r := range s {
			b += len(string(r))
		}
		return b
	}
	for k, v := range m {
		n += count(k) + count(v)
	}
	return n
}

// isValidUTF8 reports whether s survives a round trip through runes, which
// replace every invalid byte with U+FFFD (three bytes).
func isValidUTF8(s string) bool { return string([]rune(s)) == s }

// refMerge is the documented merge: apply the update's pairs in sorted key
// order onto a copy of current, an empty value deleting its key; the first
// bad key (in sorted order) or a result over the limit rejects it all.
func refMerge(current, update map[string]string) (merged map[string]string, badKey, badValue *string, size int, ok bool) {
	keys := slices.Sorted(maps.Keys(update))
	for _, k := range keys {
		if !refKey.MatchString(k) {
			return nil, &k, nil, 0, false
		}
	}
	for _, k := range keys {
		if !isValidUTF8(update[k]) {
			return nil, nil, &k, 0, false
		}
	}
	merged = map[string]string{}
	for k, v := range current {
		merged[k] = v
	}
	for _, k := range keys {
		if update[k] == "" {
			delete(merged, k)
			continue
		}
		merged[k] = update[k]
	}
	size = refSize(merged)
	return merged, nil, nil, size, size <= connectd.MaxAttributesBytes
}

// decodePairs turns fuzz input into a map: pairs separated by the ASCII
// record separator, key from value by the unit separator, so that keys and
// values may hold '=', newlines, NULs and anything else. Empty input is a
// nil map, which Merge must treat as an empty one.
func decodePairs(s string) map[string]string {
	if s == "" {
		return nil
	}
	m := map[string]string{}
	for _, pair := range strings.Split(s, "\x1e") {
		k, v, _ := strings.Cut(pair, "\x1f")
		m[k] = v
	}
	return m
}

// FuzzMerge checks Merge, ValidateAttributeKey and Size against the
// reference implementation above. pad adds one pair whose value is padRune
// repeated padCount times, so that the fuzzer reaches the 32,768-byte limit
// (and multi-byte values right at it) without huge corpus files.
func FuzzMerge(f *testing.F) {
	f.Add("", "a\x1f1", "", 'x', uint16(0))
	f.Add("a\x1f1\x1eb\x1f2", "b\x1f3\x1ec\x1f4\x1ea\x1f", "", 'x', uint16(0))
	// Exactly 32,768: "k" + 16,383 "é" (2 bytes each) + "x" is 1+32,766+1.
	f.Add("", "k\x1fx", "k2", 'é', uint16(16382))
	f.Add("", "", "k", 'é', uint16(16383)) // 1 + 32,766 = 32,767
	f.Add("a\x1fbb", "", "k", 'é', uint16(16383))
	f.Add("", "a\x1fb", "k", 'é', uint16(16383)) // 32,769: one over
	f.Add("", "", "k", '😀', uint16(8192))        // 1 + 32,768: one over
	f.Add("", "bad key\x1fv", "", 'x', uint16(0))
	f.Add("", "ünï\x1fv", "", 'x', uint16(0))
	f.Add("", "\x1fv", "", 'x', uint16(0))
	f.Add("", "nul\x00\x1fv\x00", "", 'x', uint16(0))
	f.Add("", "a\x1f\xff\xfe", "", 'x', uint16(0))
	f.Add("big\x1f"+strings.Repeat("z", 32765), "big\x1f", "", 'x', uint16(0))
	f.Fuzz(func(t *testing.T, curIn, updIn, padKey string, padRune rune, padCount uint16) {
		current, update := decodePairs(curIn), decodePairs(updIn)
		if padCount > 0 {
			if update == nil {
				update = map[string]string{}
			}
			update[padKey] = strings.Repeat(string(padRune), int(padCount))
		}
		curBefore, updBefore := maps.Clone(current), maps.Clone(update)

		// The key rule, on every key the fuzzer made.
		for _, k := range slices.Concat(slices.Collect(maps.Keys(current)), slices.Collect(maps.Keys(update)), []string{padKey}) {
			err := connectd.ValidateAttributeKey(k)
			if (err == nil) != refKey.MatchString(k) {
				t.Fatalf("ValidateAttributeKey(%q) = %v; reference says valid=%v", k, err, refKey.MatchString(k))
			}
			if err != nil && connectd.ErrorCode(err) != connectd.EINVALID {
				t.Fatalf("ValidateAttributeKey(%q) code %q, want %q", k, connectd.ErrorCode(err), connectd.EINVALID)
			}
		}
		if got, want := connectd.Attributes(current).Size(), refSize(current); got != want {
			t.Fatalf("Size = %d, reference %d", got, want)
		}

		got, err := connectd.Merge(current, update)
		want, badKey, badValue, size, ok := refMerge(current, update)

		// Neither argument is changed, whatever the outcome.
		if !maps.Equal(current, curBefore) || (current == nil) != (curBefore == nil) {
			t.Fatalf("Merge changed current: %q, was %q", current, curBefore)
		}
		if !maps.Equal(update, updBefore) {
			t.Fatalf("Merge changed update: %q, was %q", update, updBefore)
		}
		if !ok {
			if err == nil {
				t.Fatalf("Merge accepted %q onto %q (bad key %v, size %d)", update, current, badKey != nil, size)
			}
			if got != nil {
				t.Fatalf("Merge returned %q with error %v", got, err)
			}
			if connectd.ErrorCode(err) != connectd.EINVALID {
				t.Fatalf("Merge error code %q, want %q: %v", connectd.ErrorCode(err), connectd.EINVALID, err)
			}
			msg := connectd.ErrorMessage(err)
			switch {
			case badKey != nil && *badKey == "":
				if !strings.Contains(msg, "empty") {
					t.Fatalf("error %q does not say the key is empty", msg)
				}
			case badKey != nil:
				// The first bad key in sorted order is the one named, so
				// that the same request always gets the same message.
				if !strings.Contains(msg, strconv.Quote(*badKey)) {
					t.Fatalf("error %q does not name key %q", msg, *badKey)
				}
			case badValue != nil:
				if !strings.Contains(msg, strconv.Quote(*badValue)) || !strings.Contains(msg, "UTF-8") {
					t.Fatalf("error %q does not name key %q's value as not UTF-8", msg, *badValue)
				}
			case !strings.Contains(msg, strconv.Itoa(size)) || !strings.Contains(msg, fmt.Sprint(connectd.MaxAttributesBytes)):
				t.Fatalf("size error %q does not give size %d and the limit", msg, size)
			}
			return
		}
		if err != nil {
			t.Fatalf("Merge rejected %q onto %q: %v (reference size %d)", update, current, err, size)
		}
		if got == nil || !maps.Equal(got, connectd.Attributes(want)) {
			t.Fatalf("Merge = %q, reference %q", got, want)
		}
		if s := got.Size(); s != size || s > connectd.MaxAttributesBytes {
			t.Fatalf("merged Size %d, reference %d, limit %d", s, size, connectd.MaxAttributesBytes)
		}
		for k, v := range got {
			// An empty value in the update removes its key. (A key the
			// update does not name keeps whatever current had, even "".)
			if _, named := update[k]; named && v == "" {
				t.Fatalf("merged map keeps %q with an empty value", k)
			}
			// Keys from the update are valid; the rest came from current.
			if _, fromCur := current[k]; !fromCur && !refKey.MatchString(k) {
				t.Fatalf("merged map has bad key %q", k)
			}
		}
		// The result never shares storage with current.
		got["aliasing-probe"] = "x"
		if _, leaked := current["aliasing-probe"]; leaked {
			t.Fatal("Merge's result aliases current")
		}
	})
}

package sqlite

import (
	"fmt"
	"testing"
)

// BenchmarkUpdateAttributesIndexed is BenchmarkUpdateAttributes with every
// key it writes (key00 to key09) configured searchable, so that the search
// index's trigger indexes all 10 pairs of each update, as it did for every
// key before issue 18; BenchmarkUpdateAttributes, whose instance searches
// no key, pays for none.
func BenchmarkUpdateAttributesIndexed(b *testing.B) {
	s, ids := benchContacts(b, 1000)
	keys := make([]string, 10)
	for k := range keys {
		keys[k] = fmt.Sprintf("key%02d", k)
	}
	if err := service(s).SetSearchableKeys(b.Context(), "inst-bench", keys); err != nil {
		b.Fatal(err)
	}
	if _, err := service(s).BackfillSearchIndex(b.Context()); err != nil {
		b.Fatal(err)
	}
	parallelUpdates(b, s, ids)
}

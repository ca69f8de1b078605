package connectd

import (
	"fmt"
	"testing"
)

// BenchmarkMerge merges an update of 10 changed attributes into a map of
// 10, as the load generator's UpdateContactAttributes does.
func BenchmarkMerge(b *testing.B) {
	cur, upd := Attributes{}, Attributes{}
	for i := range 10 {
		cur[fmt.Sprintf("key%02d", i)] = "old"
		upd[fmt.Sprintf("key%02d", i)] = fmt.Sprintf("value-%d", i)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Merge(cur, upd); err != nil {
			b.Fatal(err)
		}
	}
}

package connectd_test

import (
	"regexp"
	"testing"

	"github.com/connectd/connectd"
)

func TestSeededIDsAreDeterministicUUIDs(t *testing.T) {
	uuidV4 := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	a, b, c := connectd.NewSeededIDs(7), connectd.NewSeededIDs(7), connectd.NewSeededIDs(8)
	seen := map[string]bool{}
	for i := 0; i < 1000; i++ {
		x, y, z := a(), b(), c()
		if x != y {
			t.Fatalf("same seed diverged at %d: %s vs %s", i, x, y)
		}
		if x == z {
			t.Fatalf("different seeds gave the same id %s", x)
		}
		if !uuidV4.MatchString(x) {
			t.Fatalf("%q is not a lowercase UUID v4", x)
		}
		if seen[x] {
			t.Fatalf("id %s repeated", x)
		}
		seen[x] = true
	}
}

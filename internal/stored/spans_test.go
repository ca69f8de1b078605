package stored

import (
	"math/rand/v2"
	"testing"
)

// TestSpanWalksAtMostABucket checks Span's bound: for any range, the
// members walked (both ends, added and taken away) span at most a bucket,
// at most half of one an end, and never more than the range itself; the
// counters and walks cover the range exactly once.
func TestSpanWalksAtMostABucket(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	length := func(r [2]int64) int64 { return max(0, r[1]-r[0]+1) }
	for _, width := range []int64{300_000, 300_000_000, 7} {
		for i := range 20000 {
			lo := rnd.Int64N(200*width) - 100*width
			hi := lo + rnd.Int64N([]int64{width, 3 * width, 48 * width}[i%3])
			sp := Span(lo, hi, width)
			if sp.Direct {
				if hi-lo+1 > width {
					t.Fatalf("width %d [%d, %d]: walked whole, %d", width, lo, hi, hi-lo+1)
				}
				continue
			}
			start, end := length(sp.Add[0])+length(sp.Sub[0]), length(sp.Add[1])+length(sp.Sub[1])
			if start > width/2 || end > width/2 || start+end > hi-lo+1 || sp.C1 >= sp.C2 {
				t.Fatalf("width %d [%d, %d]: buckets [%d, %d), walks %d and %d: %+v", width, lo, hi, sp.C1, sp.C2, start, end, sp)
			}
			// What the span covers: the buckets' time, plus the walks
			// added, less those taken away, is the range's length.
			covered := (sp.C2-sp.C1)*width + length(sp.Add[0]) + length(sp.Add[1]) - length(sp.Sub[0]) - length(sp.Sub[1])
			if covered != hi-lo+1 {
				t.Fatalf("width %d [%d, %d]: the span covers %d, want %d: %+v", width, lo, hi, covered, hi-lo+1, sp)
			}
		}
	}
}

func TestFloorAndCeilDiv(t *testing.T) {
	for _, c := range []struct{ x, d, floor, ceil int64 }{
		{7, 3, 2, 3}, {6, 3, 2, 2}, {-7, 3, -3, -2}, {-6, 3, -2, -2}, {0, 3, 0, 0}, {-1, 300, -1, 0},
	} {
		if f, g := FloorDiv(c.x, c.d), CeilDiv(c.x, c.d); f != c.floor || g != c.ceil {
			t.Errorf("%d / %d: floor %d ceil %d, want %d %d", c.x, c.d, f, g, c.floor, c.ceil)
		}
	}
}

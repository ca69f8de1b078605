package stored

// Both stores keep counters of each indexed value's members per bucket of
// initiation time (SQLite's migration 0018, PostgreSQL's 0014), so that a
// search's TotalCount adds up a day's counters instead of walking every
// member (issue 18, target 4). Span says which counters a range adds up
// and which members it walks at its ends; each store writes the SQL, in
// its own unit of time (SQLite's milliseconds, PostgreSQL's microseconds).

// FloorDiv is x / d rounded down, as the stores' bucket expressions
// compute it (also for a time before 1970).
func FloorDiv(x, d int64) int64 {
	q := x / d
	if x%d != 0 && (x < 0) != (d < 0) {
		q--
	}
	return q
}

// CeilDiv is x / d rounded up.
func CeilDiv(x, d int64) int64 { return -FloorDiv(-x, d) }

// CountSpan is how a count covers the range [lo, hi] (inclusive, in the
// bucket width's unit): the counters of the buckets [C1, C2), plus the
// members walked in Add, minus those walked in Sub (each a range [from,
// to], empty when from > to), one of each at either end; or, when Direct,
// one walk of the whole range.
type CountSpan struct {
	Direct   bool
	C1, C2   int64
	Add, Sub [2][2]int64
}

// Span chooses the span of [lo, hi], over buckets of width, that walks
// the least time of members: at each end that does not fall on a bucket's
// edge, either walk the partial bucket inside the range, or count that
// whole bucket and walk, to take away, its part outside the range,
// whichever is shorter; so that an end walks at most half a bucket, and
// both at most one. At 1,000,000 contacts a day, a quarter of them holding
// the value searched, an hour holds about 11,500 of its members, so with
// buckets of an hour the ends' walk was most of a day's count that does
// not start on an hour (BENCHMARKS.md "session 5"). A range that no
// counter would shorten is walked whole.
func Span(lo, hi, width int64) CountSpan {
	best := CountSpan{Direct: true}
	cost := hi - lo + 1
	h1, h2 := CeilDiv(lo, width), FloorDiv(hi+1, width) // the whole buckets are [h1, h2)
	none := [2]int64{0, -1}
	type end struct {
		bucket     int64
		add, sub   [2]int64
		walkLength int64
	}
	starts := []end{{h1, [2]int64{lo, h1*width - 1}, none, h1*width - lo}}
	if lo != h1*width {
		starts = append(starts, end{h1 - 1, none, [2]int64{(h1 - 1) * width, lo - 1}, lo - (h1-1)*width})
	}
	ends := []end{{h2, [2]int64{h2 * width, hi}, none, hi + 1 - h2*width}}
	if hi+1 != h2*width {
		ends = append(ends, end{h2 + 1, none, [2]int64{hi + 1, (h2+1)*width - 1}, (h2+1)*width - hi - 1})
	}
	for _, a := range starts {
		for _, b := range ends {
			if a.bucket >= b.bucket || a.walkLength+b.walkLength >= cost {
				continue
			}
			cost = a.walkLength + b.walkLength
			best = CountSpan{C1: a.bucket, C2: b.bucket, Add: [2][2]int64{a.add, b.add}, Sub: [2][2]int64{a.sub, b.sub}}
		}
	}
	return best
}

// Walks returns the span's four walks, the two to add first, then the two
// to take away.
func (s CountSpan) Walks() [4][2]int64 {
	return [4][2]int64{s.Add[0], s.Add[1], s.Sub[0], s.Sub[1]}
}

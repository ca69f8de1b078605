package sqlite

// countHour is the width of contact_attribute_counts' buckets (migration
// 0014), in milliseconds: a day's count reads at most 24 counter rows per
// chain hour and the members of two partial hours.
const countHour = 3_600_000

// floorDiv is x / d rounded down, as the migration's hour expressions
// compute it.
func floorDiv(x, d int64) int64 {
	q := x / d
	if x%d != 0 && (x < 0) != (d < 0) {
		q--
	}
	return q
}

// ceilDiv is x / d rounded up.
func ceilDiv(x, d int64) int64 { return -floorDiv(-x, d) }

// countSpan is how a count covers the range [lo, hi] (milliseconds,
// inclusive): the counters of the hours [c1, c2), plus the members walked
// in add, minus those walked in sub (each a range [from, to], empty when
// from > to), one of each at either end; or, when direct, one walk of the
// whole range.
type countSpan struct {
	direct   bool
	c1, c2   int64
	add, sub [2][2]int64
}

// spanOf chooses the span of [lo, hi] that walks the fewest milliseconds
// of members: at each end that does not fall on an hour, either walk the
// partial hour inside the range, or count that whole hour and walk, to
// take away, its part outside the range, whichever is shorter; so that an
// end walks at most half an hour, and both at most an hour. At 1,000,000
// contacts a day, a quarter of them holding the value searched, an hour
// holds about 11,500 of its members, so the ends' walk is most of a day's
// count that does not start on an hour (BENCHMARKS.md "session 5"). A
// range that no counter would shorten is walked whole.
func spanOf(lo, hi int64) countSpan {
	best := countSpan{direct: true}
	cost := hi - lo + 1
	h1, h2 := ceilDiv(lo, countHour), floorDiv(hi+1, countHour) // the whole hours are [h1, h2)
	none := [2]int64{0, -1}
	type end struct {
		hour       int64
		add, sub   [2]int64
		walkLength int64
	}
	starts := []end{{h1, [2]int64{lo, h1*countHour - 1}, none, h1*countHour - lo}}
	if lo != h1*countHour {
		starts = append(starts, end{h1 - 1, none, [2]int64{(h1 - 1) * countHour, lo - 1}, lo - (h1-1)*countHour})
	}
	ends := []end{{h2, [2]int64{h2 * countHour, hi}, none, hi + 1 - h2*countHour}}
	if hi+1 != h2*countHour {
		ends = append(ends, end{h2 + 1, none, [2]int64{hi + 1, (h2+1)*countHour - 1}, (h2+1)*countHour - hi - 1})
	}
	for _, a := range starts {
		for _, b := range ends {
			if a.hour >= b.hour || a.walkLength+b.walkLength >= cost {
				continue
			}
			cost = a.walkLength + b.walkLength
			best = countSpan{c1: a.hour, c2: b.hour, add: [2][2]int64{a.add, b.add}, sub: [2][2]int64{a.sub, b.sub}}
		}
	}
	return best
}

// memberCount returns the query, and its arguments, that counts the
// members of key = one of values initiated in [lo, hi] (milliseconds,
// inclusive) whose chain started at or after cutoff: what
//
//	SELECT count(*) FROM contact_attribute_members
//	WHERE instance_id = ? AND name = ? AND value IN (...)
//		AND initiated_ms BETWEEN lo AND hi AND chain_ms >= cutoff
//
// counts, but adding up the counters of whole hours and walking the
// members only in the partial hours at its ends (spanOf). A counter row
// for a chain hour after the cutoff counts whole; the members behind a row
// whose chain hour holds the cutoff are walked (only a search that reaches
// back to the retention limit has one); rows for earlier chain hours count
// nothing.
func memberCount(instanceID, key string, values []any, lo, hi, cutoff int64) (string, []any) {
	prefix := append([]any{instanceID, key}, values...)
	vals := `value IN (` + marks(len(values)) + `)`
	if len(values) == 1 {
		vals = `value = ?`
	}
	walk := `(SELECT count(*) FROM contact_attribute_members
		WHERE instance_id = ? AND name = ? AND ` + vals + ` AND initiated_ms BETWEEN ? AND ? AND chain_ms >= ?)`
	span := spanOf(lo, hi)
	if span.direct {
		return "SELECT " + walk, append(prefix, lo, hi, cutoff)
	}
	chainFull := ceilDiv(cutoff, countHour) // chain hours wholly at or after the cutoff
	// The ends' walks to add and to take away (one of each pair empty,
	// or both when the end falls on an hour: one statement for every
	// range), the whole hours' counters, and the walk behind the counters
	// whose chain hour holds the cutoff.
	query := "SELECT " + walk + " + " + walk + " - " + walk + " - " + walk + ` + (SELECT coalesce(sum(n), 0) FROM contact_attribute_counts
		WHERE instance_id = ? AND name = ? AND ` + vals + ` AND hour BETWEEN ? AND ? AND chain_hour >= ?)
		+ (SELECT count(*) FROM contact_attribute_counts k CROSS JOIN contact_attribute_members m
		WHERE k.instance_id = ? AND k.name = ? AND k.` + vals + ` AND k.hour BETWEEN ? AND ? AND k.chain_hour = ?
			AND m.instance_id = k.instance_id AND m.name = k.name AND m.value = k.value
			AND m.initiated_ms BETWEEN k.hour * 3600000 AND k.hour * 3600000 + 3599999
			AND m.chain_ms >= ? AND m.chain_ms < (k.chain_hour + 1) * 3600000)`
	var args []any
	for _, r := range [][2]int64{span.add[0], span.add[1], span.sub[0], span.sub[1]} {
		args = append(append(args, prefix...), r[0], r[1], cutoff)
	}
	args = append(append(args, prefix...), span.c1, span.c2-1, chainFull)
	args = append(append(args, prefix...), span.c1, span.c2-1, chainFull-1, cutoff)
	return query, args
}

package sqlite

import "strconv"

// countBucket is the width of contact_attribute_counts' buckets (migration
// 0018: five minutes; 0014's hour, then 0016's ten minutes, left a day
// that does not start on a bucket's edge thousands of members to walk at
// 1,000,000 contacts), in milliseconds: a day's count reads at most 288
// counter rows per chain bucket and the members of two partial buckets,
// each at most half of one.
const countBucket = 300_000

// floorDiv is x / d rounded down, as the migration's bucket expressions
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
// inclusive): the counters of the buckets [c1, c2), plus the members walked
// in add, minus those walked in sub (each a range [from, to], empty when
// from > to), one of each at either end; or, when direct, one walk of the
// whole range.
type countSpan struct {
	direct   bool
	c1, c2   int64
	add, sub [2][2]int64
}

// spanOf chooses the span of [lo, hi] that walks the fewest milliseconds
// of members: at each end that does not fall on a bucket's edge, either
// walk the partial bucket inside the range, or count that whole bucket and walk, to
// take away, its part outside the range, whichever is shorter; so that an
// end walks at most half a bucket, and both at most one. At 1,000,000
// contacts a day, a quarter of them holding the value searched, an hour
// holds about 11,500 of its members, so with buckets of an hour the ends'
// walk was most of a day's count that does not start on an hour
// (BENCHMARKS.md "session 5"). A
// range that no counter would shorten is walked whole.
func spanOf(lo, hi int64) countSpan {
	best := countSpan{direct: true}
	cost := hi - lo + 1
	h1, h2 := ceilDiv(lo, countBucket), floorDiv(hi+1, countBucket) // the whole buckets are [h1, h2)
	none := [2]int64{0, -1}
	type end struct {
		bucket     int64
		add, sub   [2]int64
		walkLength int64
	}
	starts := []end{{h1, [2]int64{lo, h1*countBucket - 1}, none, h1*countBucket - lo}}
	if lo != h1*countBucket {
		starts = append(starts, end{h1 - 1, none, [2]int64{(h1 - 1) * countBucket, lo - 1}, lo - (h1-1)*countBucket})
	}
	ends := []end{{h2, [2]int64{h2 * countBucket, hi}, none, hi + 1 - h2*countBucket}}
	if hi+1 != h2*countBucket {
		ends = append(ends, end{h2 + 1, none, [2]int64{hi + 1, (h2+1)*countBucket - 1}, (h2+1)*countBucket - hi - 1})
	}
	for _, a := range starts {
		for _, b := range ends {
			if a.bucket >= b.bucket || a.walkLength+b.walkLength >= cost {
				continue
			}
			cost = a.walkLength + b.walkLength
			best = countSpan{c1: a.bucket, c2: b.bucket, add: [2][2]int64{a.add, b.add}, sub: [2][2]int64{a.sub, b.sub}}
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
// counts, but adding up the counters of whole buckets and walking the
// members only in the partial buckets at its ends (spanOf). A counter row
// for a chain bucket after the cutoff counts whole; the members behind a
// row whose chain bucket holds the cutoff are walked (only a search that
// reaches back to the retention limit has one); rows for earlier chain buckets count
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
	chainFull := ceilDiv(cutoff, countBucket) // chain buckets wholly at or after the cutoff
	// The ends' walks to add and to take away (one of each pair empty,
	// or both when the end falls on a bucket's edge: one statement for
	// every range), and one scan of the whole buckets' counters: a row of
	// a chain bucket after the cutoff counts whole, a row whose chain
	// bucket holds the cutoff counts the walk of its members, others
	// nothing. (Two scans, a sum and a join for the cutoff's rows, read
	// every counter twice: a day is 288 buckets a chain bucket.)
	w := strconv.Itoa(countBucket) // the migration's width, written once
	query := "SELECT " + walk + " + " + walk + " - " + walk + " - " + walk + ` + (SELECT coalesce(sum(CASE
			WHEN k.chain_bucket >= ? THEN k.n
			WHEN k.chain_bucket = ? THEN (SELECT count(*) FROM contact_attribute_members m
				WHERE m.instance_id = k.instance_id AND m.name = k.name AND m.value = k.value
					AND m.initiated_ms BETWEEN k.bucket * ` + w + ` AND k.bucket * ` + w + ` + ` + w + ` - 1
					AND m.chain_ms >= ? AND m.chain_ms < (k.chain_bucket + 1) * ` + w + `)
			ELSE 0 END), 0)
		FROM contact_attribute_counts k
		WHERE k.instance_id = ? AND k.name = ? AND k.` + vals + ` AND k.bucket BETWEEN ? AND ?)`
	var args []any
	for _, r := range [][2]int64{span.add[0], span.add[1], span.sub[0], span.sub[1]} {
		args = append(append(args, prefix...), r[0], r[1], cutoff)
	}
	args = append(append(args, chainFull, chainFull-1, cutoff), prefix...)
	args = append(args, span.c1, span.c2-1)
	return query, args
}

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

// memberCount returns the query, and its arguments, that counts the
// members of key = one of values initiated in [lo, hi] (milliseconds,
// inclusive) whose chain started at or after cutoff: what
//
//	SELECT count(*) FROM contact_attribute_members
//	WHERE instance_id = ? AND name = ? AND value IN (...)
//		AND initiated_ms BETWEEN lo AND hi AND chain_ms >= cutoff
//
// counts, but adding up the counters of the whole hours inside the range
// and walking the members only in the partial hours at its ends. A
// counter row for a chain hour after the cutoff counts whole; the members
// behind a row whose chain hour holds the cutoff are walked (only a search
// that reaches back to the retention limit has one); rows for earlier
// chain hours count nothing.
func memberCount(instanceID, key string, values []any, lo, hi, cutoff int64) (string, []any) {
	prefix := append([]any{instanceID, key}, values...)
	vals := `value IN (` + marks(len(values)) + `)`
	if len(values) == 1 {
		vals = `value = ?`
	}
	walk := `(SELECT count(*) FROM contact_attribute_members
		WHERE instance_id = ? AND name = ? AND ` + vals + ` AND initiated_ms BETWEEN ? AND ? AND chain_ms >= ?)`
	h1, h2 := ceilDiv(lo, countHour), floorDiv(hi+1, countHour) // the whole hours are [h1, h2)
	if h1 >= h2 {
		return "SELECT " + walk, append(prefix, lo, hi, cutoff)
	}
	chainFull := ceilDiv(cutoff, countHour) // chain hours wholly at or after the cutoff
	// The ends' walks (each empty when the range starts or ends on an
	// hour), the whole hours' counters, and the walk behind the counters
	// whose chain hour holds the cutoff.
	query := "SELECT " + walk + " + " + walk + ` + (SELECT coalesce(sum(n), 0) FROM contact_attribute_counts
		WHERE instance_id = ? AND name = ? AND ` + vals + ` AND hour BETWEEN ? AND ? AND chain_hour >= ?)
		+ (SELECT count(*) FROM contact_attribute_counts k CROSS JOIN contact_attribute_members m
		WHERE k.instance_id = ? AND k.name = ? AND k.` + vals + ` AND k.hour BETWEEN ? AND ? AND k.chain_hour = ?
			AND m.instance_id = k.instance_id AND m.name = k.name AND m.value = k.value
			AND m.initiated_ms BETWEEN k.hour * 3600000 AND k.hour * 3600000 + 3599999
			AND m.chain_ms >= ? AND m.chain_ms < (k.chain_hour + 1) * 3600000)`
	var args []any
	args = append(append(args, prefix...), lo, h1*countHour-1, cutoff)
	args = append(append(args, prefix...), h2*countHour, hi, cutoff)
	args = append(append(args, prefix...), h1, h2-1, chainFull)
	args = append(append(args, prefix...), h1, h2-1, chainFull-1, cutoff)
	return query, args
}

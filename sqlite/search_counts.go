package sqlite

import (
	"strconv"

	"github.com/connectd/connectd/internal/stored"
)

// countBucket is the width of contact_attribute_counts' buckets (migration
// 0018: five minutes; 0014's hour, then 0016's ten minutes, left a day
// that does not start on a bucket's edge thousands of members to walk at
// 1,000,000 contacts), in milliseconds: a day's count reads at most 288
// counter rows per chain bucket and the members of two partial buckets,
// each at most half of one.
const countBucket = 300_000

// memberCount returns the query, and its arguments, that counts the
// members of key = one of values initiated in [lo, hi] (milliseconds,
// inclusive) whose chain started at or after cutoff: what
//
//	SELECT count(*) FROM contact_attribute_members
//	WHERE instance_id = ? AND name = ? AND value IN (...)
//		AND initiated_ms BETWEEN lo AND hi AND chain_ms >= cutoff
//
// counts, but adding up the counters of whole buckets and walking the
// members only in the partial buckets at its ends (stored.Span). A counter row
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
	span := stored.Span(lo, hi, countBucket)
	if span.Direct {
		return "SELECT " + walk, append(prefix, lo, hi, cutoff)
	}
	chainFull := stored.CeilDiv(cutoff, countBucket) // chain buckets wholly at or after the cutoff
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
	for _, r := range span.Walks() {
		args = append(append(args, prefix...), r[0], r[1], cutoff)
	}
	args = append(append(args, chainFull, chainFull-1, cutoff), prefix...)
	args = append(args, span.C1, span.C2-1)
	return query, args
}

package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/connectd/connectd/internal/stored"
	"github.com/jackc/pgx/v5"
)

// countBucket is the width of the members' counters (migration 0014: five
// minutes), in microseconds, timestamptz's resolution, so that a count's
// ends are exact for any time stored.
const countBucket = 300_000_000

// countBucketSeconds is countBucket as the migration's SQL writes it.
const countBucketSeconds = countBucket / 1_000_000

// foldLock is the key of the advisory lock that lets one replica at a time
// fold the deltas: "connectd" as in migrationLock, its last byte changed.
const foldLock int64 = 0x636f6e6e65637466

// foldBatch bounds one fold's transaction: a backlog (a folder that could
// not reach the database for a while) is folded in several.
const foldBatch = 20_000

// foldInterval is how often a Store folds the deltas: a count reads the
// deltas of its value that are not folded yet, about a second's writes.
const foldInterval = time.Second

// foldDeltas moves up to foldBatch deltas into the counters in one
// statement: the deltas' sums update the counters they change, delete
// those they bring to zero, and insert those they start. Every part reads
// the counters as they were before the statement (one snapshot), which is
// exact because only a fold writes them, and folds take turns under
// foldLock. A writer's deltas committed after the statement started wait
// for the next fold; writers never wait for a fold.
const foldDeltas = `WITH d AS (
		DELETE FROM contact_value_count_deltas WHERE ctid = ANY(ARRAY(
			SELECT ctid FROM contact_value_count_deltas LIMIT $1))
		RETURNING instance_id, name, value, bucket, chain_bucket, n),
	g AS (
		SELECT instance_id, name, value, bucket, chain_bucket, sum(n)::bigint AS n
		FROM d GROUP BY 1, 2, 3, 4, 5),
	changed AS (
		UPDATE contact_value_counts k SET n = k.n + g.n FROM g
		WHERE k.instance_id = g.instance_id AND k.name = g.name AND k.value = g.value
			AND k.bucket = g.bucket AND k.chain_bucket = g.chain_bucket AND g.n <> 0 AND k.n + g.n <> 0),
	emptied AS (
		DELETE FROM contact_value_counts k USING g
		WHERE k.instance_id = g.instance_id AND k.name = g.name AND k.value = g.value
			AND k.bucket = g.bucket AND k.chain_bucket = g.chain_bucket AND k.n + g.n = 0),
	started AS (
		INSERT INTO contact_value_counts (instance_id, name, value, bucket, chain_bucket, n)
		SELECT * FROM g WHERE g.n <> 0 AND NOT EXISTS (SELECT 1 FROM contact_value_counts k
			WHERE k.instance_id = g.instance_id AND k.name = g.name AND k.value = g.value
				AND k.bucket = g.bucket AND k.chain_bucket = g.chain_bucket))
	SELECT count(*) FROM d`

// foldCounts folds the deltas until none is left (or another replica is
// folding: it will), and returns how many it folded.
func (s *Store) foldCounts(ctx context.Context) (int, error) {
	total := 0
	for {
		var n int
		err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
			n = 0
			var mine bool
			if err := tx.QueryRow(ctx, `SELECT pg_try_advisory_xact_lock($1)`, foldLock).Scan(&mine); err != nil || !mine {
				return err
			}
			return tx.QueryRow(ctx, foldDeltas, foldBatch).Scan(&n)
		})
		if err != nil {
			return total, s.fail("fold the attribute counters", err)
		}
		total += n
		if n < foldBatch {
			return total, nil
		}
	}
}

// foldEvery counts the values searches asked for (countValues) and folds
// the deltas every interval until ctx ends. A failure is
// logged once until a fold succeeds again (a database that is down fails
// every second), and at Debug when the database is unavailable, which
// every request reports already.
func (s *Store) foldEvery(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	failing := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		err := s.countValues(ctx)
		if _, ferr := s.foldCounts(ctx); ferr != nil {
			err = errors.Join(err, ferr)
		}
		switch {
		case err == nil:
			failing = false
		case ctx.Err() != nil:
			return
		case failing:
		case errors.Is(err, unavailable) || errors.Is(err, readOnly):
			failing = true
			s.log.Debug("attribute counters not kept up", "err", err)
		default:
			failing = true
			s.log.Warn("attribute counters not kept up (registering, readying or folding); searches walk or add up the deltas meanwhile", "err", err)
		}
	}
}

// memberCount returns the query, and its arguments, that counts the
// members of key = one of values initiated in [lo, hi] (microseconds,
// inclusive) whose chain started at or after cutoff: what
//
//	SELECT count(*) FROM contact_attribute_members
//	WHERE instance_id = $1 AND name = $2 AND value = ANY($3)
//		AND initiated_at BETWEEN lo AND hi AND chain_at >= cutoff
//
// counts, but adding up the counters (and the deltas not folded yet) of
// whole buckets and walking the members only at the ends (stored.Span). A
// bucket's counters for a chain bucket after the cutoff count whole; the
// members behind those whose chain bucket holds the cutoff are walked
// (only a search that reaches back to the retention limit has them);
// earlier chain buckets count nothing. Counters and deltas are summed per
// bucket first, so that such a walk runs once a bucket.
func memberCount(instanceID, key string, values []string, lo, hi int64, cutoff time.Time) (string, []any) {
	vals, val := "value = ANY($3)", any(values)
	if len(values) == 1 {
		vals, val = "value = $3", values[0]
	}
	args := []any{instanceID, key, val, cutoff}
	walk := func(r [2]int64) string {
		args = append(args, time.UnixMicro(r[0]).UTC(), time.UnixMicro(r[1]).UTC())
		return fmt.Sprintf(`(SELECT count(*) FROM contact_attribute_members
			WHERE instance_id = $1 AND name = $2 AND %s AND initiated_at BETWEEN $%d AND $%d AND chain_at >= $4)`,
			vals, len(args)-1, len(args))
	}
	span := stored.Span(lo, hi, countBucket)
	if span.Direct {
		return "SELECT " + walk([2]int64{lo, hi}), args
	}
	w := span.Walks()
	query := "SELECT " + walk(w[0]) + " + " + walk(w[1]) + " - " + walk(w[2]) + " - " + walk(w[3])
	chainFull := stored.CeilDiv(cutoff.UnixMicro(), countBucket) // chain buckets wholly at or after the cutoff
	args = append(args, chainFull, span.C1, span.C2-1)
	n := len(args)
	sec := strconv.Itoa(countBucketSeconds)
	pick := `SELECT value, bucket, chain_bucket, n FROM %s WHERE instance_id = $1 AND name = $2 AND ` + vals +
		fmt.Sprintf(` AND bucket BETWEEN $%d AND $%d`, n-1, n)
	query += fmt.Sprintf(` + (SELECT coalesce(sum(CASE
			WHEN g.chain_bucket >= $%[1]d THEN g.n
			WHEN g.chain_bucket = $%[1]d - 1 THEN (SELECT count(*) FROM contact_attribute_members m
				WHERE m.instance_id = $1 AND m.name = $2 AND m.value = g.value
					AND m.initiated_at >= to_timestamp(g.bucket * %[2]s) AND m.initiated_at < to_timestamp((g.bucket + 1) * %[2]s)
					AND m.chain_at >= $4 AND m.chain_at < to_timestamp((g.chain_bucket + 1) * %[2]s))
			ELSE 0 END), 0)
		FROM (SELECT value, bucket, chain_bucket, sum(n) AS n FROM (%[3]s UNION ALL %[4]s) u
			GROUP BY value, bucket, chain_bucket) g)`, n-2, sec,
		fmt.Sprintf(pick, "contact_value_counts"), fmt.Sprintf(pick, "contact_value_count_deltas"))
	return query, args
}

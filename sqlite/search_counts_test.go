package sqlite

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/storetest"
)

// checkCounts fails t unless contact_attribute_counts (migrations 0014, 0016, 0018)
// holds exactly the recount of contact_attribute_members, per bucket and
// chain bucket, with no row of n 0: what every write path must keep.
func checkCounts(t *testing.T, s *Store) {
	t.Helper()
	w := strconv.Itoa(countBucket)
	rs, err := s.read.QueryContext(context.Background(), `
		WITH recount AS (
			SELECT instance_id, name, value,
				(initiated_ms - ((initiated_ms % `+w+`) + `+w+`) % `+w+`) / `+w+` AS bucket,
				(chain_ms - ((chain_ms % `+w+`) + `+w+`) % `+w+`) / `+w+` AS chain_bucket, count(*) AS n
			FROM contact_attribute_members GROUP BY 1, 2, 3, 4, 5)
		SELECT 'counter', * FROM (SELECT * FROM contact_attribute_counts EXCEPT SELECT * FROM recount)
		UNION ALL
		SELECT 'recount', * FROM (SELECT * FROM recount EXCEPT SELECT * FROM contact_attribute_counts)
		LIMIT 10`)
	if err != nil {
		t.Fatalf("recount: %v", err)
	}
	defer rs.Close()
	for rs.Next() {
		var side, inst, name, value string
		var bucket, chainBucket, n int64
		if err := rs.Scan(&side, &inst, &name, &value, &bucket, &chainBucket, &n); err != nil {
			t.Fatal(err)
		}
		t.Errorf("%s only: %s %s=%s bucket %d chain bucket %d n %d", side, inst, name, value, bucket, chainBucket, n)
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
}

// TestCountersFollowEveryWrite runs each kind of write that changes the
// members' rows through the Service, and recounts after each.
func TestCountersFollowEveryWrite(t *testing.T) {
	start := time.Date(2026, 3, 1, 9, 59, 30, 0, time.UTC)
	clock := connectd.NewManualClock(start)
	s := openDir(t, t.TempDir(), clock)
	t.Cleanup(func() { s.Close() })
	storetest.CounterWrites(t, service(s), clock, start, func(t *testing.T, _ string) { checkCounts(t, s) },
		func(t *testing.T) int { return countRows(t, s, "contact_attribute_counts") })
}

func countRows(t *testing.T, s *Store, table string) int {
	t.Helper()
	var n int
	if err := s.read.QueryRowContext(t.Context(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestMemberCountMatchesWalk compares memberCount with the walk of the
// members it replaces, over random ranges and retention cutoffs, for
// members before 1970 too, for chains started hours before their members
// (so that counter rows of one bucket have several chain buckets, one of
// them holding the cutoff), and for one and two values.
func TestMemberCountMatchesWalk(t *testing.T) {
	ctx := t.Context()
	s := openDir(t, MemoryPath, connectd.NewManualClock(time.Unix(0, 0)))
	t.Cleanup(func() { s.Close() })
	rnd := rand.New(rand.NewPCG(1, 2))
	const base, width = -2 * countBucket, 30 * countBucket
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3000 {
		at := base + rnd.Int64N(width)
		chain := at - rnd.Int64N(3)*rnd.Int64N(5*countBucket)
		_, err := tx.ExecContext(ctx, `INSERT INTO contact_attribute_members
			(instance_id, name, value, initiated_ms, contact_id, chain_ms) VALUES ('i', 'k', ?, ?, ?, ?)`,
			[]string{"v0", "v1", "v2"}[rnd.IntN(3)], at, fmt.Sprintf("c%d", i), chain)
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	checkCounts(t, s)
	ranges := [][2]int64{
		{base, base + width}, {0, countBucket - 1}, {0, countBucket}, {-1, countBucket}, {1, countBucket - 2},
		{countBucket, 2*countBucket - 1}, {-countBucket - 5, countBucket + 5}, {-countBucket, -1}, {5, 5},
	}
	for range 300 {
		lo := base + rnd.Int64N(width)
		ranges = append(ranges, [2]int64{lo, lo + rnd.Int64N(width/(1+rnd.Int64N(20)))})
	}
	for _, r := range ranges {
		cutoff := base + rnd.Int64N(width)
		if rnd.IntN(4) == 0 {
			cutoff = base - countBucket // everything within retention
		}
		lo := max(r[0], cutoff)
		for _, values := range [][]any{{"v0"}, {"v1", "v2"}} {
			var want, got int64
			err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM contact_attribute_members
				WHERE instance_id = 'i' AND name = 'k' AND value IN (`+marks(len(values))+`)
					AND initiated_ms BETWEEN ? AND ? AND chain_ms >= ?`,
				append(append([]any{}, values...), lo, r[1], cutoff)...).Scan(&want)
			if err != nil {
				t.Fatal(err)
			}
			query, args := memberCount("i", "k", values, lo, r[1], cutoff)
			if err := s.read.QueryRowContext(ctx, query, args...).Scan(&got); err != nil {
				t.Fatalf("%s: %v", query, err)
			}
			if got != want {
				t.Fatalf("values %v in [%d, %d], cutoff %d: counted %d, the walk %d", values, lo, r[1], cutoff, got, want)
			}
		}
	}
}

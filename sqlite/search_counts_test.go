package sqlite

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/connectd/connectd"
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
	ctx := t.Context()
	start := time.Date(2026, 3, 1, 9, 59, 30, 0, time.UTC)
	clock := connectd.NewManualClock(start)
	s := openDir(t, t.TempDir(), clock)
	t.Cleanup(func() { s.Close() })
	svc := service(s)
	step := func(name string, f func() error) {
		t.Helper()
		if err := f(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		checkCounts(t, s)
		if t.Failed() {
			t.Fatalf("counters wrong after %s", name)
		}
	}
	newInstance := func(id string) {
		step("create instance "+id, func() error {
			return svc.CreateInstance(ctx, &connectd.Instance{ID: id, Owner: owner, Status: connectd.InstanceStatusActive,
				IdentityManagementType: connectd.IdentityConnectManaged})
		})
	}
	contact := func(inst, id, previous string, attrs connectd.Attributes) {
		step("start "+id, func() error {
			_, err := svc.CreateContact(ctx, owner, &connectd.Contact{InstanceID: inst, ID: id, PreviousContactID: previous,
				Channel: connectd.ChannelTask, InitiationMethod: connectd.InitiationAPI, Attributes: attrs})
			return err
		})
		if err := clock.Advance(20 * time.Second); err != nil { // across minutes and an hour
			t.Fatal(err)
		}
	}
	newInstance("i1")
	step("configure keys", func() error { return svc.SetSearchableKeys(ctx, "i1", []string{"tier"}) })
	contact("i1", "a", "", connectd.Attributes{"tier": "gold", "other": "x"})
	contact("i1", "b", "", connectd.Attributes{"tier": "gold"})
	contact("i1", "c", "", connectd.Attributes{"tier": "silver"})
	contact("i1", "a2", "a", nil) // joins a's chain: its own member row
	contact("i1", "a3", "a2", nil)
	step("update a value", func() error {
		return svc.UpdateAttributes(ctx, owner, "i1", "a", connectd.Attributes{"tier": "silver"})
	})
	step("update to the same value", func() error {
		return svc.UpdateAttributes(ctx, owner, "i1", "b", connectd.Attributes{"tier": "gold"})
	})
	step("update another key", func() error {
		return svc.UpdateAttributes(ctx, owner, "i1", "c", connectd.Attributes{"other": "y"})
	})
	step("a key registered late, backfilled", func() error {
		if err := svc.SetSearchableKeys(ctx, "i1", []string{"tier", "other"}); err != nil {
			return err
		}
		_, err := svc.BackfillSearchIndex(ctx)
		return err
	})
	snap, err := svc.Export(ctx)
	if err != nil {
		t.Fatal(err)
	}
	step("delete instance", func() error { return svc.DeleteInstance(ctx, owner, "i1") })
	if n := countRows(t, s, "contact_attribute_counts"); n != 0 {
		t.Fatalf("%d counter rows after the instance's deletion", n)
	}
	step("import", func() error { return svc.Import(ctx, snap) })
	if n := countRows(t, s, "contact_attribute_counts"); n == 0 {
		t.Fatal("no counter rows after the import")
	}
	// Expiry: the first contacts pass the retention cutoff while a later
	// member of a's chain is still live; the purge deletes them.
	if err := clock.Set(start.AddDate(0, connectd.RetentionMonths, 0).Add(70 * time.Second)); err != nil {
		t.Fatal(err)
	}
	step("purge expired", func() error { _, err := svc.PurgeExpired(ctx, 100); return err })
	step("purge the rest", func() error {
		if err := clock.Advance(time.Hour); err != nil {
			return err
		}
		_, err := svc.PurgeExpired(ctx, 100)
		return err
	})
	if n := countRows(t, s, "contact_attribute_counts"); n != 0 {
		t.Fatalf("%d counter rows after every contact expired", n)
	}
	step("reset", func() error { return svc.Reset(ctx) })
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

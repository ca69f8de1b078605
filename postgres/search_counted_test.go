package postgres

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/internal/pgtest"
	"github.com/connectd/connectd/storetest"
)

// countedRows returns instance i1's counted values (value and ready) and
// how many counter and delta rows each of its values has.
func countedRows(t *testing.T, s *Store) (counted []string, rows map[string]int) {
	t.Helper()
	ctx := context.Background()
	if err := s.pool.QueryRow(ctx, `SELECT coalesce(array_agg(value || ' ' || ready ORDER BY value), '{}')
		FROM contact_attribute_counted WHERE instance_id = 'i1'`).Scan(&counted); err != nil {
		t.Fatal(err)
	}
	rows = map[string]int{}
	for _, table := range []string{"contact_value_counts", "contact_value_count_deltas"} {
		rs, err := s.pool.Query(ctx, `SELECT value FROM `+table+` WHERE instance_id = 'i1'`)
		if err != nil {
			t.Fatal(err)
		}
		for rs.Next() {
			var v string
			if err := rs.Scan(&v); err != nil {
				t.Fatal(err)
			}
			rows[v]++
		}
		if rs.Err() != nil {
			t.Fatal(rs.Err())
		}
	}
	return counted, rows
}

// TestSearchCountsCommonValues follows a value from walked to counted: a
// search that walks countedFrom members of it (lowered to 3 here) asks for
// its counters, the folder's step registers and readies it, and from then
// on writes keep its counters and searches add them up; a value below
// countedFrom (silver) and one never searched (bronze) have none. Each
// search's TotalCount is checked against the contacts it should match.
func TestSearchCountsCommonValues(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	start := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	clock := connectd.NewManualClock(start)
	s := openNoFold(t, pgtest.DSN(t), clock)
	s.countFrom = 3
	svc := connectd.NewService(s, clock)
	owner := storetest.SeedOwner()
	if err := svc.CreateInstance(ctx, &connectd.Instance{ID: "i1", Owner: owner, Status: connectd.InstanceStatusActive,
		IdentityManagementType: connectd.IdentityConnectManaged}); err != nil {
		t.Fatal(err)
	}
	if err := svc.SetSearchableKeys(ctx, "i1", []string{"tier"}); err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{}
	n := 0
	contact := func(tier string) string {
		t.Helper()
		n++
		id := fmt.Sprintf("c%d", n)
		if _, err := svc.CreateContact(ctx, owner, &connectd.Contact{InstanceID: "i1", ID: id, Channel: connectd.ChannelTask,
			InitiationMethod: connectd.InitiationAPI, Attributes: connectd.Attributes{"tier": tier}}); err != nil {
			t.Fatal(err)
		}
		want[tier]++
		if err := clock.Advance(97 * time.Second); err != nil { // across five-minute buckets
			t.Fatal(err)
		}
		return id
	}
	search := func(tier string) {
		t.Helper()
		q := &connectd.SearchQuery{InstanceID: "i1", TimeRange: connectd.TimeInitiation,
			Start: start.Add(-time.Minute), End: clock.Now(), Sort: connectd.SortInitiation,
			Attributes: &connectd.AttributeCriteria{Match: connectd.MatchAll,
				Criteria: []connectd.AttributeCriterion{{Key: "tier", Values: []string{tier}}}}}
		page, err := svc.SearchContacts(ctx, owner, q)
		if err != nil {
			t.Fatal(err)
		}
		if page.TotalCount != want[tier] {
			t.Fatalf("tier=%s: TotalCount %d, want %d", tier, page.TotalCount, want[tier])
		}
	}
	for range 4 {
		contact("gold")
	}
	contact("silver")
	contact("silver")
	contact("bronze")
	search("gold")   // walked: 4 members, asks for counters
	search("silver") // walked: 2, below countedFrom
	if counted, _ := countedRows(t, s); len(counted) != 0 {
		t.Fatalf("counted before the folder's step: %v", counted)
	}
	if err := s.countValues(ctx); err != nil {
		t.Fatal(err)
	}
	counted, rows := countedRows(t, s)
	if !slices.Equal(counted, []string{"gold true"}) || rows["gold"] == 0 || rows["silver"]+rows["bronze"] != 0 {
		t.Fatalf("after the folder's step: counted %v, counter and delta rows %v; want gold alone, ready, with counters", counted, rows)
	}
	checkCounts(t, s) // folds
	search("gold")
	// The search adds up gold's counters now: one changed by hand changes
	// its TotalCount (and is put back).
	bump := func(by int) {
		t.Helper()
		if _, err := s.pool.Exec(ctx, `UPDATE contact_value_counts SET n = n + $1
			WHERE ctid = (SELECT ctid FROM contact_value_counts WHERE value = 'gold' LIMIT 1)`, by); err != nil {
			t.Fatal(err)
		}
	}
	bump(1000)
	want["gold"] += 1000
	search("gold")
	bump(-1000)
	want["gold"] -= 1000
	// Writes after the readying reach gold's counters through the deltas.
	g := contact("gold")
	if err := svc.UpdateAttributes(ctx, owner, "i1", g, connectd.Attributes{"tier": "silver"}); err != nil {
		t.Fatal(err)
	}
	want["gold"]--
	want["silver"]++
	contact("gold")
	search("gold")
	search("silver")
	search("bronze")
	checkCounts(t, s)
	search("gold")
	if _, rows := countedRows(t, s); rows["silver"]+rows["bronze"] != 0 {
		t.Fatalf("counter or delta rows of values not counted: %v", rows)
	}
	// The instance's deletion takes its counted values, counters and
	// deltas with it, before any fold.
	if err := svc.DeleteInstance(ctx, owner, "i1"); err != nil {
		t.Fatal(err)
	}
	if counted, rows := countedRows(t, s); len(counted)+len(rows) != 0 {
		t.Fatalf("after DeleteInstance: counted %v, counter and delta rows %v", counted, rows)
	}
}

// TestRegistrationGivesWayToWriters: a transaction that has written
// members and stays open makes registerCounted give up after
// registerLockTimeout (writers queue behind its lock) rather than wait,
// without an error; once it ends, the value registers.
func TestRegistrationGivesWayToWriters(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	dsn := pgtest.DSN(t)
	s := openNoFold(t, dsn, connectd.NewManualClock(time.Unix(0, 0)))
	countValues(t, s, "gold")
	conn, _ := adminConn(t, dsn)
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	addMember(t, tx, "a", "silver")
	began := time.Now()
	if err := s.registerCounted(ctx, of("i", "k", "silver")); err != nil {
		t.Fatalf("registration behind an open writer: %v", err)
	}
	if waited := time.Since(began); waited > 10*time.Second {
		t.Errorf("registration waited %v for the writer", waited)
	}
	if s.registerWait != time.Second || !s.registerAfter.After(time.Now()) {
		t.Errorf("after a timed-out registration: wait %v, next try at %v; want a second's back-off", s.registerWait, s.registerAfter)
	}
	s.countLater("i", "k", []string{"silver"})
	if err := s.countValues(ctx); err != nil { // within the back-off: no try, no lock
		t.Fatal(err)
	}
	var n int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM contact_attribute_counted WHERE value = 'silver'`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("silver registered behind an open writer (%d, %v)", n, err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	s.registerAfter = time.Time{} // the back-off over
	s.countLater("i", "k", []string{"silver"})
	if err := s.countValues(ctx); err != nil {
		t.Fatal(err)
	}
	if s.registerWait != 0 {
		t.Errorf("back-off %v after a registration that took its lock", s.registerWait)
	}
	checkCounts(t, s)
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM contact_attribute_counted WHERE value = 'silver' AND ready`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("silver not counted after the writer ended (%d, %v)", n, err)
	}
}

// TestDeleteInstanceWaitsForFold: a fold under way (holding foldLock) has
// moved the instance's deltas into counters it has not committed yet;
// DeleteInstance waits for it, so that no counter of the deleted instance
// is left behind.
func TestDeleteInstanceWaitsForFold(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	dsn := pgtest.DSN(t)
	s := openNoFold(t, dsn, connectd.NewManualClock(time.Unix(0, 0)))
	countValues(t, s, "gold")
	addMember(t, s.pool, "a", "gold")
	conn, _ := adminConn(t, dsn)
	fold, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if _, err := fold.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, foldLock); err != nil {
		t.Fatal(err)
	}
	if err := fold.QueryRow(ctx, foldDeltas, foldBatch).Scan(&n); err != nil || n == 0 {
		t.Fatalf("fold: %d deltas, %v", n, err)
	}
	deleted := make(chan error, 1)
	go func() {
		deleted <- connectd.NewService(s, connectd.NewManualClock(time.Unix(0, 0))).DeleteInstance(context.Background(),
			connectd.Owner{AccountID: "111122223333", Region: "us-east-1"}, "i")
	}()
	select {
	case err := <-deleted:
		t.Fatalf("DeleteInstance ended (%v) while a fold held its lock", err)
	case <-time.After(300 * time.Millisecond):
	}
	if err := fold.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-deleted; err != nil {
		t.Fatal(err)
	}
	if k, d := tableRows(t, s, "contact_value_counts"), tableRows(t, s, "contact_value_count_deltas"); k+d != 0 {
		t.Fatalf("the deleted instance left %d counter and %d delta rows", k, d)
	}
}

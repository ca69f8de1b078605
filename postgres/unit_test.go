package postgres_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/internal/pgtest"
	"github.com/connectd/connectd/postgres"
	"github.com/jackc/pgx/v5"
)

// tripCounter is a pgx tracer that records every round trip a store's
// connections make: each plain query, and each batch with the statements
// in it. (A statement's first use on a connection also prepares it, one
// more round trip that the tracer does not see; the tests warm up first.)
type tripCounter struct {
	mu    sync.Mutex
	on    bool
	trips [][]string
}

func (tc *tripCounter) record(sql string, batch bool) {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if !tc.on {
		return
	}
	sql = strings.Join(strings.Fields(sql), " ")
	if batch && len(tc.trips) > 0 && tc.trips[len(tc.trips)-1] != nil && tc.trips[len(tc.trips)-1][0] == "batch" {
		tc.trips[len(tc.trips)-1] = append(tc.trips[len(tc.trips)-1], sql)
		return
	}
	tc.trips = append(tc.trips, []string{"query", sql})
}

func (tc *tripCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	tc.record(d.SQL, false)
	return ctx
}
func (tc *tripCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}
func (tc *tripCounter) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if tc.on {
		tc.trips = append(tc.trips, []string{"batch"})
	}
	return ctx
}
func (tc *tripCounter) TraceBatchQuery(_ context.Context, _ *pgx.Conn, d pgx.TraceBatchQueryData) {
	tc.record(d.SQL, true)
}
func (tc *tripCounter) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

// count runs fn with the counter on and returns the round trips it made.
func (tc *tripCounter) count(fn func()) [][]string {
	tc.mu.Lock()
	tc.on, tc.trips = true, nil
	tc.mu.Unlock()
	fn()
	tc.mu.Lock()
	defer tc.mu.Unlock()
	tc.on = false
	return tc.trips
}

// TestUpdateAttributesRoundTrips: an UpdateContactAttributes of a contact
// the store does not hold in its row cache is two round trips to
// PostgreSQL (see unit): BEGIN with the lock and the details, then the
// map's UPDATE and the outbox's INSERT with COMMIT. The next update of
// that contact is one, the optimistic attempt's one statement (fast.go).
// A GetContactAttributes is one.
func TestUpdateAttributesRoundTrips(t *testing.T) {
	t.Parallel()
	dsn := pgtest.WithParam(pgtest.DSN(t), "pool_max_conns", "1")
	tc := &tripCounter{}
	// One connection, so that the warm-up prepares every statement on the
	// connection measured.
	s, err := postgres.OpenTraced(t.Context(), dsn, connectd.SystemClock{}, tc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	seed(t, s)
	svc := service(s)
	ctx := t.Context()
	update := func(svc *connectd.Service, v string) {
		t.Helper()
		if err := svc.UpdateAttributes(ctx, owner, "inst-1", "c-1", connectd.Attributes{"k": v}); err != nil {
			t.Fatal(err)
		}
	}
	update(svc, "warm-up")
	trips := tc.count(func() { update(svc, "measured") })
	fast := [][]string{{"query", "WITH m AS (UPDATE contacts SET attributes = $1, updated_at = coalesce($2, updated_at) WHERE instance_id = $3 AND id = $4 AND xmin = $11"}}
	if !tripsMatch(trips, fast) {
		t.Errorf("UpdateAttributes of a cached contact made %d round trips:\n%s\nwant %d:\n%s", len(trips), showTrips(trips), len(fast), showTrips(fast))
	}

	// A second store (another replica) has no entry: the locked path.
	tc2 := &tripCounter{}
	s2, err := postgres.OpenTraced(ctx, dsn, connectd.SystemClock{}, tc2)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s2.Close() })
	svc2 := service(s2)
	update(svc2, "warm-up") // prepares the statements; fills s2's cache
	postgres.DropCacheForTest(s2)
	trips = tc2.count(func() { update(svc2, "locked") })
	locked := [][]string{
		{"batch", "BEGIN", "SELECT", "SELECT d.refs, d.tags, set_config('connectd.unindexed_instance'"},
		{"batch", "WITH m AS (UPDATE contacts SET attributes", "COMMIT"},
	}
	if !tripsMatch(trips, locked) {
		t.Errorf("UpdateAttributes of a contact not cached made %d round trips:\n%s\nwant %d:\n%s", len(trips), showTrips(trips), len(locked), showTrips(locked))
	}

	// The first store's entry is now stale: its attempt writes nothing,
	// the locked path merges into the second store's map.
	trips = tc.count(func() { update(svc, "after the other replica") })
	if want := append(fast[:1:1], locked...); !tripsMatch(trips, want) {
		t.Errorf("UpdateAttributes of a contact changed elsewhere made %d round trips:\n%s\nwant %d:\n%s", len(trips), showTrips(trips), len(want), showTrips(want))
	}
	if got, err := svc.GetAttributes(ctx, owner, "inst-1", "c-1"); err != nil || got["k"] != "after the other replica" || got["a"] != "1" {
		t.Fatalf("GetAttributes = %v, %v; want k=after the other replica, a=1", got, err)
	}
	if trips := tc.count(func() { _, _ = svc.GetAttributes(ctx, owner, "inst-1", "c-1") }); len(trips) != 1 {
		t.Errorf("GetAttributes made %d round trips, want 1:\n%s", len(trips), showTrips(trips))
	}
	// Another primary (a promotion, a restart) retires every entry: the
	// locked path.
	postgres.NewEpochForTest(s)
	trips = tc.count(func() { update(svc, "after a promotion") })
	if !tripsMatch(trips, locked) {
		t.Errorf("UpdateAttributes in a new epoch made %d round trips:\n%s\nwant %d:\n%s", len(trips), showTrips(trips), len(locked), showTrips(locked))
	}
}

// tripsMatch reports whether each statement of got starts as want's does.
func tripsMatch(got, want [][]string) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if len(got[i]) != len(want[i]) {
			return false
		}
		for j := range got[i] {
			if !strings.HasPrefix(got[i][j], want[i][j]) {
				return false
			}
		}
	}
	return true
}

func showTrips(trips [][]string) string {
	var b strings.Builder
	for _, trip := range trips {
		b.WriteString("  " + strings.Join(trip, " | ") + "\n")
	}
	return b.String()
}

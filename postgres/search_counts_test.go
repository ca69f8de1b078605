package postgres

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/internal/pgtest"
	"github.com/connectd/connectd/storetest"
	"github.com/jackc/pgx/v5"
)

// recountSQL lists up to ten differences between the recount of the
// members of ready counted values (migration 0015) per bucket and what
// the counters and the unfolded deltas add up to, counter rows of n 0 or
// less, which a fold never leaves, and counters or deltas of values not
// counted, which nothing writes.
const recountSQL = `
	WITH recount AS (
		SELECT instance_id, name, value, floor(extract(epoch FROM initiated_at) / 300)::bigint AS bucket,
			floor(extract(epoch FROM chain_at) / 300)::bigint AS chain_bucket, count(*)::bigint AS n
		FROM contact_attribute_members m
		WHERE EXISTS (SELECT 1 FROM contact_attribute_counted c
			WHERE c.instance_id = m.instance_id AND c.name = m.name AND c.value = m.value AND c.ready)
		GROUP BY 1, 2, 3, 4, 5),
	kept AS (
		SELECT instance_id, name, value, bucket, chain_bucket, sum(n)::bigint AS n
		FROM (SELECT * FROM contact_value_counts UNION ALL SELECT * FROM contact_value_count_deltas) u
		WHERE EXISTS (SELECT 1 FROM contact_attribute_counted c
			WHERE c.instance_id = u.instance_id AND c.name = u.name AND c.value = u.value AND c.ready)
		GROUP BY 1, 2, 3, 4, 5 HAVING sum(n) <> 0)
	SELECT 'counted', * FROM (SELECT * FROM kept EXCEPT SELECT * FROM recount) x
	UNION ALL SELECT 'recount', * FROM (SELECT * FROM recount EXCEPT SELECT * FROM kept) y
	UNION ALL SELECT 'not positive', * FROM contact_value_counts WHERE n <= 0
	UNION ALL SELECT 'not counted', * FROM (SELECT * FROM contact_value_counts
		UNION ALL SELECT * FROM contact_value_count_deltas) u
		WHERE NOT EXISTS (SELECT 1 FROM contact_attribute_counted c
			WHERE c.instance_id = u.instance_id AND c.name = u.name AND c.value = u.value)
	LIMIT 10`

// checkCounts fails t unless the counters and deltas (migration 0014) add
// up to the recount of contact_attribute_members; then it folds, and
// checks again, and that no delta is left.
func checkCounts(t *testing.T, s *Store) {
	t.Helper()
	ctx := context.Background()
	for _, folded := range []bool{false, true} {
		if folded {
			if _, err := s.foldCounts(ctx); err != nil {
				t.Fatal(err)
			}
			if n := tableRows(t, s, "contact_value_count_deltas"); n != 0 {
				t.Errorf("%d deltas left after a fold", n)
			}
		}
		rs, err := s.pool.Query(ctx, recountSQL)
		if err != nil {
			t.Fatal(err)
		}
		var side, inst, name, value string
		var bucket, chainBucket, n int64
		_, err = pgx.ForEachRow(rs, []any{&side, &inst, &name, &value, &bucket, &chainBucket, &n}, func() error {
			t.Errorf("folded %v: %s: %s %s=%s bucket %d chain bucket %d n %d", folded, side, inst, name, value, bucket, chainBucket, n)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func tableRows(t *testing.T, s *Store, table string) (n int) {
	t.Helper()
	if err := s.pool.QueryRow(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// countAll registers every value the members hold (of instances that
// exist) as counted, through registerCounted, and readies them: a value
// counted before stays as it is, and its counters must have followed.
func countAll(t *testing.T, s *Store) {
	t.Helper()
	ctx := context.Background()
	rs, err := s.pool.Query(ctx, `SELECT DISTINCT instance_id, name, value FROM contact_attribute_members`)
	if err != nil {
		t.Fatal(err)
	}
	var v countedValue
	var vs []countedValue
	if _, err := pgx.ForEachRow(rs, []any{&v.instanceID, &v.key, &v.value}, func() error {
		vs = append(vs, v)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	register(t, s, vs...)
}

// register registers vs through registerCounted, and readies them.
func register(t *testing.T, s *Store, vs ...countedValue) {
	t.Helper()
	ctx := context.Background()
	if len(vs) > 0 {
		if err := s.registerCounted(ctx, vs); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.readyCounted(ctx); err != nil {
		t.Fatal(err)
	}
}

// of returns the values of instance inst's key.
func of(inst, key string, values ...string) []countedValue {
	vs := make([]countedValue, len(values))
	for i, v := range values {
		vs[i] = countedValue{inst, key, v}
	}
	return vs
}

// countValues registers and readies values of instance i's key k (which
// it creates first if need be) before a test writes them.
func countValues(t *testing.T, s *Store, values ...string) {
	t.Helper()
	if _, err := s.pool.Exec(context.Background(), `INSERT INTO instances (id, account, region, status, created_at)
		VALUES ('i', '111122223333', 'us-east-1', 'ACTIVE', now()) ON CONFLICT DO NOTHING`); err != nil {
		t.Fatal(err)
	}
	register(t, s, of("i", "k", values...)...)
}

// memberAt is when addMember's members start, and their chains.
var memberAt = time.Date(2026, 3, 1, 10, 1, 0, 0, time.UTC)

// addMember inserts a member of instance i's key k, of contact id and
// value, through q (the pool or an open transaction).
func addMember(t *testing.T, q querier, id, value string) {
	t.Helper()
	if _, err := q.Exec(context.Background(), `INSERT INTO contact_attribute_members
		(instance_id, contact_id, name, value, initiated_at, chain_at) VALUES ('i', $1, 'k', $2, $3, $3)`, id, value, memberAt); err != nil {
		t.Fatalf("insert member %s=%s: %v", id, value, err)
	}
}

// openNoFold opens a store whose folder does not run, so that a test sees
// the deltas until it folds them itself.
func openNoFold(t *testing.T, dsn string, clock connectd.Clock) *Store {
	t.Helper()
	s, err := Open(t.Context(), dsn, clock, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.stopFold()
	<-s.folded
	t.Cleanup(func() { s.Close() })
	return s
}

// TestCountersFollowEveryWrite runs each kind of write that changes the
// members' rows through the Service, and recounts after each, before and
// after folding.
func TestCountersFollowEveryWrite(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 3, 1, 9, 59, 30, 0, time.UTC)
	clock := connectd.NewManualClock(start)
	s := openNoFold(t, pgtest.DSN(t), clock)
	storetest.CounterWrites(t, connectd.NewService(s, clock), clock, start, func(t *testing.T, after string) {
		if after == "configure keys" { // every value the writes bring, counted before them
			register(t, s, append(of("i1", "tier", "gold", "silver"), of("i1", "other", "x", "y")...)...)
		}
		checkCounts(t, s) // the triggers kept the counted values' counters
		countAll(t, s)    // values new here (after the import: every one) counted from now on
		checkCounts(t, s)
	},
		func(t *testing.T) int { return tableRows(t, s, "contact_value_counts") })
}

// insertMembers inserts n members of instance i, key k, with random
// values of v0–v2, initiation times in [base, base+width) microseconds
// and chains started up to ten buckets earlier (so that one bucket's
// counters have several chain buckets, one of them holding a cutoff).
func insertMembers(t *testing.T, s *Store, rnd *rand.Rand, from, n int, base, width int64) {
	t.Helper()
	ids, values := make([]string, n), make([]string, n)
	at, chain := make([]time.Time, n), make([]time.Time, n)
	for i := range n {
		ids[i], values[i] = fmt.Sprintf("c%d", from+i), []string{"v0", "v1", "v2"}[rnd.IntN(3)]
		us := base + rnd.Int64N(width)
		at[i] = time.UnixMicro(us).UTC()
		chain[i] = time.UnixMicro(us - rnd.Int64N(3)*rnd.Int64N(5*countBucket)).UTC()
	}
	_, err := s.pool.Exec(t.Context(), `INSERT INTO contact_attribute_members (instance_id, contact_id, name, value, initiated_at, chain_at)
		SELECT 'i', id, 'k', v, a, c FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[]) AS u(id, v, a, c)`,
		ids, values, at, chain)
	if err != nil {
		t.Fatal(err)
	}
}

// TestMemberCountMatchesWalk compares memberCount with the walk of the
// members it replaces, over random ranges (in microseconds, as stored)
// and retention cutoffs, for members before 1970 too, for one and two
// values, with half the members' counters folded and the rest (and some
// deletions) still deltas, and then all folded.
func TestMemberCountMatchesWalk(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := openNoFold(t, pgtest.DSN(t), connectd.NewManualClock(time.Unix(0, 0)))
	rnd := rand.New(rand.NewPCG(1, 2))
	const base, width = -2 * countBucket, 30 * countBucket
	countValues(t, s, "v0", "v1", "v2")
	insertMembers(t, s, rnd, 0, 1500, base, width)
	if _, err := s.foldCounts(ctx); err != nil {
		t.Fatal(err)
	}
	insertMembers(t, s, rnd, 1500, 1500, base, width)
	if _, err := s.pool.Exec(ctx, `DELETE FROM contact_attribute_members WHERE contact_id LIKE 'c1%'`); err != nil {
		t.Fatal(err)
	}
	if tableRows(t, s, "contact_value_count_deltas") == 0 || tableRows(t, s, "contact_value_counts") == 0 {
		t.Fatal("want both counters and deltas")
	}
	ranges := [][2]int64{
		{base, base + width}, {0, countBucket - 1}, {0, countBucket}, {-1, countBucket}, {1, countBucket - 2},
		{countBucket, 2*countBucket - 1}, {-countBucket - 5, countBucket + 5}, {-countBucket, -1}, {5, 5},
	}
	for range 150 {
		lo := base + rnd.Int64N(width)
		ranges = append(ranges, [2]int64{lo, lo + rnd.Int64N(width/(1+rnd.Int64N(20)))})
	}
	compare := func(folded bool) {
		for _, r := range ranges {
			cutoff := time.UnixMicro(base + rnd.Int64N(width)).UTC()
			if rnd.IntN(4) == 0 {
				cutoff = time.UnixMicro(base - countBucket).UTC() // everything within retention
			}
			lo := max(r[0], cutoff.UnixMicro())
			for _, values := range [][]string{{"v0"}, {"v1", "v2"}} {
				var want, got int64
				err := s.pool.QueryRow(ctx, `SELECT count(*) FROM contact_attribute_members
					WHERE instance_id = 'i' AND name = 'k' AND value = ANY($1)
						AND initiated_at BETWEEN $2 AND $3 AND chain_at >= $4`,
					values, time.UnixMicro(lo).UTC(), time.UnixMicro(r[1]).UTC(), cutoff).Scan(&want)
				if err != nil {
					t.Fatal(err)
				}
				query, args := memberCount("i", "k", values, lo, r[1], cutoff)
				if err := s.pool.QueryRow(ctx, query, args...).Scan(&got); err != nil {
					t.Fatalf("%s: %v", query, err)
				}
				if got != want {
					t.Fatalf("folded %v: values %v in [%d, %d] µs, cutoff %v: counted %d, the walk %d", folded, values, lo, r[1], cutoff, got, want)
				}
			}
		}
	}
	compare(false)
	checkCounts(t, s) // folds
	compare(true)
}

// TestWritersDoNotWaitForCounters: two transactions that add members of
// one value in the same five minutes both commit while the other is open
// (with one counter row each would wait for the other's commit), and a
// fold does not wait for either; the counts are exact after each.
func TestWritersDoNotWaitForCounters(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	dsn := pgtest.DSN(t)
	s := openNoFold(t, dsn, connectd.NewManualClock(time.Unix(0, 0)))
	countValues(t, s, "gold")
	begin := func() pgx.Tx {
		t.Helper()
		conn, _ := adminConn(t, dsn)
		if _, err := conn.Exec(ctx, `SET lock_timeout = '2s'`); err != nil {
			t.Fatal(err)
		}
		tx, err := conn.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return tx
	}
	tx1, tx2 := begin(), begin()
	addMember(t, tx1, "a", "gold")
	addMember(t, tx2, "b", "gold") // while tx1 is open
	if err := tx2.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	checkCounts(t, s) // folds b's delta while a's transaction is open
	if err := tx1.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	checkCounts(t, s)
	if n := tableRows(t, s, "contact_value_counts"); n != 1 {
		t.Errorf("%d counter rows, want one (gold, one bucket)", n)
	}
}

// TestConcurrentWritersAndFolds runs writers that insert and delete
// members of a few values and buckets while several folds run at once
// (replicas' folders), and while two replicas register and ready a value
// the writers are writing (silver): the counts stay exact, and no writer,
// fold or registration fails.
func TestConcurrentWritersAndFolds(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	dsn := pgtest.DSN(t)
	s := openNoFold(t, dsn, connectd.NewManualClock(time.Unix(0, 0)))
	other := openNoFold(t, dsn, connectd.NewManualClock(time.Unix(0, 0)))
	at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	countValues(t, s, "gold")
	var writers, folders sync.WaitGroup
	done := make(chan struct{})
	errs := make(chan error, 16)
	halfway := make(chan struct{})
	for _, st := range []*Store{s, other} {
		folders.Go(func() {
			<-halfway
			if err := st.registerCounted(ctx, of("i", "k", "silver")); err != nil {
				errs <- err
			}
			if err := st.readyCounted(ctx); err != nil {
				errs <- err
			}
		})
	}
	for w := range 6 {
		writers.Go(func() {
			for i := range 60 {
				if w == 0 && i == 30 {
					close(halfway)
				}
				id, v := fmt.Sprintf("w%d-%d", w, i%10), []string{"gold", "silver"}[(w+i)%2]
				when := at.Add(time.Duration(i%3) * 4 * time.Minute)
				_, err := s.pool.Exec(ctx, `WITH gone AS (DELETE FROM contact_attribute_members
						WHERE instance_id = 'i' AND contact_id LIKE $1 || '-%')
					INSERT INTO contact_attribute_members (instance_id, contact_id, name, value, initiated_at, chain_at)
					VALUES ('i', $1 || '-' || $4, 'k', $2, $3, $3)`, id, v, when, strconv.Itoa(i))
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	for _, st := range []*Store{s, other, s} {
		folders.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				if _, err := st.foldCounts(ctx); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	writers.Wait()
	close(done)
	folders.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	var ready []string
	if err := s.pool.QueryRow(ctx, `SELECT array_agg(value ORDER BY value) FROM contact_attribute_counted WHERE ready`).Scan(&ready); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ready, []string{"gold", "silver"}) {
		t.Fatalf("ready counted values %v, want gold and silver", ready)
	}
	checkCounts(t, s)
}

// TestMigrationRecountsMembers builds a database as connectd left it
// before migration 0014, with indexed members, then opens it: 0014's
// counters are exactly the recount, 0015 keeps those of the value held by
// countedFrom contacts (gold, exactly that many) and drops those of the
// value held by fewer (silver), and searches count both exactly.
func TestMigrationRecountsMembers(t *testing.T) {
	t.Parallel()
	dsn, _, exec := schemaBefore(t, 14)
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	owner := connectd.Owner{AccountID: "111122223333", Region: "us-east-1"}
	exec(`INSERT INTO instances (id, account, region, status, created_at) VALUES ('inst', $1, $2, 'ACTIVE', now())`, owner.AccountID, owner.Region)
	exec(`INSERT INTO contact_attribute_keys (instance_id, name, ready, backfill_after) VALUES ('inst', 'tier', true, '')`)
	const contacts, every = 2400, 18 * time.Second // silver: i%6 == 0, gold: the other 2,000
	exec(`INSERT INTO contacts (instance_id, id, initial_contact_id, channel, initiation_method, initiated_at, updated_at, attributes)
		SELECT 'inst', 'c' || i, 'c' || i, 'TASK', 'API', $1::timestamptz + i * interval '18 seconds', $1,
			jsonb_build_object('tier', CASE WHEN i % 6 = 0 THEN 'silver' ELSE 'gold' END)
		FROM generate_series(0, $2 - 1) i`, now.Add(-12*time.Hour), contacts)
	s := openNoFold(t, dsn, connectd.NewManualClock(now))
	var counted []string
	if err := s.pool.QueryRow(t.Context(), `SELECT array_agg(value || ' ' || ready) FROM contact_attribute_counted`).Scan(&counted); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(counted, []string{"gold true"}) {
		t.Fatalf("counted values after 0015: %v, want gold, ready", counted)
	}
	if n := tableRows(t, s, "contact_value_counts"); n < 100 {
		t.Fatalf("%d counter rows after 0014, want one per five minutes of gold", n)
	}
	if n := tableRows(t, s, "contact_value_count_deltas"); n != 0 {
		t.Fatalf("0014's recount left %d deltas", n)
	}
	checkCounts(t, s) // and no counter of silver
	var old []string
	if err := s.pool.QueryRow(t.Context(), `SELECT array_remove(ARRAY[to_regclass('contact_attribute_counts')::text,
		to_regclass('contact_attribute_count_deltas')::text], NULL)`).Scan(&old); err != nil || len(old) != 0 {
		t.Fatalf("0014's tables still under their names (%v, %v): a replica of 0014's version would count by them", old, err)
	}
	svc := connectd.NewService(s, connectd.NewManualClock(now))
	for _, tier := range []string{"gold", "silver"} {
		q := &connectd.SearchQuery{InstanceID: "inst", TimeRange: connectd.TimeInitiation,
			Start: now.Add(-11*time.Hour - 7*time.Second), End: now.Add(-time.Hour + 11*time.Second), Sort: connectd.SortInitiation,
			Attributes: &connectd.AttributeCriteria{Match: connectd.MatchAll,
				Criteria: []connectd.AttributeCriterion{{Key: "tier", Values: []string{tier}}}}}
		page, err := svc.SearchContacts(t.Context(), owner, q)
		if err != nil {
			t.Fatal(err)
		}
		var want int64
		for i := range contacts {
			at := now.Add(-12*time.Hour + time.Duration(i)*every)
			if (i%6 == 0) == (tier == "silver") && !at.Before(q.Start) && !at.After(q.End) {
				want++
			}
		}
		if page.TotalCount != want {
			t.Errorf("tier=%s over ten hours: TotalCount %d, want %d", tier, page.TotalCount, want)
		}
	}
}

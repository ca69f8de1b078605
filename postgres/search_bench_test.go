package postgres

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/internal/pgtest"
	"github.com/connectd/connectd/storetest"
	"github.com/jackc/pgx/v5"
)

// loadSearchBench loads the data storetest.SearchLoader describes with
// one INSERT ... SELECT generate_series that the server runs by itself, so
// the triggers index every row as any write would, and then ANALYZE.
func loadSearchBench(b *testing.B, port connectd.Port, inst string, n int, now time.Time, span time.Duration) {
	b.Helper()
	pool, ctx := port.(*Store).pool, context.Background()
	first, step := now.Add(-span), span/time.Duration(n)
	_, err := pool.Exec(ctx, `
		INSERT INTO contacts (instance_id, id, initial_contact_id, previous_contact_id, channel,
			initiation_method, name, queue_id, initiated_at, updated_at, attributes)
		SELECT $1, format('c%s', lpad(i::text, 8, '0')),
			CASE WHEN i % 10 = 9 THEN format('c%s', lpad((i - 1)::text, 8, '0')) ELSE format('c%s', lpad(i::text, 8, '0')) END,
			CASE WHEN i % 10 = 9 THEN format('c%s', lpad((i - 1)::text, 8, '0')) END,
			(ARRAY['VOICE', 'CHAT', 'TASK', 'EMAIL'])[i % 4 + 1], 'API', 'contact ' || i, 'q' || (i % 50),
			$2::timestamptz + i * $4::interval, $2::timestamptz + i * $4::interval,
			CASE WHEN i % 10 = 9 THEN NULL ELSE jsonb_build_object('customer', 'cust-' || (i % ($3 / 5)),
				'tier', (ARRAY['gold', 'silver', 'bronze', 'free'])[i % 4 + 1], 'region', 'r' || (i % 20)) END
		FROM generate_series(0, $3 - 1) AS i`, inst, first, n, fmt.Sprintf("%d microseconds", step.Microseconds()))
	if err != nil {
		b.Fatalf("load %d contacts: %v", n, err)
	}
	// The values of countedFrom members or more counted, as the folder
	// does within a second of their first search (the searches below
	// would ask for them), and the readying's corrections folded.
	s := port.(*Store)
	rs, err := pool.Query(ctx, `SELECT name, array_agg(value) FROM (SELECT name, value FROM contact_attribute_members
		WHERE instance_id = $1 GROUP BY 1, 2 HAVING count(*) >= $2) v GROUP BY 1`, inst, s.countFrom)
	if err != nil {
		b.Fatal(err)
	}
	common := map[string][]string{}
	var key string
	var values []string
	if _, err := pgx.ForEachRow(rs, []any{&key, &values}, func() error { common[key] = values; return nil }); err != nil {
		b.Fatal(err)
	}
	readyStart := time.Now()
	var vs []countedValue
	for key, values := range common {
		for _, v := range values {
			vs = append(vs, countedValue{inst, key, v})
		}
	}
	if err := s.registerCounted(ctx, vs); err != nil {
		b.Fatal(err)
	}
	if err := s.readyCounted(ctx); err != nil {
		b.Fatal(err)
	}
	readied := time.Since(readyStart)
	// foldCounts folds nothing while the store's own folder holds the
	// lock (it may have started on the deltas first): wait for it.
	foldStart := time.Now()
	folded := 0
	for {
		n, err := s.foldCounts(ctx)
		if err != nil {
			b.Fatal(err)
		}
		folded += n
		var left int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM contact_value_count_deltas`).Scan(&left); err != nil {
			b.Fatal(err)
		}
		if left == 0 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.Logf("counted %v: readied in %v, folded %d deltas in %v", common, readied.Round(time.Millisecond),
		folded, time.Since(foldStart).Round(time.Millisecond))
	// VACUUM as autovacuum would soon after such a load: it sets the
	// visibility map, without which an index-only scan (a common value's
	// TotalCount) fetches every heap row it counts.
	for _, table := range []string{"contacts", "contact_attribute_members", "contact_value_counts", "contact_value_count_deltas"} {
		if _, err := pool.Exec(ctx, `VACUUM (ANALYZE) `+table); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSearchContacts searches an instance of 1,000,000 contacts
// (storetest.BenchmarkSearch) on a throwaway PostgreSQL (internal/pgtest).
func BenchmarkSearchContacts(b *testing.B) {
	storetest.BenchmarkSearch(b, func(b *testing.B, clock connectd.Clock) connectd.Port {
		s, err := Open(context.Background(), pgtest.DSN(b), clock, nil)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		return s
	}, loadSearchBench)
}

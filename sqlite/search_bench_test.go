package sqlite

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/storetest"
)

// loadSearchBench is the storetest.SearchLoader of this store: it fills
// one instance with n contacts, evenly spread over span before now, in one
// INSERT ... SELECT, so that the triggers index them as any write would.
// It runs no ANALYZE, as connectd never does: the plans must be good
// without sqlite_stat1 (issue 18 measured 9.4 s where SQLite's planner
// chose alone). Each has a customer (5 contacts per
// customer), a tier (4 values) and a region (20 values); every tenth is a
// chain member, found by its chain's map.
func loadSearchBench(b *testing.B, cs connectd.Port, inst string, n int, now time.Time, span time.Duration) {
	b.Helper()
	s := cs.(*Store)
	first := now.Add(-span).UnixMilli()
	step := span.Milliseconds() / int64(n)
	_, err := s.writer.ExecContext(context.Background(), `
		WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i + 1 < ?3)
		INSERT INTO contacts (instance_id, id, initial_contact_id, previous_contact_id, channel,
			initiation_method, name, queue_id, initiated_ms, updated_ms, attributes)
		SELECT ?1, printf('c%08d', i),
			CASE WHEN i % 10 = 9 THEN printf('c%08d', i - 1) ELSE printf('c%08d', i) END,
			CASE WHEN i % 10 = 9 THEN printf('c%08d', i - 1) END,
			CASE i % 4 WHEN 0 THEN 'VOICE' WHEN 1 THEN 'CHAT' WHEN 2 THEN 'TASK' ELSE 'EMAIL' END,
			'API', 'contact ' || i, 'q' || (i % 50), ?2 + i * ?4, ?2 + i * ?4,
			CASE WHEN i % 10 = 9 THEN NULL ELSE json_object('customer', 'cust-' || (i % (?3 / 5)),
				'tier', CASE i % 4 WHEN 0 THEN 'gold' WHEN 1 THEN 'silver' WHEN 2 THEN 'bronze' ELSE 'free' END,
				'region', 'r' || (i % 20)) END
		FROM seq`, inst, first, n, step)
	if err != nil {
		b.Fatalf("load %d contacts: %v", n, err)
	}
}

// BenchmarkSearchContacts searches an instance of 1,000,000 contacts
// (storetest.BenchmarkSearch) through the attribute index. With
// CONNECTD_SEARCH_BENCH_CACHE set to a directory, each layout's loaded
// database is kept there and reused by later runs (searchFixture).
func BenchmarkSearchContacts(b *testing.B) {
	storetest.BenchmarkSearchFixtures(b, func(b *testing.B, clock connectd.Clock, name string) (connectd.Port, bool) {
		dir := b.TempDir()
		loaded, save := searchFixture(b, os.Getenv("CONNECTD_SEARCH_BENCH_CACHE"), name, dir)
		s, err := Open(context.Background(), dir, clock, nil)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() {
			if err := s.Close(); err != nil {
				b.Errorf("close: %v", err)
				return
			}
			// Only the main file is cached: a WAL that Close could not
			// checkpoint into it (Close logs that, it returns no error)
			// would leave the fixture short of rows.
			if fi, err := os.Stat(filepath.Join(dir, FileName+"-wal")); err == nil && fi.Size() > 0 {
				b.Logf("search fixture not cached: the WAL holds %d bytes after Close", fi.Size())
				return
			}
			save()
		})
		return s, loaded
	}, loadSearchBench)
}

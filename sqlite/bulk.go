package sqlite

import (
	"context"
	"fmt"
	"time"
)

// bulkChunk is how many generated contacts share one write transaction:
// large enough that the commit (one fsync) is negligible, small enough that
// other writes queued behind a chunk wait well under a second.
const bulkChunk = 50000

// insertGenerated inserts the contacts prefix%09d for i in [?1, ?2), each
// the initial contact of its own chain, initiated ?4 - i seconds ago (one a
// second, back from ?4 in Unix milliseconds), with the map {"tier": "gold",
// "n": "<i>"}. SQLite generates the rows itself (a recursive CTE), so no
// value crosses from Go per row; the schema's triggers index the maps.
const insertGenerated = `WITH RECURSIVE seq(i) AS (SELECT ?1 UNION ALL SELECT i + 1 FROM seq WHERE i + 1 < ?2)
	INSERT INTO contacts (instance_id, id, initial_contact_id, channel, initiation_method,
		initiated_ms, updated_ms, attributes)
	SELECT ?3, printf('%s%09d', ?5, i), printf('%s%09d', ?5, i), 'TASK', 'API',
		?4 - i * 1000, ?4 - i * 1000, json_object('tier', 'gold', 'n', CAST(i AS TEXT))
	FROM seq`

// GenerateContacts adds n synthetic TASK contacts to the existing instance
// instanceID, for load tests and benchmarks that need a large database: ids
// prefix000000000, prefix000000001, …, initiated one a second back from
// now, each the initial contact of its own chain with the attributes
// {"tier": "gold", "n": "<number>"}. It is the store's bulk path: Import
// checks every record with a few queries of its own and takes about 230 µs
// of CPU a contact (BenchmarkImport), which makes a million contacts take
// minutes; this inserts them in SQL at about 15–20 µs a contact
// (BenchmarkGenerateContacts; a million in 19 s on two CPUs).
// Writes are durable as any other (group commit, synchronous=FULL), in
// chunks of bulkChunk contacts. An id that is already taken fails the chunk
// it is in, with the chunks before it kept. n must keep the oldest contact
// within retention (n seconds ≤ 24 months).
func (s *Store) GenerateContacts(ctx context.Context, instanceID, prefix string, n int, now time.Time) error {
	for done := 0; done < n; done += bulkChunk {
		end := min(n, done+bulkChunk)
		err := s.write(ctx, "generate contacts", func(tx *txn) error {
			_, err := tx.ExecContext(ctx, insertGenerated, done, end, instanceID, now.UnixMilli(), prefix)
			return err
		})
		if err != nil {
			return fmt.Errorf("contacts %d to %d of %d: %w", done, end, n, err) // err names the store and operation
		}
	}
	return nil
}

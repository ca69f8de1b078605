package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// purgeExpired deletes one batch of the oldest expired contacts. The batch
// is chosen through the contacts_initiated index and deleted by primary
// key. SKIP LOCKED lets the sweepers of several replicas take different
// batches instead of queueing on the same rows, and leaves alone a row
// some request holds (it is expired, so that request will find nothing).
const purgeExpired = `DELETE FROM contacts WHERE (instance_id, id) IN (
	SELECT instance_id, id FROM contacts WHERE initiated_at < $1
	ORDER BY initiated_at LIMIT $2 FOR UPDATE SKIP LOCKED)`

// PurgeExpired deletes at most limit contacts initiated before the
// retention cutoff and reports how many it deleted. Each call is one short
// statement. Correctness does not depend on it: reads already hide expired
// contacts.
func (s *Store) PurgeExpired(ctx context.Context, limit int) (int, error) {
	if limit < 1 {
		return 0, nil
	}
	var n int64
	err := s.inTx(ctx, "purge expired contacts", func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, purgeExpired, s.cutoff(), limit)
		n = tag.RowsAffected()
		return err
	})
	return int(n), err
}

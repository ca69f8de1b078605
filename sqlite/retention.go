package sqlite

import (
	"context"

	"github.com/connectd/connectd"
)

// purgeExpired deletes one batch of the oldest-qualifying expired contacts.
// SQLite's DELETE has no LIMIT unless built with an option, so the batch is
// chosen by rowid in a subquery that walks the contacts_initiated index.
const purgeExpired = `DELETE FROM contacts WHERE rowid IN
	(SELECT rowid FROM contacts WHERE initiated_ms < ? LIMIT ?)`

// PurgeExpired deletes at most limit contacts initiated before the retention
// cutoff and reports how many it deleted. Each call is one short write
// transaction, so the sweeper never holds the writer for long. Correctness
// does not depend on it: reads already hide expired contacts.
func (s *Store) PurgeExpired(ctx context.Context, limit int) (int, error) {
	if limit < 1 {
		return 0, nil
	}
	cutoff := connectd.RetentionCutoff(s.clock.Now()).UnixMilli()
	var n int64
	err := s.write(ctx, "purge expired contacts", func(tx *txn) error {
		res, err := tx.ExecContext(ctx, purgeExpired, cutoff, limit)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}

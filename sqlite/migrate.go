package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"

	"github.com/connectd/connectd/internal/migrations"
)

// migrationFiles are the schema changes, named NNNN_description.sql and
// applied in version order. They ship inside the binary so that a data
// directory can always be brought up to date by the binary that opens it.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrate applies every migration not yet recorded in schema_migrations,
// each together with its record, all in one transaction: either every
// pending migration is applied and recorded, or none is. The check runs
// inside the IMMEDIATE transaction, so two processes opening one directory
// at once cannot both apply the same migration. One transaction rather than
// one per migration because each commit costs an fsync: on a new data
// directory that was a third of the time from process start to the first
// response (connectd-load -startup; BENCHMARKS.md).
func (s *Store) migrate(ctx context.Context) error {
	ms, err := migrations.Load(migrationFiles, "migrations")
	if err != nil {
		return fmt.Errorf("sqlite: migrate: %w", err)
	}
	var applied []string
	err = s.write(ctx, "migrate", func(tx *txn) error {
		applied = applied[:0] // nothing of a failed attempt was kept
		err := tx.execScript(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version    INTEGER NOT NULL PRIMARY KEY,
			name       TEXT    NOT NULL,
			applied_ms INTEGER NOT NULL)`)
		if err != nil {
			return err
		}
		if err := refuseNewer(ctx, tx, ms); err != nil {
			return err
		}
		for _, m := range ms {
			var n int
			err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, m.Version).Scan(&n)
			if err != nil {
				return err
			}
			if n > 0 {
				continue
			}
			if err := tx.execScript(ctx, m.SQL); err != nil {
				return fmt.Errorf("%s: %w", m.Name, err)
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_ms) VALUES (?, ?, ?)`,
				m.Version, m.Name, s.clock.Now().UnixMilli())
			if err != nil {
				return fmt.Errorf("%s: %w", m.Name, err)
			}
			applied = append(applied, m.Name)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, name := range applied {
		s.log.Info("sqlite: applied migration", "migration", name)
	}
	return nil
}

// refuseNewer fails when the database records a migration later than every
// one of ms: a newer connectd wrote it (a binary downgraded by mistake, or
// two versions sharing a directory). This one would read that schema
// wrong, and not say so: after 0018's five-minute counters, an older
// binary's TotalCounts, reading them as ten-minute ones, were silently off.
func refuseNewer(ctx context.Context, tx *txn, ms []migrations.Migration) error {
	var name string
	err := tx.QueryRowContext(ctx, `SELECT name FROM schema_migrations WHERE version > ? ORDER BY version LIMIT 1`,
		ms[len(ms)-1].Version).Scan(&name)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return err
	}
	return fmt.Errorf("the database was migrated by a newer connectd (its migration %s is not one this binary knows, whose last is %s): run that connectd or a newer one", name, ms[len(ms)-1].Name)
}

package postgres

import (
	"context"
	"embed"
	"fmt"

	"github.com/connectd/connectd/internal/migrations"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// migrationFiles are the schema changes, named NNNN_description.sql and
// applied in version order. They ship inside the binary, so every replica
// can bring the database up to date.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrationLock is the key of the advisory lock that serialises
// migrations: the first 8 bytes of "connectd" read as a big-endian int64.
// Any constant works, as long as no other application sharing the
// database uses it.
const migrationLock int64 = 0x636f6e6e65637464

// migrate applies every migration not yet recorded in schema_migrations,
// all in one transaction that first takes a transaction-level advisory
// lock. Replicas that start together therefore queue: the first applies
// the migrations and commits (which releases the lock), the others then
// find them recorded and apply nothing. The lock is taken before anything
// else, even CREATE TABLE IF NOT EXISTS, which is not safe against a
// concurrent twin. PostgreSQL's DDL is transactional, so a failed
// migration leaves neither schema changes nor a record behind.
//
// When every migration is already recorded (read first, without a lock or
// DDL), nothing is written at all: so connectd starts against a standby,
// or a primary that turned read-only, whose schema is current, and serves
// its reads, answering writes with 503 until a primary is reachable.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := migrations.Load(migrationFiles, "migrations")
	if err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	current, version, err := schemaCurrent(ctx, s.pool, ms)
	if err != nil {
		return s.fail("migrate: read the schema version", err)
	}
	if last := ms[len(ms)-1]; version > last.Version {
		return refuseNewer(ctx, s.pool, last)
	}
	if current {
		return nil
	}
	var applied []string
	err = s.inTx(ctx, "migrate", func(tx pgx.Tx) error {
		applied = applied[:0]
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, migrationLock); err != nil {
			return fmt.Errorf("take the migration lock: %w", err)
		}
		_, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version    integer     NOT NULL PRIMARY KEY,
			name       text        NOT NULL,
			applied_at timestamptz NOT NULL)`)
		if err != nil {
			return err
		}
		done := map[int]bool{}
		rows, err := tx.Query(ctx, `SELECT version FROM schema_migrations`)
		if err != nil {
			return err
		}
		versions, err := pgx.CollectRows(rows, pgx.RowTo[int32])
		if err != nil {
			return err
		}
		last := ms[len(ms)-1]
		for _, v := range versions {
			done[int(v)] = true
			if int(v) > last.Version { // a newer connectd migrated it while this one waited for the lock
				return refuseNewer(ctx, tx, last)
			}
		}
		for _, m := range ms {
			if done[m.Version] {
				continue
			}
			// No arguments: pgx sends the file with the simple protocol,
			// which accepts several statements.
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				return fmt.Errorf("apply %s: %w", m.Name, err)
			}
			_, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
				m.Version, m.Name, s.clock.Now())
			if err != nil {
				return err
			}
			applied = append(applied, m.Name)
		}
		return nil
	})
	if notPrimary(err) {
		return fmt.Errorf("postgres: migrate: the server is read-only (a standby?) and its schema is at version %d, older than this connectd's %d: start connectd once against the primary: %w",
			version, ms[len(ms)-1].Version, err)
	}
	if err != nil {
		return err
	}
	for _, name := range applied {
		s.log.Info("postgres: applied migration", "migration", name)
	}
	return nil
}

// schemaCurrent reports whether every migration of ms is recorded in
// pool's database, and the highest version that is, reading only.
func schemaCurrent(ctx context.Context, pool *pgxpool.Pool, ms []migrations.Migration) (current bool, version int, err error) {
	var exists bool
	if err := pool.QueryRow(ctx, `SELECT to_regclass('schema_migrations') IS NOT NULL`).Scan(&exists); err != nil || !exists {
		return false, 0, err
	}
	rows, err := pool.Query(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return false, 0, err
	}
	versions, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil {
		return false, 0, err
	}
	done := map[int]bool{}
	for _, v := range versions {
		done[int(v)] = true
		version = max(version, int(v))
	}
	for _, m := range ms {
		if !done[m.Version] {
			return false, version, nil
		}
	}
	return true, version, nil
}

// refuseNewer fails Open: the database records a migration later than
// last, this binary's last one, so a newer connectd migrated it (a binary
// downgraded by mistake, or an older replica started beside newer ones).
// This one would read that schema wrong without saying so: after 0015, a
// replica that counted every value by its counters reported TotalCounts
// short by the values no longer counted.
func refuseNewer(ctx context.Context, q querier, last migrations.Migration) error {
	var name string
	if err := q.QueryRow(ctx, `SELECT name FROM schema_migrations WHERE version > $1 ORDER BY version LIMIT 1`,
		last.Version).Scan(&name); err != nil {
		return fmt.Errorf("postgres: migrate: read the newer migration: %w", err)
	}
	return fmt.Errorf("postgres: migrate: the database was migrated by a newer connectd (its migration %s is not one this binary knows, whose last is %s): run that connectd or a newer one", name, last.Name)
}

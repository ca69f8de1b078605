package postgres

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/internal/pgtest"
	"github.com/jackc/pgx/v5"
)

// TestNewerDatabaseRefused: a database that records a migration this
// binary does not know (a newer connectd's) is refused at Open, naming it,
// rather than read with the wrong schema; the record stays.
func TestNewerDatabaseRefused(t *testing.T) {
	t.Parallel()
	dsn := pgtest.DSN(t)
	s := openNoFold(t, dsn, connectd.SystemClock{})
	if _, err := s.pool.Exec(t.Context(), `INSERT INTO schema_migrations (version, name, applied_at)
		VALUES (9999, '9999_from_the_future.sql', now())`); err != nil {
		t.Fatal(err)
	}
	other, err := Open(t.Context(), dsn, connectd.SystemClock{}, nil)
	if err == nil {
		other.Close()
		t.Fatal("a database of a newer connectd opened")
	}
	if !strings.Contains(err.Error(), "9999_from_the_future.sql") || !strings.Contains(err.Error(), "newer connectd") {
		t.Fatalf("error %q does not name the unknown migration", err)
	}
	var n int
	if err := s.pool.QueryRow(t.Context(), `SELECT count(*) FROM schema_migrations WHERE version = 9999`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("the newer migration's record: %d, %v", n, err)
	}
}

// TestWritersReadCommitted: a database whose default isolation is
// REPEATABLE READ still gets READ COMMITTED transactions from the store's
// writers (a unit and inTx), on which the registrations of keys and
// counted values rely; the default itself is left alone (poolers refuse a
// startup parameter that would set it).
func TestWritersReadCommitted(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	dsn := pgtest.DSN(t)
	conn, exec := adminConn(t, dsn)
	exec(`ALTER DATABASE "` + conn.Config().Database + `" SET default_transaction_isolation = 'repeatable read'`)
	s := openNoFold(t, dsn, connectd.NewManualClock(time.Unix(0, 0)))
	var plain, unit, tx string
	if err := s.pool.QueryRow(ctx, `SHOW default_transaction_isolation`).Scan(&plain); err != nil {
		t.Fatal(err)
	}
	err := s.update(ctx, false, func(c connectd.Tx) error {
		_, err := c.(*rows).one(ctx, `SHOW transaction_isolation`, nil, &unit)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.inTx(ctx, "test", func(t pgx.Tx) error {
		return t.QueryRow(ctx, `SHOW transaction_isolation`).Scan(&tx)
	}); err != nil {
		t.Fatal(err)
	}
	if plain != "repeatable read" || unit != "read committed" || tx != "read committed" {
		t.Errorf("the database's default %q (want repeatable read), a unit's %q and inTx's %q (want read committed)", plain, unit, tx)
	}
}

// TestNewerMigrationWhileWaiting: a newer connectd migrates the database
// while this one waits for the migration lock (both started at once): this
// one refuses the schema it finds then, rather than open on it.
func TestNewerMigrationWhileWaiting(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	dsn, conn, _ := schemaBefore(t, 15) // 0001–0014 recorded: Open has 0015 to apply
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, migrationLock); err != nil {
		t.Fatal(err)
	}
	opened := make(chan error, 1)
	go func() {
		s, err := Open(context.Background(), dsn, connectd.SystemClock{}, nil)
		if err == nil {
			s.Close()
		}
		opened <- err
	}()
	time.Sleep(300 * time.Millisecond) // Open reads the versions, then waits for the lock
	for _, v := range []string{"15, '0015_counted_values.sql'", "9999, '9999_from_the_future.sql'"} {
		if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (`+v+`, now())`); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-opened; err == nil || !strings.Contains(err.Error(), "9999_from_the_future.sql") {
		t.Fatalf("Open after a newer connectd migrated meanwhile: %v, want a refusal naming its migration", err)
	}
}

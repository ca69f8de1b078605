package postgres

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/internal/pgtest"
	"github.com/jackc/pgx/v5/pgxpool"
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
// REPEATABLE READ still gives the store's connections READ COMMITTED, on
// which the registrations of keys and counted values rely, and its
// searches their REPEATABLE READ snapshot.
func TestWritersReadCommitted(t *testing.T) {
	t.Parallel()
	dsn := pgtest.DSN(t)
	conn, exec := adminConn(t, dsn)
	exec(`ALTER DATABASE "` + conn.Config().Database + `" SET default_transaction_isolation = 'repeatable read'`)
	s := openNoFold(t, dsn, connectd.NewManualClock(time.Unix(0, 0)))
	check := func(pool *pgxpool.Pool, want string) {
		t.Helper()
		var level string
		if err := pool.QueryRow(context.Background(), `SHOW transaction_isolation`).Scan(&level); err != nil {
			t.Fatal(err)
		}
		if level != want {
			t.Errorf("a store connection's transaction isolation: %s, want %s", level, want)
		}
	}
	check(s.pool, "read committed")
	plain, err := pgxpool.New(t.Context(), dsn) // the database's own default, for contrast
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	check(plain, "repeatable read")
}

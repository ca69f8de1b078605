package pgtest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// recorder is a testing.TB that records Skipf and Fatalf instead of
// ending the test.
type recorder struct {
	testing.TB
	skipped, failed string
}

func (r *recorder) Helper()                   {}
func (r *recorder) Skipf(f string, a ...any)  { r.skipped = fmt.Sprintf(f, a...) }
func (r *recorder) Fatalf(f string, a ...any) { r.failed = fmt.Sprintf(f, a...) }

func TestUnavailableSkipsUnlessRequired(t *testing.T) {
	t.Setenv(EnvRequire, "")
	r := &recorder{TB: t}
	unavailable(r, errNoPostgres)
	if r.failed != "" || !strings.Contains(r.skipped, EnvDSN) || !strings.Contains(r.skipped, "install") {
		t.Errorf("without %s: skipped %q, failed %q; want a skip that says how to enable the tests", EnvRequire, r.skipped, r.failed)
	}
	t.Setenv(EnvRequire, "1")
	r = &recorder{TB: t}
	unavailable(r, errNoPostgres)
	if r.skipped != "" || !strings.Contains(r.failed, EnvRequire) {
		t.Errorf("with %s=1: skipped %q, failed %q; want a failure", EnvRequire, r.skipped, r.failed)
	}
}

// TestExternalServer uses a private cluster as if it were the server named
// by CONNECTD_TEST_POSTGRES, in both DSN forms.
func TestExternalServer(t *testing.T) {
	c := NewCluster(t)
	for _, dsn := range []string{
		c.DSN(),
		fmt.Sprintf("postgres://postgres:%s@127.0.0.1:%d/postgres?sslmode=disable", c.password, c.port),
	} {
		t.Setenv(EnvDSN, dsn)
		srv, err := startServer()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(srv.admin.Close) // runs after the database is dropped
		if srv.cluster != nil {
			t.Fatal("started a cluster although a DSN was given")
		}
		db := srv.createDatabase(t)
		conn, err := pgx.Connect(context.Background(), db)
		if err != nil {
			t.Fatal(err)
		}
		var name string
		if err := conn.QueryRow(context.Background(), "SELECT current_database()").Scan(&name); err != nil {
			t.Fatal(err)
		}
		conn.Close(context.Background())
		if !strings.HasPrefix(name, "test_") {
			t.Errorf("DSN %s connects to database %q", db, name)
		}
	}
}

package pgtest

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) { Main(m) }

func TestDSNGivesFreshDatabases(t *testing.T) {
	ctx := context.Background()
	seen := map[string]bool{}
	for range 2 {
		conn, err := pgx.Connect(ctx, DSN(t))
		if err != nil {
			t.Fatal(err)
		}
		var name string
		var tables int
		err = conn.QueryRow(ctx, `SELECT current_database(),
			(SELECT count(*) FROM pg_tables WHERE schemaname = 'public')`).Scan(&name, &tables)
		conn.Close(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if seen[name] || tables != 0 || name == "postgres" {
			t.Fatalf("database %q (%d tables) is not fresh", name, tables)
		}
		seen[name] = true
	}
}

func TestWithParam(t *testing.T) {
	cases := []struct{ in, want string }{
		{"host=h user=u", `host=h user=u dbname='it\'s'`},
		{"postgres://u@h/db", "postgres://u@h/db?dbname=it%27s"},
		{"postgresql://u@h/db?sslmode=disable", "postgresql://u@h/db?sslmode=disable&dbname=it%27s"},
	}
	for _, c := range cases {
		if got := WithParam(c.in, "dbname", "it's"); got != c.want {
			t.Errorf("WithParam(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestClusterStopStart(t *testing.T) {
	c := NewCluster(t)
	ctx := context.Background()
	ping := func() error {
		conn, err := pgx.Connect(ctx, c.DSN())
		if err != nil {
			return err
		}
		return conn.Close(ctx)
	}
	if err := ping(); err != nil {
		t.Fatal(err)
	}
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	if ping() == nil {
		t.Fatal("stopped cluster still accepts connections")
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	if err := ping(); err != nil {
		t.Fatal(err)
	}
}

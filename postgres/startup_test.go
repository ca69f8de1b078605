package postgres_test

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/internal/pgtest"
	"github.com/connectd/connectd/postgres"
	"github.com/jackc/pgx/v5/pgconn"
)

// closedPort returns a loopback port nobody listens on.
func closedPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// blackHole returns a loopback port that accepts TCP and never answers,
// as a host whose server hangs does: only a connect timeout ends the wait.
func blackHole(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
		}
	}()
	return l.Addr().(*net.TCPAddr).Port
}

// TestOpenNamesEveryHost: when no host of a multi-host DSN answers, Open's
// error names each host it tried, in order.
func TestOpenNamesEveryHost(t *testing.T) {
	t.Parallel()
	p1, p2 := closedPort(t), closedPort(t)
	dsn := fmt.Sprintf("host=127.0.0.1,127.0.0.1 port=%d,%d user=connectd dbname=connectd sslmode=disable", p1, p2)
	s, err := postgres.Open(t.Context(), dsn, connectd.SystemClock{}, nil)
	if err == nil {
		s.Close()
		t.Fatal("Open succeeded")
	}
	want := fmt.Sprintf("open 127.0.0.1:%d, 127.0.0.1:%d: the database is unreachable", p1, p2)
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not contain %q", err, want)
	}
}

// TestOpenSkipsBlackHoledHost: a first host that accepts TCP but never
// answers costs one connect timeout (the default, as the DSN sets none),
// after which Open uses the next host.
func TestOpenSkipsBlackHoledHost(t *testing.T) {
	t.Parallel()
	cfg, err := pgconn.ParseConfig(pgtest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	dsn := fmt.Sprintf("host=127.0.0.1,%s port=%d,%d user=%s password=%s dbname=%s sslmode=disable",
		cfg.Host, blackHole(t), cfg.Port, cfg.User, cfg.Password, cfg.Database)
	// The bound is for a hang, not for speed: without a connect timeout
	// the black hole would hold Open until TCP gives up, minutes later.
	ctx, cancel := context.WithTimeout(t.Context(), 6*postgres.DefaultConnectTimeout)
	defer cancel()
	begin := time.Now()
	s, err := postgres.Open(ctx, dsn, connectd.SystemClock{}, nil)
	if err != nil {
		t.Fatalf("Open with a black-holed first host: %v", err)
	}
	defer s.Close()
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	t.Logf("Open took %v with a black-holed first host", time.Since(begin))
}

// TestFenceOffWithoutAccess: a role that may not call pg_control_system()
// (or a PostgreSQL-compatible database without it) still opens and serves;
// fencing is off, and the log says so once.
func TestFenceOffWithoutAccess(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	dsn := pgtest.DSN(t)
	cfg, err := pgconn.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	role := "fence_" + cfg.Database
	admin, err := pgconn.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(context.Background())
	_, err = admin.Exec(ctx, fmt.Sprintf(`REVOKE EXECUTE ON FUNCTION pg_control_system() FROM PUBLIC;
		CREATE ROLE %[1]s LOGIN PASSWORD 'pw'; GRANT CREATE ON SCHEMA public TO %[1]s`, role)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// Roles are the server's, not the database's: drop it, after the
		// store's sessions have ended, with the tables it owns.
		c, err := pgconn.Connect(context.Background(), dsn)
		if err != nil {
			t.Errorf("drop role %s: %v", role, err)
			return
		}
		defer c.Close(context.Background())
		if _, err := c.Exec(context.Background(), fmt.Sprintf("DROP OWNED BY %[1]s; DROP ROLE %[1]s", role)).ReadAll(); err != nil {
			t.Errorf("drop role %s: %v", role, err)
		}
	})
	logs := &logBuffer{}
	s, err := postgres.Open(ctx, fmt.Sprintf("host=%s port=%d user=%s password=pw dbname=%s sslmode=disable", cfg.Host, cfg.Port, role, cfg.Database),
		connectd.SystemClock{}, slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatalf("Open as a role without pg_control_system(): %v", err)
	}
	defer s.Close()
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	if n := strings.Count(logs.String(), "fencing is off"); n != 1 {
		t.Errorf("the log says %d times that fencing is off, want once:\n%s", n, logs)
	}
}

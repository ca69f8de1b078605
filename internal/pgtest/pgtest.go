// Package pgtest gives each test a fresh, empty PostgreSQL database.
//
// The server is the one named by the CONNECTD_TEST_POSTGRES environment
// variable (a DSN whose role may CREATE DATABASE), or else a throwaway
// cluster that the first DSN call of a test binary starts from the
// PostgreSQL binaries installed on the machine (initdb and postgres, found
// on PATH or under /usr/lib/postgresql/*/bin). A package that uses pgtest
// calls Main from its TestMain, so that the cluster is stopped and its
// directory removed when the tests end.
//
// With neither a DSN nor binaries, tests that ask for a database are
// skipped, unless CONNECTD_REQUIRE_POSTGRES=1, in which case they fail: CI
// sets it so that PostgreSQL tests can never pass by being skipped.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Environment variables that control where the tests' databases live.
const (
	// EnvDSN names a PostgreSQL server to use instead of a throwaway
	// cluster; its role must be allowed to CREATE DATABASE.
	EnvDSN = "CONNECTD_TEST_POSTGRES"
	// EnvRequire set to 1 turns "no PostgreSQL available" from a skip into
	// a failure.
	EnvRequire = "CONNECTD_REQUIRE_POSTGRES"
)

// howToEnable ends every skip or failure for lack of a server.
const howToEnable = "set " + EnvDSN + " to a PostgreSQL DSN, or install the PostgreSQL server binaries (e.g. apt-get install postgresql)"

// errNoPostgres means neither a DSN nor the binaries are available.
var errNoPostgres = errors.New("no PostgreSQL server: " + howToEnable)

// server is where the databases of this test binary are created.
type server struct {
	dsn     string        // DSN of the maintenance database
	admin   *pgxpool.Pool // runs CREATE and DROP DATABASE
	cluster *Cluster      // nil when the server came from EnvDSN
	prefix  string        // database name prefix, unique to this process
	seq     atomic.Int64
}

// shared is the one server of the test binary, started lazily by the first
// DSN call and shared by every test of the package; a throwaway cluster
// costs a second or two to start, a database a few milliseconds. This is
// the package's only mutable state, and it exists because the cluster must
// outlive any single test.
var shared struct {
	once sync.Once
	srv  *server
	err  error
}

// DSN returns the DSN of a new, empty database for t, dropped when t ends.
// It skips t (or fails it, with CONNECTD_REQUIRE_POSTGRES=1) when no
// PostgreSQL server is available.
func DSN(t testing.TB) string {
	t.Helper()
	shared.once.Do(func() { shared.srv, shared.err = startServer() })
	if shared.err != nil {
		unavailable(t, shared.err)
	}
	return shared.srv.createDatabase(t)
}

// Main runs the tests of a package and then stops and removes the
// throwaway cluster, if one was started. Call it from TestMain:
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
func Main(m *testing.M) {
	code := m.Run()
	if srv := shared.srv; srv != nil {
		srv.admin.Close()
		if srv.cluster != nil {
			if err := srv.cluster.Remove(); err != nil {
				fmt.Fprintf(os.Stderr, "pgtest: remove cluster: %v\n", err)
			}
		}
	}
	os.Exit(code)
}

// unavailable skips t, or fails it when EnvRequire is 1, for lack of a
// server; any other error fails t.
func unavailable(t testing.TB, err error) {
	t.Helper()
	switch {
	case !errors.Is(err, errNoPostgres):
		t.Fatalf("pgtest: %v", err)
	case os.Getenv(EnvRequire) == "1":
		t.Fatalf("pgtest: %v (%s=1 forbids skipping)", err, EnvRequire)
	default:
		t.Skipf("pgtest: %v", err)
	}
}

// startServer connects to EnvDSN's server or starts a throwaway cluster.
func startServer() (*server, error) {
	suffix := make([]byte, 3)
	_, _ = rand.Read(suffix)
	// Databases of concurrent test binaries on one server must not collide.
	srv := &server{prefix: fmt.Sprintf("test_%d_%s_", os.Getpid(), hex.EncodeToString(suffix))}
	if dsn := os.Getenv(EnvDSN); dsn != "" {
		srv.dsn = dsn
	} else {
		bin, err := findBinaries()
		if err != nil {
			return nil, err
		}
		c, err := startCluster(bin)
		if err != nil {
			return nil, fmt.Errorf("start throwaway cluster from %s: %w", bin, err)
		}
		srv.cluster, srv.dsn = c, c.DSN()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cfg, err := pgxpool.ParseConfig(srv.dsn)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", EnvDSN, err)
	}
	cfg.MaxConns = 4
	if srv.admin, err = pgxpool.NewWithConfig(ctx, cfg); err == nil {
		err = srv.admin.Ping(ctx)
	}
	if err != nil {
		if srv.cluster != nil {
			_ = srv.cluster.Remove()
		}
		return nil, fmt.Errorf("connect to the test server: %w", err)
	}
	return srv, nil
}

// createDatabase creates a database for t and registers its removal.
func (s *server) createDatabase(t testing.TB) string {
	t.Helper()
	name := fmt.Sprintf("%s%d", s.prefix, s.seq.Add(1))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// template0 with an explicit encoding and the C locale gives the same
	// database whatever the server's defaults, and nobody is ever connected
	// to template0, so concurrent CREATE DATABASEs do not conflict.
	_, err := s.admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()+
		" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'")
	if err != nil {
		t.Fatalf("pgtest: create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		// FORCE (PostgreSQL 13+) ends connections a test left open.
		if _, err := s.admin.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			t.Errorf("pgtest: drop database %s: %v", name, err)
		}
	})
	return WithParam(s.dsn, "dbname", name)
}

// WithParam returns dsn with the connection parameter key set to value,
// for either form of DSN: a postgres:// URL gets a query parameter, a
// keyword/value string one more pair. Both forms let the last occurrence
// of a key win, so this overrides what dsn said.
func WithParam(dsn, key, value string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		sep := "?"
		if strings.Contains(dsn, "?") {
			sep = "&"
		}
		return dsn + sep + url.QueryEscape(key) + "=" + url.QueryEscape(value)
	}
	quoted := strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(value)
	return strings.TrimSpace(dsn) + " " + key + "='" + quoted + "'"
}

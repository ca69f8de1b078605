package postgres_test

import (
	"context"
	"errors"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/internal/pgtest"
	"github.com/connectd/connectd/postgres"
	"github.com/connectd/connectd/storetest"
	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// open opens a store on dsn and closes it when t ends.
func open(t testing.TB, dsn string, clock connectd.Clock) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(t.Context(), dsn, clock, nil)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestStore runs the suite of the Service over this store, each subtest on
// its own database.
func TestStore(t *testing.T) {
	storetest.RunStoreTests(t, func(t *testing.T, clock connectd.Clock) connectd.Port {
		return open(t, pgtest.DSN(t), clock)
	})
}

func TestPort(t *testing.T) {
	storetest.RunPortTests(t, func(t *testing.T, clock connectd.Clock) connectd.Port {
		return open(t, pgtest.DSN(t), clock)
	})
}

// service returns the Service over s on the wall clock, for tests of the
// store's own behaviour through the use cases.
func service(s *postgres.Store) *connectd.Service {
	return connectd.NewService(s, connectd.SystemClock{})
}

var owner = storetest.SeedOwner()

// seed is storetest.Seed over s.
func seed(t *testing.T, s *postgres.Store) { storetest.Seed(t, service(s)) }

func TestMigrationsRaceAndRepeat(t *testing.T) {
	t.Parallel()
	dsn := pgtest.DSN(t)
	clock := connectd.NewManualClock(time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC))
	// Replicas starting together on an empty database.
	const n = 6
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			s, err := postgres.Open(t.Context(), dsn, clock, nil)
			if err == nil {
				err = s.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Open %d: %v", i, err)
		}
	}
	count := func() (rows int) {
		t.Helper()
		conn, err := pgx.Connect(t.Context(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(context.Background())
		if err := conn.QueryRow(t.Context(), `SELECT count(*) FROM schema_migrations`).Scan(&rows); err != nil {
			t.Fatal(err)
		}
		return rows
	}
	files, err := filepath.Glob("migrations/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("list migrations: %v (%d files)", err, len(files))
	}
	if got := count(); got != len(files) {
		t.Fatalf("schema_migrations has %d rows after racing Opens, want %d", got, len(files))
	}
	// Reopening applies nothing and keeps the data.
	s := open(t, dsn, clock)
	seed(t, s)
	s.Close()
	s = open(t, dsn, clock)
	if got, err := service(s).FindContact(t.Context(), owner, "inst-1", "c-1"); err != nil || got.Attributes["a"] != "1" {
		t.Fatalf("after reopen: %v, %v", got, err)
	}
	if got := count(); got != len(files) {
		t.Fatalf("schema_migrations has %d rows after reopening, want %d", got, len(files))
	}
}

func TestOpenWrongPassword(t *testing.T) {
	t.Parallel()
	dsn := pgtest.WithParam(pgtest.DSN(t), "password", "not-the-password")
	begin := time.Now()
	s, err := postgres.Open(t.Context(), dsn, connectd.SystemClock{}, nil)
	if err == nil {
		s.Close()
		t.Skip("the server accepted a wrong password (trust authentication); nothing to check")
	}
	if !strings.Contains(err.Error(), "authentication failed for user") {
		t.Errorf("error %q does not say that authentication failed", err)
	}
	if strings.Contains(err.Error(), "not-the-password") {
		t.Errorf("error %q shows the password", err)
	}
	if d := time.Since(begin); d > 5*time.Second {
		t.Errorf("Open took %v to fail", d)
	}
}

func TestOpenUnreachable(t *testing.T) {
	t.Parallel()
	// A port nobody listens on: refused at once.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := l.Addr().(*net.TCPAddr).Port
	l.Close()
	// A port that accepts TCP but never speaks: only the connect timeout
	// (DefaultConnectTimeout, as the DSN sets none) ends the wait.
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { silent.Close() }) // the subtests run after this function returns
	go func() {
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	cases := []struct {
		name  string
		port  int
		limit time.Duration
	}{
		{"ClosedPort", closed, 3 * time.Second},
		{"SilentServer", silent.Addr().(*net.TCPAddr).Port, postgres.DefaultConnectTimeout + 3*time.Second},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dsn := "host=127.0.0.1 user=connectd dbname=connectd sslmode=disable port=" + itoa(tc.port)
			begin := time.Now()
			s, err := postgres.Open(context.Background(), dsn, connectd.SystemClock{}, nil)
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded")
			}
			if d := time.Since(begin); d > tc.limit {
				t.Errorf("Open took %v to fail, limit %v", d, tc.limit)
			}
			t.Logf("error: %v", err)
			if !strings.Contains(err.Error(), "unreachable") {
				t.Errorf("error %q does not say the database is unreachable", err)
			}
		})
	}
}

func itoa(n int) string {
	b := []byte{}
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

// wantUnavailable fails unless err is a *connectd.Error with EUNAVAILABLE.
func wantUnavailable(t *testing.T, what string, err error) {
	t.Helper()
	var de *connectd.Error
	if !errors.As(err, &de) || de.Code != connectd.EUNAVAILABLE || de.Message != "The database is unavailable." {
		t.Errorf("%s: error %v, want EUNAVAILABLE", what, err)
	}
}

// operations calls every kind of Store method once and returns their
// errors.
func operations(ctx context.Context, s *postgres.Store, n int) map[string]error {
	errs := map[string]error{}
	_, errs["FindInstance"] = service(s).FindInstance(ctx, owner, "inst-1")
	_, errs["ListInstances"] = service(s).ListInstances(ctx, owner, "", 10)
	_, errs["FindContact"] = service(s).FindContact(ctx, owner, "inst-1", "c-1")
	_, errs["GetAttributes"] = service(s).GetAttributes(ctx, owner, "inst-1", "c-1")
	errs["UpdateAttributes"] = service(s).UpdateAttributes(ctx, owner, "inst-1", "c-1", connectd.Attributes{"n": itoa(n + 1)})
	_, errs["CreateContact"] = service(s).CreateContact(ctx, owner, &connectd.Contact{InstanceID: "inst-1", ID: "x-" + itoa(n+1),
		Channel: connectd.ChannelTask, InitiationMethod: connectd.InitiationAPI})
	_, errs["PurgeExpired"] = service(s).PurgeExpired(ctx, 10)
	errs["Ping"] = s.Ping(ctx)
	return errs
}

// TestTerminatedConnections ends every connection of the store's database
// on the server side (as a failover or an administrator would): the store
// must answer every call with success or EUNAVAILABLE, never anything
// else, and work normally afterwards.
func TestTerminatedConnections(t *testing.T) {
	t.Parallel()
	dsn := pgtest.DSN(t)
	s := open(t, dsn, connectd.SystemClock{})
	seed(t, s)
	admin, err := pgx.Connect(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(context.Background())
	for round := range 5 {
		// Fill the pool with idle connections, then kill them all.
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() { service(s).FindContact(t.Context(), owner, "inst-1", "c-1") })
		}
		wg.Wait()
		_, err := admin.Exec(t.Context(), `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
			WHERE datname = current_database() AND pid <> pg_backend_pid()`)
		if err != nil {
			t.Fatal(err)
		}
		for op, err := range operations(t.Context(), s, round) {
			if err != nil {
				wantUnavailable(t, op, err)
			}
		}
	}
	for op, err := range operations(t.Context(), s, 100) {
		if err != nil {
			t.Errorf("%s after the connections were restored: %v", op, err)
		}
	}
}

// TestServerDownAndBack stops the server under a store: every call fails
// quickly with EUNAVAILABLE, and once the server is back the store works
// again without being reopened.
func TestServerDownAndBack(t *testing.T) {
	t.Parallel()
	cluster := pgtest.NewCluster(t)
	s := open(t, cluster.DSN(), connectd.SystemClock{})
	seed(t, s)
	if err := cluster.Stop(); err != nil {
		t.Fatal(err)
	}
	begin := time.Now()
	for op, err := range operations(t.Context(), s, 0) {
		wantUnavailable(t, op, err)
	}
	if d := time.Since(begin); d > 10*time.Second {
		t.Errorf("failing calls took %v", d)
	}
	if err := cluster.Start(); err != nil {
		t.Fatal(err)
	}
	for op, err := range operations(t.Context(), s, 1) {
		if err != nil {
			t.Errorf("%s after the server came back: %v", op, err)
		}
	}
	got, err := service(s).GetAttributes(t.Context(), owner, "inst-1", "c-1")
	if err != nil || got["a"] != "1" || got["n"] != "2" {
		t.Fatalf("attributes after the restart = %v, %v", got, err)
	}
}

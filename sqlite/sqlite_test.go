package sqlite

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/internal/migrations"
	"github.com/connectd/connectd/storetest"
)

func openDir(t *testing.T, dir string, clock connectd.Clock) *Store {
	t.Helper()
	s, err := Open(t.Context(), dir, clock, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestStore runs the Service's suite, TestPort the port-level one, over a
// store on disk and one in memory.
func TestStore(t *testing.T) { eachMode(t, storetest.RunStoreTests) }

func TestPort(t *testing.T) { eachMode(t, storetest.RunPortTests) }

func eachMode(t *testing.T, run func(*testing.T, func(*testing.T, connectd.Clock) connectd.Port)) {
	for _, mode := range []string{"Directory", "Memory"} {
		t.Run(mode, func(t *testing.T) {
			run(t, func(t *testing.T, clock connectd.Clock) connectd.Port {
				path := MemoryPath
				if mode == "Directory" {
					path = t.TempDir()
				}
				s := openDir(t, path, clock)
				t.Cleanup(func() { s.Close() })
				// Runs before Close: whatever the test did through the
				// Service, the row cache still holds what SQLite does, so
				// no caller changed a map the cache shares (cache.go).
				t.Cleanup(func() { checkCache(t, s) })
				t.Cleanup(func() { checkCounts(t, s) }) // migration 0014's counters agree with the members
				return s
			})
		})
	}
}

// service returns the Service over s, for tests of the store's own
// behaviour through the use cases.
func service(s *Store) *connectd.Service { return connectd.NewService(s, s.clock) }

var owner = storetest.SeedOwner()

// seed is storetest.Seed over s.
func seed(t *testing.T, s *Store) { storetest.Seed(t, service(s)) }

func TestReopenKeepsDataAndMigrations(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data dir?#") // created by Open; odd characters on purpose
	clock := connectd.NewManualClock(time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC))
	s := openDir(t, dir, clock)
	seed(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	for range 2 {
		s = openDir(t, dir, clock)
		got, err := service(s).FindContact(t.Context(), owner, "inst-1", "c-1")
		if err != nil {
			t.Fatal(err)
		}
		if got.Attributes["a"] != "1" || got.Attributes["b"] != "2" || len(got.Attributes) != 2 {
			t.Fatalf("attributes after reopen = %v", got.Attributes)
		}
		if loc := got.InitiationTimestamp.Location(); loc != time.UTC {
			t.Errorf("InitiationTimestamp location = %v, want UTC", loc)
		}
		ms, err := migrations.Load(migrationFiles, "migrations")
		if err != nil {
			t.Fatal(err)
		}
		var n int
		if err := s.read.QueryRowContext(t.Context(), "SELECT count(*) FROM schema_migrations").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != len(ms) {
			t.Fatalf("schema_migrations has %d rows, want %d", n, len(ms))
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestMemoryStoresAreSeparate(t *testing.T) {
	clock := connectd.NewManualClock(time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC))
	a, b := openDir(t, MemoryPath, clock), openDir(t, MemoryPath, clock)
	defer a.Close()
	defer b.Close()
	seed(t, a)
	if _, err := service(b).FindInstance(t.Context(), owner, "inst-1"); connectd.ErrorCode(err) != connectd.ENOTFOUND {
		t.Fatalf("second in-memory store sees the first's data: %v", err)
	}
	if err := a.Ping(t.Context()); err != nil {
		t.Fatal(err)
	}
}

func TestPragmas(t *testing.T) {
	s := openDir(t, t.TempDir(), connectd.SystemClock{})
	defer s.Close()
	if err := s.Ping(t.Context()); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"journal_mode": "wal", "synchronous": "2", "foreign_keys": "1", "busy_timeout": "10000"}
	for pool, q := range map[string]querier{"writer": s.writer, "read": s.read} {
		for p, v := range want {
			var got string
			if err := q.QueryRowContext(t.Context(), "PRAGMA "+p).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != v {
				t.Errorf("%s pool: PRAGMA %s = %s, want %s", pool, p, got, v)
			}
		}
	}
	if _, err := s.read.ExecContext(t.Context(), "DELETE FROM contacts"); err == nil {
		t.Error("the read pool accepted a write")
	}
}

// TestQueryPlansUseIndexes proves that no operation scans the contacts (or
// instances) table: every step of every plan must be a SEARCH.
func TestQueryPlansUseIndexes(t *testing.T) {
	s := openDir(t, t.TempDir(), connectd.SystemClock{})
	defer s.Close()
	queries := map[string]struct {
		sql  string
		args []any
	}{
		"row":                  {queryRow, []any{"i", "c"}},
		"contact by token":     {queryContactByToken, []any{"i", "t"}},
		"contact by id":        {queryContactRow, []any{"i", "c"}},
		"count transfers":      {queryCountTransfers, []any{"i", "c", 0}},
		"update names":         {updateNames, []any{nil, nil, 0, "i", "c"}},
		"count previous":       {queryCountPrevious, []any{"i", "p", 0}},
		"update chain map":     {updateChainMap, []any{"{}", 0, "i", "c"}},
		"stop":                 {updateStop, []any{0, 0, "i", "c"}},
		"delete contact":       {deleteContact, []any{"i", "c"}},
		"purge":                {purgeExpired, []any{0, 10}},
		"instance":             {queryInstance, []any{"i", "a", "r"}},
		"instance exists":      {queryInstanceExists, []any{"i", "a", "r"}},
		"instance alias":       {queryInstanceAlias, []any{"a", "r", "x"}},
		"list instances":       {queryListInstances, []any{"a", "r", "", 10}},
		"delete instance":      {deleteInstance, []any{"i", "a", "r"}},
		"delete its contacts":  {deleteInstanceContacts, []any{"i"}},
		"instance id conflict": {queryInstanceByID, []any{"i"}},
	}
	for name, q := range queries {
		plan := queryPlan(t, s.writer, q.sql, q.args...)
		for _, step := range plan {
			if strings.HasPrefix(step, "SCAN") {
				t.Errorf("%s: plan scans a table:\n  %s", name, strings.Join(plan, "\n  "))
				break
			}
		}
	}
}

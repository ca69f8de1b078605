package sqlite

import (
	"database/sql"
	"maps"
	"path/filepath"
	"testing"
	"time"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/internal/migrations"
)

// dbBefore creates, in dir, the database as the migrations before version
// left it, and returns it open with an exec that fails t on an error.
func dbBefore(t *testing.T, dir string, version int) (*sql.DB, func(q string, args ...any)) {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	ms, err := migrations.Load(migrationFiles, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.Exec(q, args...); err != nil {
			t.Fatalf("%.60s: %v", q, err)
		}
	}
	exec(`CREATE TABLE schema_migrations (version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied_ms INTEGER NOT NULL)`)
	for _, m := range ms {
		if m.Version >= version {
			break
		}
		exec(m.SQL)
		exec(`INSERT INTO schema_migrations VALUES (?, ?, 0)`, m.Version, m.Name)
	}
	return db, exec
}

// TestMigrationKeepsConfiguredKeys builds a database as connectd left it
// before migration 0010 (every pair of every map indexed), then opens it:
// the rows of an instance's configured searchable keys stay, ready; every
// other row goes; searches on the dropped keys still find their contacts.
func TestMigrationKeepsConfiguredKeys(t *testing.T) {
	dir := t.TempDir()
	db, exec := dbBefore(t, dir, 10)
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	for _, inst := range []struct{ id, keys string }{{"inst-keys", `["tier"]`}, {"inst-all", ""}} {
		exec(`INSERT INTO instances (id, account, region, status, created_ms, searchable_keys) VALUES (?, ?, ?, 'ACTIVE', 0, ?)`,
			inst.id, owner.AccountID, owner.Region, sql.NullString{String: inst.keys, Valid: inst.keys != ""})
		exec(`INSERT INTO contacts (instance_id, id, initial_contact_id, channel, initiation_method, initiated_ms, updated_ms, attributes)
			VALUES (?, 'c-1', 'c-1', 'TASK', 'API', ?, ?, '{"tier":"gold","lang":"en"}')`, inst.id, now.UnixMilli(), now.UnixMilli())
		// A chain member, which migration 0012 gives the chain's rows.
		exec(`INSERT INTO contacts (instance_id, id, initial_contact_id, previous_contact_id, channel, initiation_method, initiated_ms, updated_ms)
			VALUES (?, 'c-2', 'c-1', 'c-1', 'TASK', 'TRANSFER', ?, ?)`, inst.id, now.UnixMilli()-1, now.UnixMilli()-1)
	}
	var before int
	if err := db.QueryRow(`SELECT count(*) FROM contact_attribute_index`).Scan(&before); err != nil || before != 4 {
		t.Fatalf("before 0010 the index holds %d rows (%v), want 4", before, err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	s, err := Open(t.Context(), dir, connectd.NewManualClock(now), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	for inst, want := range map[string]map[string]int{"inst-keys": {"tier": 1}, "inst-all": {}} {
		got, err := s.IndexedPairs(t.Context(), inst)
		if err != nil {
			t.Fatal(err)
		}
		if !maps.Equal(got, want) {
			t.Errorf("%s after 0010: %v pairs, want %v", inst, got, want)
		}
	}
	err = s.View(t.Context(), "test", func(tx connectd.Tx) error {
		ks, err := tx.IndexedKeys(t.Context(), "inst-keys", []string{"tier", "lang"})
		if err == nil && (len(ks) != 1 || ks[0].Key != "tier" || !ks[0].Ready) {
			t.Errorf("inst-keys' indexed keys after 0010: %+v, want tier, ready", ks)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	q := &connectd.SearchQuery{InstanceID: "inst-all", TimeRange: connectd.TimeInitiation, Start: now.Add(-time.Hour), End: now,
		Attributes: &connectd.AttributeCriteria{Match: connectd.MatchAll, Criteria: []connectd.AttributeCriterion{{Key: "lang", Values: []string{"en"}}}}}
	page, err := service(s).SearchContacts(t.Context(), owner, q)
	if err != nil || len(page.Contacts) != 2 || page.TotalCount != 2 {
		t.Fatalf("a dropped key's search after 0010: %+v, %v", page, err)
	}
	// A kept key's search reads the per-member rows of 0012.
	q.InstanceID, q.Attributes.Criteria[0] = "inst-keys", connectd.AttributeCriterion{Key: "tier", Values: []string{"gold"}, Indexed: true}
	page, err = service(s).SearchContacts(t.Context(), owner, q)
	if err != nil || len(page.Contacts) != 2 || page.TotalCount != 2 {
		t.Fatalf("a kept key's search after 0012: %+v, %v", page, err)
	}
}

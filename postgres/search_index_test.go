package postgres

import (
	"context"
	"maps"
	"testing"
	"time"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/internal/migrations"
	"github.com/connectd/connectd/internal/pgtest"
	"github.com/jackc/pgx/v5"
)

// TestMigrationKeepsConfiguredKeys builds a database as connectd left it
// before migration 0011 (every pair of every map indexed), then opens it:
// the rows of an instance's configured searchable keys stay, ready; every
// other row goes; a search on a dropped key still finds its contact.
func TestMigrationKeepsConfiguredKeys(t *testing.T) {
	t.Parallel()
	dsn, conn, exec := schemaBefore(t, 11)
	ctx := t.Context()
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	owner := connectd.Owner{AccountID: "111122223333", Region: "us-east-1"}
	for _, inst := range []struct{ id, keys string }{{"inst-keys", `["tier"]`}, {"inst-all", ""}} {
		var keys any
		if inst.keys != "" {
			keys = inst.keys
		}
		exec(`INSERT INTO instances (id, account, region, status, created_at, searchable_keys) VALUES ($1, $2, $3, 'ACTIVE', now(), $4::jsonb)`,
			inst.id, owner.AccountID, owner.Region, keys)
		exec(`INSERT INTO contacts (instance_id, id, initial_contact_id, channel, initiation_method, initiated_at, updated_at, attributes)
			VALUES ($1, 'c-1', 'c-1', 'TASK', 'API', $2, $2, '{"tier":"gold","lang":"en"}')`, inst.id, now)
	}
	var before int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM contact_attribute_index`).Scan(&before); err != nil || before != 4 {
		t.Fatalf("before 0011 the index holds %d rows (%v), want 4", before, err)
	}

	s, err := Open(ctx, dsn, connectd.NewManualClock(now), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	for inst, want := range map[string]map[string]int{"inst-keys": {"tier": 1}, "inst-all": {}} {
		got, err := s.IndexedPairs(ctx, inst)
		if err != nil {
			t.Fatal(err)
		}
		if !maps.Equal(got, want) {
			t.Errorf("%s after 0011: %v pairs, want %v", inst, got, want)
		}
	}
	err = s.View(ctx, "test", func(tx connectd.Tx) error {
		ks, err := tx.IndexedKeys(ctx, "inst-keys", []string{"tier", "lang"})
		if err == nil && (len(ks) != 1 || ks[0].Key != "tier" || !ks[0].Ready) {
			t.Errorf("inst-keys' indexed keys after 0011: %+v, want tier, ready", ks)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	q := &connectd.SearchQuery{InstanceID: "inst-all", TimeRange: connectd.TimeInitiation, Start: now.Add(-time.Hour), End: now,
		Attributes: &connectd.AttributeCriteria{Match: connectd.MatchAll, Criteria: []connectd.AttributeCriterion{{Key: "lang", Values: []string{"en"}}}}}
	page, err := connectd.NewService(s, connectd.NewManualClock(now)).SearchContacts(ctx, owner, q)
	if err != nil || len(page.Contacts) != 1 || page.TotalCount != 1 {
		t.Fatalf("a dropped key's search after 0011: %+v, %v", page, err)
	}
}

// adminConn is a connection of its own to dsn, closed when t ends, and a
// function that runs a statement on it or fails t.
func adminConn(t *testing.T, dsn string) (conn *pgx.Conn, exec func(q string, args ...any)) {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn, func(q string, args ...any) {
		t.Helper()
		if _, err := conn.Exec(t.Context(), q, args...); err != nil {
			t.Fatalf("%.60s: %v", q, err)
		}
	}
}

// schemaBefore returns a database migrated up to, not including, version
// (as an older connectd left it), a connection to it, and a function that
// runs a statement on it or fails t.
func schemaBefore(t *testing.T, version int) (dsn string, conn *pgx.Conn, exec func(q string, args ...any)) {
	t.Helper()
	dsn = pgtest.DSN(t)
	conn, exec = adminConn(t, dsn)
	ms, err := migrations.Load(migrationFiles, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	exec(`CREATE TABLE schema_migrations (version integer NOT NULL PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)`)
	for _, m := range ms {
		if m.Version >= version {
			break
		}
		exec(m.SQL)
		exec(`INSERT INTO schema_migrations VALUES ($1, $2, now())`, m.Version, m.Name)
	}
	return dsn, conn, exec
}

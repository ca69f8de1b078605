package postgres

import (
	"maps"
	"testing"
	"time"

	"github.com/connectd/connectd"
)

// TestMigrationIndexesMembers builds a database as connectd left it before
// migration 0012 (one index row per chain and registered key), then opens
// it: every member of each chain gets the chain's rows, a key still being
// backfilled starts over, and a search over an initiation range, now read
// from the members' rows, finds the chains' members. Deleting a chain and
// its member in one statement (row triggers run after it) leaves no row.
func TestMigrationIndexesMembers(t *testing.T) {
	t.Parallel()
	dsn, conn, exec := schemaBefore(t, 12)
	ctx := t.Context()
	count := func(q string, args ...any) (n int) {
		t.Helper()
		if err := conn.QueryRow(ctx, q, args...).Scan(&n); err != nil {
			t.Fatalf("%.60s: %v", q, err)
		}
		return n
	}
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	owner := connectd.Owner{AccountID: "111122223333", Region: "us-east-1"}
	exec(`INSERT INTO instances (id, account, region, status, created_at) VALUES ('inst', $1, $2, 'ACTIVE', now())`, owner.AccountID, owner.Region)
	exec(`INSERT INTO contact_attribute_keys (instance_id, name, ready, backfill_after) VALUES ('inst', 'tier', true, ''), ('inst', 'lang', false, 'c-3')`)
	exec(`INSERT INTO contacts (instance_id, id, initial_contact_id, previous_contact_id, channel, initiation_method, initiated_at, updated_at, attributes) VALUES
		('inst', 'c-1', 'c-1', NULL, 'TASK', 'API', $1, $1, '{"tier":"gold","lang":"en"}'),
		('inst', 'c-2', 'c-1', 'c-1', 'TASK', 'API', $2, $2, NULL),
		('inst', 'c-3', 'c-3', NULL, 'TASK', 'API', $1, $1, '{"tier":"silver"}')`, now.Add(-time.Hour), now.Add(-time.Minute))
	if n := count(`SELECT count(*) FROM contact_attribute_index`); n != 3 {
		t.Fatalf("before 0012 the chain index holds %d rows, want 3", n)
	}

	s, err := Open(ctx, dsn, connectd.NewManualClock(now), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	got, err := s.IndexedPairs(ctx, "inst")
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]int{"tier": 2, "lang": 1}; !maps.Equal(got, want) {
		t.Errorf("chains' pairs after 0012: %v, want %v", got, want)
	}
	if n := count(`SELECT count(*) FROM contact_attribute_members WHERE contact_id = 'c-2' AND chain_at = $1`, now.Add(-time.Hour)); n != 2 {
		t.Errorf("the member c-2 has %d rows of its chain, want 2 (tier, lang)", n)
	}
	if n := count(`SELECT count(*) FROM contact_attribute_keys WHERE name = 'lang' AND NOT ready AND backfill_after = ''`); n != 1 {
		t.Errorf("the pending key lang did not start its backfill over")
	}
	q := &connectd.SearchQuery{InstanceID: "inst", TimeRange: connectd.TimeInitiation, Start: now.Add(-2 * time.Hour), End: now,
		Sort: connectd.SortInitiation, Attributes: &connectd.AttributeCriteria{Match: connectd.MatchAll,
			Criteria: []connectd.AttributeCriterion{{Key: "tier", Values: []string{"gold"}}}}}
	page, err := connectd.NewService(s, connectd.NewManualClock(now)).SearchContacts(ctx, owner, q)
	if err != nil {
		t.Fatal(err)
	}
	if page.TotalCount != 2 || len(page.Contacts) != 2 || page.Contacts[0].ID != "c-1" || page.Contacts[1].ID != "c-2" {
		t.Errorf("tier=gold after 0012: %d in all, %v", page.TotalCount, page.Contacts)
	}

	exec(`DELETE FROM contacts WHERE instance_id = 'inst' AND id IN ('c-2', 'c-1')`)
	if n := count(`SELECT count(*) FROM contact_attribute_members WHERE contact_id IN ('c-1', 'c-2')`); n != 0 {
		t.Errorf("a chain and its member deleted in one statement left %d rows", n)
	}
	if n := count(`SELECT count(*) FROM contact_attribute_members WHERE contact_id = 'c-3'`); n != 1 {
		t.Errorf("another chain's rows: %d, want 1", n)
	}
}

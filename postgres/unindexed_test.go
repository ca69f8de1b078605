package postgres

import (
	"testing"
	"time"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/internal/pgtest"
)

// TestUnindexedUpdate: an attribute update of an instance without search
// keys skips the members trigger for the row it locked (lockedDetails,
// migration 0013), and only for that row, and a key registered while the
// unit holds the lock still ends up indexed with the map the unit commits.
func TestUnindexedUpdate(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	dsn := pgtest.DSN(t)
	s, err := Open(ctx, dsn, connectd.SystemClock{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	admin, exec := adminConn(t, dsn)
	// members is the value the search index holds for the contact's key
	// tier, "" for none.
	members := func(inst, id string) (v string) {
		t.Helper()
		err := admin.QueryRow(ctx, `SELECT coalesce(max(value), '') FROM contact_attribute_members
			WHERE instance_id = $1 AND contact_id = $2 AND name = 'tier'`, inst, id).Scan(&v)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	svc := connectd.NewService(s, connectd.SystemClock{})
	owner := connectd.Owner{AccountID: "111122223333", Region: "us-east-1"}
	newInstance := func(id string, contacts ...string) {
		t.Helper()
		if err := svc.CreateInstance(ctx, &connectd.Instance{ID: id, Owner: owner, IdentityManagementType: connectd.IdentityConnectManaged}); err != nil {
			t.Fatal(err)
		}
		for _, c := range contacts {
			_, err := svc.CreateContact(ctx, owner, &connectd.Contact{InstanceID: id, ID: c, Channel: connectd.ChannelTask,
				InitiationMethod: connectd.InitiationAPI, Attributes: connectd.Attributes{"tier": "old"}})
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	// update locks locked, then runs between (another session's work), then
	// sets the map of written to tier=new, in one unit.
	update := func(inst, locked, written string, between func()) {
		t.Helper()
		err := s.Update(ctx, "test", func(tx connectd.Tx) error {
			if _, err := tx.LockContact(ctx, owner, inst, locked); err != nil {
				return err
			}
			between()
			return tx.SetChainMap(ctx, inst, written, connectd.Attributes{"tier": "new"}, time.Now())
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// registerReady registers tier as ready without a backfill, which only
	// the trigger's skip can leave unindexed: it shows whether it fired.
	registerReady := func(inst string) func() {
		return func() {
			exec(`INSERT INTO contact_attribute_keys (instance_id, name, ready) VALUES ($1, 'tier', true)`, inst)
		}
	}

	t.Run("the locked row skips the trigger", func(t *testing.T) {
		newInstance("inst-skip", "c-1")
		update("inst-skip", "c-1", "c-1", registerReady("inst-skip"))
		if v := members("inst-skip", "c-1"); v != "" {
			t.Errorf("the locked row of an instance without keys was indexed (%q): the trigger ran", v)
		}
	})
	t.Run("another row fires it", func(t *testing.T) {
		newInstance("inst-other", "c-1", "c-2")
		update("inst-other", "c-1", "c-2", registerReady("inst-other"))
		if v := members("inst-other", "c-2"); v != "new" {
			t.Errorf("a row the unit did not lock: index %q, want new", v)
		}
	})
	t.Run("a missed lock fires it", func(t *testing.T) {
		newInstance("inst-expired")
		// A contact past retention: LockContact does not find (or lock) it.
		exec(`INSERT INTO contacts (instance_id, id, initial_contact_id, channel, initiation_method, initiated_at, updated_at, attributes)
			VALUES ('inst-expired', 'c-1', 'c-1', 'TASK', 'API', $1, $1, '{"tier":"old"}')`, connectd.RetentionCutoff(time.Now()).Add(-time.Hour))
		update("inst-expired", "c-1", "c-1", registerReady("inst-expired"))
		if v := members("inst-expired", "c-1"); v != "new" {
			t.Errorf("a row LockContact did not lock: index %q, want new", v)
		}
	})
	t.Run("a row deleted and inserted again fires it", func(t *testing.T) {
		// The unit locks c-1 (the skip names it), deletes it, inserts a
		// new c-1 (unlocked before the check) and updates its map: the
		// update must fire the trigger (forgetUnindexed's reset).
		newInstance("inst-again", "c-1")
		err := s.Update(ctx, "test", func(tx connectd.Tx) error {
			c, err := tx.LockContact(ctx, owner, "inst-again", "c-1")
			if err != nil {
				return err
			}
			registerReady("inst-again")()
			if err := tx.DeleteContact(ctx, "inst-again", "c-1"); err != nil {
				return err
			}
			if err := tx.InsertContact(ctx, c, connectd.Attributes{"tier": "old"}); err != nil {
				return err
			}
			return tx.SetChainMap(ctx, "inst-again", "c-1", connectd.Attributes{"tier": "new"}, time.Now())
		})
		if err != nil {
			t.Fatal(err)
		}
		if v := members("inst-again", "c-1"); v != "new" {
			t.Errorf("a row inserted after the delete: index %q, want new (the skip outlived the delete)", v)
		}
	})
	// A key registered while a unit holds the row lock: the registration
	// does not wait for a unit that has only locked rows; the backfill then
	// waits for the row lock, and must index the map the unit committed,
	// also when the old map lacked the key (review finding: the backfill's
	// filter saw the old map and skipped the row).
	for name, old := range map[string]connectd.Attributes{
		"a key registered under the lock is backfilled":       {"tier": "old"},
		"a key registered under the lock, old map without it": {"other": "x"},
	} {
		t.Run(name, func(t *testing.T) {
			inst := "inst-race-" + old.Keys()[0]
			if err := svc.CreateInstance(ctx, &connectd.Instance{ID: inst, Owner: owner, IdentityManagementType: connectd.IdentityConnectManaged}); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.CreateContact(ctx, owner, &connectd.Contact{InstanceID: inst, ID: "c-1", Channel: connectd.ChannelTask,
				InitiationMethod: connectd.InitiationAPI, Attributes: old}); err != nil {
				t.Fatal(err)
			}
			backfilled := make(chan error, 1)
			update(inst, "c-1", "c-1", func() {
				if err := svc.SetSearchableKeys(ctx, inst, []string{"tier"}); err != nil {
					t.Fatal(err)
				}
				go func() { _, err := svc.BackfillSearchIndex(ctx); backfilled <- err }()
				for deadline := time.Now().Add(10 * time.Second); ; {
					var waiting int
					if err := admin.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
						WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&waiting); err != nil {
						t.Fatal(err)
					}
					if waiting > 0 {
						return
					}
					if time.Now().After(deadline) {
						t.Fatal("the backfill did not wait for the unit's row lock")
					}
					time.Sleep(10 * time.Millisecond)
				}
			})
			if err := <-backfilled; err != nil {
				t.Fatal(err)
			}
			if v := members(inst, "c-1"); v != "new" {
				t.Errorf("after the backfill the index holds %q, want the committed new", v)
			}
			page, err := svc.SearchContacts(ctx, owner, &connectd.SearchQuery{InstanceID: inst, TimeRange: connectd.TimeInitiation,
				Start: time.Now().Add(-time.Hour), End: time.Now().Add(time.Hour),
				Attributes: &connectd.AttributeCriteria{Criteria: []connectd.AttributeCriterion{{Key: "tier", Values: []string{"new"}}}}})
			if err != nil {
				t.Fatal(err)
			}
			if len(page.Contacts) != 1 {
				t.Errorf("SearchContacts tier=new after the acknowledged update: %d contacts, want 1", len(page.Contacts))
			}
		})
	}
}

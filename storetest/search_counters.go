package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/connectd/connectd"
)

// CounterWrites runs, through svc, each kind of write that changes the
// search index's member rows, which both stores' attribute counters
// (TotalCount's sums) must follow: contacts with indexed and other keys,
// members joining chains, updates that change a value, keep it or change
// another key, a key registered late and backfilled, an instance's
// deletion and import, expiry (a chain's first contacts past retention
// while a later member lives, then the rest) and the control plane's
// reset. After each it calls check, naming the write; counters, after the
// deletion, the import and the last expiry, must say how many counter
// rows the store holds (none, some, none). clock must be the store's, set
// to start.
func CounterWrites(t *testing.T, svc *connectd.Service, clock *connectd.ManualClock, start time.Time,
	check func(t *testing.T, after string), counters func(t *testing.T) int) {
	t.Helper()
	ctx := context.Background()
	owner := SeedOwner()
	step := func(name string, f func() error) {
		t.Helper()
		if err := f(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		check(t, name)
		if t.Failed() {
			t.Fatalf("counters wrong after %s", name)
		}
	}
	contact := func(inst, id, previous string, attrs connectd.Attributes) {
		t.Helper()
		step("start "+id, func() error {
			_, err := svc.CreateContact(ctx, owner, &connectd.Contact{InstanceID: inst, ID: id, PreviousContactID: previous,
				Channel: connectd.ChannelTask, InitiationMethod: connectd.InitiationAPI, Attributes: attrs})
			return err
		})
		if err := clock.Advance(20 * time.Second); err != nil { // across minutes and an hour
			t.Fatal(err)
		}
	}
	step("create instance", func() error {
		return svc.CreateInstance(ctx, &connectd.Instance{ID: "i1", Owner: owner, Status: connectd.InstanceStatusActive,
			IdentityManagementType: connectd.IdentityConnectManaged})
	})
	step("configure keys", func() error { return svc.SetSearchableKeys(ctx, "i1", []string{"tier"}) })
	contact("i1", "a", "", connectd.Attributes{"tier": "gold", "other": "x"})
	contact("i1", "b", "", connectd.Attributes{"tier": "gold"})
	contact("i1", "c", "", connectd.Attributes{"tier": "silver"})
	contact("i1", "a2", "a", nil) // joins a's chain: its own member row
	contact("i1", "a3", "a2", nil)
	step("update a value", func() error {
		return svc.UpdateAttributes(ctx, owner, "i1", "a", connectd.Attributes{"tier": "silver"})
	})
	step("update to the same value", func() error {
		return svc.UpdateAttributes(ctx, owner, "i1", "b", connectd.Attributes{"tier": "gold"})
	})
	step("update another key", func() error {
		return svc.UpdateAttributes(ctx, owner, "i1", "c", connectd.Attributes{"other": "y"})
	})
	step("a key registered late, backfilled", func() error {
		if err := svc.SetSearchableKeys(ctx, "i1", []string{"tier", "other"}); err != nil {
			return err
		}
		_, err := svc.BackfillSearchIndex(ctx)
		return err
	})
	snap, err := svc.Export(ctx)
	if err != nil {
		t.Fatal(err)
	}
	step("delete instance", func() error { return svc.DeleteInstance(ctx, owner, "i1") })
	if n := counters(t); n != 0 {
		t.Fatalf("%d counter rows after the instance's deletion", n)
	}
	step("import", func() error { return svc.Import(ctx, snap) })
	if n := counters(t); n == 0 {
		t.Fatal("no counter rows after the import")
	}
	// Expiry: the first contacts pass the retention cutoff while a later
	// member of a's chain is still live; the purge deletes them.
	if err := clock.Set(start.AddDate(0, connectd.RetentionMonths, 0).Add(70 * time.Second)); err != nil {
		t.Fatal(err)
	}
	step("purge expired", func() error { _, err := svc.PurgeExpired(ctx, 100); return err })
	step("purge the rest", func() error {
		if err := clock.Advance(time.Hour); err != nil {
			return err
		}
		_, err := svc.PurgeExpired(ctx, 100)
		return err
	})
	if n := counters(t); n != 0 {
		t.Fatalf("%d counter rows after every contact expired", n)
	}
	step("reset", func() error { return svc.Reset(ctx) })
}

package postgres_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/internal/pgtest"
	"github.com/connectd/connectd/postgres"
	"github.com/connectd/connectd/storetest"
)

// TestConcurrentImportsOfTheSameContacts: two imports (as from two
// replicas) of the same new contact ids in opposite orders wait on each
// other's unique keys until PostgreSQL breaks the deadlock (40P01). The
// loser is retried from the start (port.go) and then finds the ids taken:
// exactly one import lands, the other is EINVALID naming a contact, and
// neither is an internal error or a hang.
func TestConcurrentImportsOfTheSameContacts(t *testing.T) {
	ctx, clock, s := raceStore(t, true)
	for round := range 2 {
		ids := []string{fmt.Sprintf("race-%d-a", round), fmt.Sprintf("race-%d-b", round)}
		snapshot := func(order ...int) *connectd.Snapshot {
			snap := &connectd.Snapshot{}
			for _, i := range order {
				snap.Contacts = append(snap.Contacts, &connectd.Contact{InstanceID: "inst-1", ID: ids[i],
					Channel: connectd.ChannelTask, InitiationMethod: connectd.InitiationAPI, InitiationTimestamp: clock.Now()})
			}
			return snap
		}
		errs := importAtOnce(ctx, s, clock, snapshot(0, 1), snapshot(1, 0))
		t.Logf("round %d: %v", round, errs)
		if landed := storetest.Succeeded(t, fmt.Sprintf("round %d, import", round), errs, connectd.EINVALID); landed != 1 {
			t.Errorf("round %d: %d imports landed (%v), want exactly 1", round, landed, errs)
		}
		for _, id := range ids {
			if _, err := connectd.NewService(s, clock).FindContact(ctx, owner, "inst-1", id); err != nil {
				t.Errorf("round %d: contact %s of the import that landed: %v", round, id, err)
			}
		}
	}
}

// TestConcurrentImportsRegisteringKeys: imports at once of instances with
// searchable keys (whose registration and index triggers touch shared
// tables) all land, however PostgreSQL orders their locks: a deadlock is
// retried, never an error.
func TestConcurrentImportsRegisteringKeys(t *testing.T) {
	ctx, clock, s := raceStore(t, false)
	snaps := make([]*connectd.Snapshot, 4)
	for i := range snaps {
		inst := fmt.Sprintf("keys-%d", i)
		snap := &connectd.Snapshot{
			Instances:      []*connectd.Instance{{ID: inst, Alias: inst, Owner: owner, IdentityManagementType: "CONNECT_MANAGED"}},
			SearchableKeys: map[string][]string{inst: {"a", "b", "c"}},
		}
		for j := range 20 {
			snap.Contacts = append(snap.Contacts, &connectd.Contact{InstanceID: inst, ID: fmt.Sprintf("%s-c%d", inst, j),
				Channel: connectd.ChannelTask, InitiationMethod: connectd.InitiationAPI, InitiationTimestamp: clock.Now(),
				Attributes: connectd.Attributes{"a": "x", "b": fmt.Sprint(j), "c": "z"}})
		}
		snaps[i] = snap
	}
	for i, err := range importAtOnce(ctx, s, clock, snaps...) {
		if err != nil {
			t.Errorf("import %d: %v", i, err)
		}
	}
}

// TestConcurrentImportsOfTheSameFlow: two imports at once of one new flow
// id (different descriptions) into an existing instance: one lands, the
// other is EINVALID, and the stored flow is the winner's, not replaced
// by the loser's write.
func TestConcurrentImportsOfTheSameFlow(t *testing.T) {
	ctx, clock, s := raceStore(t, true)
	const content = `{"Version":"2019-10-30","StartAction":"e","Actions":[{"Identifier":"e","Type":"EndFlowExecution"}]}`
	snaps := make([]*connectd.Snapshot, 2)
	for i := range snaps {
		snap := &connectd.Snapshot{Flows: []*connectd.Flow{{InstanceID: "inst-1", ID: "flow-race", Name: "race",
			Type: "CONTACT_FLOW", Content: content, Description: fmt.Sprint("import ", i)}}}
		// Contacts before the flow (Import writes flows last), so that
		// both imports are under way when they reach it.
		for j := range 200 {
			snap.Contacts = append(snap.Contacts, &connectd.Contact{InstanceID: "inst-1", ID: fmt.Sprintf("flow-race-%d-%d", i, j),
				Channel: connectd.ChannelTask, InitiationMethod: connectd.InitiationAPI, InitiationTimestamp: clock.Now()})
		}
		snaps[i] = snap
	}
	errs := importAtOnce(ctx, s, clock, snaps...)
	if storetest.Succeeded(t, "import", errs, connectd.EINVALID) != 1 {
		t.Fatalf("want exactly one import to land: %v", errs)
	}
	winner := 0
	if errs[0] != nil {
		winner = 1
	}
	f, err := connectd.NewService(s, clock).DescribeFlow(ctx, owner, "inst-1", "flow-race")
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprint("import ", winner); f.Description != want {
		t.Errorf("stored flow says %q, want the winner's %q", f.Description, want)
	}
}

// TestConcurrentImportsOfFlowsOfTwoInstances: two imports at once of new
// flows of two instances, in opposite instance orders, take the two
// instances' flow locks in opposite orders. PostgreSQL breaks the deadlock
// and the loser is retried: both land (review finding: the loser was a
// 400 "An internal error occurred.").
func TestConcurrentImportsOfFlowsOfTwoInstances(t *testing.T) {
	ctx, clock, s := raceStore(t, true)
	if err := connectd.NewService(s, clock).Import(ctx, &connectd.Snapshot{Instances: []*connectd.Instance{
		{ID: "inst-2", Alias: "inst-2", Owner: owner, IdentityManagementType: "CONNECT_MANAGED"}}}); err != nil {
		t.Fatal(err)
	}
	const content = `{"Version":"2019-10-30","StartAction":"e","Actions":[{"Identifier":"e","Type":"EndFlowExecution"}]}`
	flows := func(imp int, insts ...string) []*connectd.Flow {
		var out []*connectd.Flow
		for _, inst := range insts {
			for j := range 30 {
				id := fmt.Sprintf("imp%d-%s-f%d", imp, inst, j)
				out = append(out, &connectd.Flow{InstanceID: inst, ID: id, Name: id, Type: "CONTACT_FLOW", Content: content})
			}
		}
		return out
	}
	snaps := []*connectd.Snapshot{{Flows: flows(0, "inst-1", "inst-2")}, {Flows: flows(1, "inst-2", "inst-1")}}
	for i, err := range importAtOnce(ctx, s, clock, snaps...) {
		if err != nil {
			t.Errorf("import %d: %v", i, err)
		}
	}
}

// raceStore is a parallel test's own store on a fresh database, seeded
// (storetest.Seed: instance inst-1 of owner) if seeded.
func raceStore(t *testing.T, seeded bool) (context.Context, *connectd.ManualClock, *postgres.Store) {
	t.Parallel()
	clock := connectd.NewManualClock(time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC))
	s := open(t, pgtest.DSN(t), clock)
	if seeded {
		seed(t, s)
	}
	return t.Context(), clock, s
}

// importAtOnce imports snaps into s at once (as from as many replicas)
// and returns each import's error.
func importAtOnce(ctx context.Context, s *postgres.Store, clock connectd.Clock, snaps ...*connectd.Snapshot) []error {
	errs := make([]error, len(snaps))
	storetest.Parallel(len(snaps), func(i int) { errs[i] = connectd.NewService(s, clock).Import(ctx, snaps[i]) })
	return errs
}

// Package storetest is the suite of the connectd.Service over every store:
// each store's tests run it over their connectd.Port (SQLite on disk and in
// memory, PostgreSQL), so the sqlite store, the postgres store and any
// future backend are held to exactly the same behaviour. RunPortTests adds
// the guarantees a store gives of its own (concurrency, atomicity).
package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/connectd/connectd"
)

// RunStoreTests runs the suite of the Service over a store. open must
// return a new, empty store that reads the time from clock, and must register the store's
// cleanup (Close, removing files) with t.Cleanup itself. Every subtest opens
// its own store and controls time through a *connectd.ManualClock, so the
// subtests run in parallel and never sleep.
func RunStoreTests(t *testing.T, open func(t *testing.T, clock connectd.Clock) connectd.Port) {
	groups := []struct {
		name  string
		tests []storeTest
	}{
		{"Instances", instanceTests},
		{"Contacts", contactTests},
		{"StopContact", stopTests},
		{"Attributes", attributeTests},
		{"Retention", retentionTests},
		{"Concurrency", concurrencyTests},
		{"Details", detailTests},
		{"Transfer", transferTests},
		{"Search", searchTests},
		{"Outbox", outboxTests},
		{"StorageConfigs", storageTests},
		{"ContactAPI", contactAPITests},
		{"Flows", flowTests},
		{"Queue", queueTests},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			for _, tc := range g.tests {
				t.Run(tc.name, func(t *testing.T) {
					t.Parallel()
					tc.run(t, newFixture(t, open))
				})
			}
		})
	}
}

// storeTest is one test of the suite, run against a fresh fixture.
type storeTest struct {
	name string
	run  func(t *testing.T, f *fixture)
}

// start is where every fixture's clock begins: a whole millisecond, so that
// retention boundaries are exact whatever precision a store keeps beyond it.
var start = time.Date(2025, time.March, 14, 15, 9, 26, 0, time.UTC)

// fixture is a fresh store, behind a Service, with one owner and one instance of that owner.
type fixture struct {
	t     *testing.T
	ctx   context.Context
	clock *connectd.ManualClock
	svc   *connectd.Service
	owner connectd.Owner
	inst  *connectd.Instance
	seq   int
	port  connectd.Port // the store behind svc
}

func newFixture(t *testing.T, open func(t *testing.T, clock connectd.Clock) connectd.Port) *fixture {
	clock := connectd.NewManualClock(start)
	port := open(t, clock)
	f := &fixture{
		t:     t,
		ctx:   t.Context(),
		clock: clock,
		svc:   connectd.NewService(port, clock),
		owner: connectd.Owner{AccountID: "111122223333", Region: "us-east-1"},
		port:  port,
	}
	f.inst = f.instance(f.owner, "inst-main", "main")
	return f
}

// instance creates an instance of owner, failing the test on error.
func (f *fixture) instance(owner connectd.Owner, id, alias string) *connectd.Instance {
	f.t.Helper()
	inst := newInstance(owner, id, alias)
	if err := f.svc.CreateInstance(f.ctx, inst); err != nil {
		f.t.Fatalf("CreateInstance(%s): %v", id, err)
	}
	return inst
}

func newInstance(owner connectd.Owner, id, alias string) *connectd.Instance {
	return &connectd.Instance{
		ID:                     id,
		Owner:                  owner,
		Alias:                  alias,
		IdentityManagementType: connectd.IdentityConnectManaged,
		InboundCallsEnabled:    true,
		Status:                 connectd.InstanceStatusActive,
		CreatedTime:            start,
	}
}

// newContact returns an unsaved contact of the fixture's instance with the
// next id; opts adjust it.
func (f *fixture) newContact(opts ...func(*connectd.Contact)) *connectd.Contact {
	f.seq++
	c := &connectd.Contact{
		InstanceID:       f.inst.ID,
		ID:               fmt.Sprintf("contact-%04d", f.seq),
		Channel:          connectd.ChannelTask,
		InitiationMethod: connectd.InitiationAPI,
	}
	for _, o := range opts {
		o(c)
	}
	return c
}

// contact creates a contact, failing the test on error.
func (f *fixture) contact(opts ...func(*connectd.Contact)) *connectd.Contact {
	f.t.Helper()
	c, err := f.svc.CreateContact(f.ctx, f.owner, f.newContact(opts...))
	if err != nil {
		f.t.Fatalf("CreateContact: %v", err)
	}
	return c
}

func withAttrs(a connectd.Attributes) func(*connectd.Contact) {
	return func(c *connectd.Contact) { c.Attributes = a }
}

func withPrevious(id string) func(*connectd.Contact) {
	return func(c *connectd.Contact) { c.PreviousContactID = id }
}

func withRelated(id string) func(*connectd.Contact) {
	return func(c *connectd.Contact) { c.RelatedContactID = id }
}

// find returns a contact of the fixture's instance, failing on error.
func (f *fixture) find(id string) *connectd.Contact {
	f.t.Helper()
	c, err := f.svc.FindContact(f.ctx, f.owner, f.inst.ID, id)
	if err != nil {
		f.t.Fatalf("FindContact(%s): %v", id, err)
	}
	return c
}

// attrs returns the chain map of an initial contact, failing on error.
func (f *fixture) attrs(id string) connectd.Attributes {
	f.t.Helper()
	a, err := f.svc.GetAttributes(f.ctx, f.owner, f.inst.ID, id)
	if err != nil {
		f.t.Fatalf("GetAttributes(%s): %v", id, err)
	}
	return a
}

// update merges u into an initial contact's chain map, failing on error.
func (f *fixture) update(id string, u connectd.Attributes) {
	f.t.Helper()
	if err := f.svc.UpdateAttributes(f.ctx, f.owner, f.inst.ID, id, u); err != nil {
		f.t.Fatalf("UpdateAttributes(%s, %v): %v", id, u, err)
	}
}

// wantCode fails unless err carries the domain error code want.
func wantCode(t *testing.T, err error, want string) {
	t.Helper()
	if got := connectd.ErrorCode(err); got != want {
		t.Fatalf("error code = %q, want %q (err: %v)", got, want, err)
	}
	if err != nil && connectd.ErrorMessage(err) == "" {
		t.Errorf("error %v has an empty message", err)
	}
}

// wantAttrs fails unless got and want hold the same pairs; nil and empty
// maps are the same.
func wantAttrs(t *testing.T, what string, got, want connectd.Attributes) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s = %v, want %v", what, got, want)
	}
	for k, v := range want {
		if g, ok := got[k]; !ok || g != v {
			t.Fatalf("%s = %v, want %v", what, got, want)
		}
	}
}

// wantNear fails unless got is want at millisecond precision.
func wantNear(t *testing.T, what string, got, want time.Time) {
	t.Helper()
	if d := got.Sub(want); d <= -time.Millisecond || d >= time.Millisecond || got.IsZero() != want.IsZero() {
		t.Fatalf("%s = %v, want %v (to the millisecond)", what, got, want)
	}
}

// wantSameContact fails unless got and want agree on every field.
func wantSameContact(t *testing.T, got, want *connectd.Contact) {
	t.Helper()
	type field struct {
		name      string
		got, want string
	}
	for _, fl := range []field{
		{"InstanceID", got.InstanceID, want.InstanceID},
		{"ID", got.ID, want.ID},
		{"InitialContactID", got.InitialContactID, want.InitialContactID},
		{"PreviousContactID", got.PreviousContactID, want.PreviousContactID},
		{"RelatedContactID", got.RelatedContactID, want.RelatedContactID},
		{"Channel", string(got.Channel), string(want.Channel)},
		{"InitiationMethod", string(got.InitiationMethod), string(want.InitiationMethod)},
		{"Name", got.Name, want.Name},
		{"Description", got.Description, want.Description},
		{"QueueID", got.QueueID, want.QueueID},
		{"ClientToken", got.ClientToken, want.ClientToken},
	} {
		if fl.got != fl.want {
			t.Errorf("%s = %q, want %q", fl.name, fl.got, fl.want)
		}
	}
	for _, tm := range []struct {
		name      string
		got, want time.Time
	}{
		{"InitiationTimestamp", got.InitiationTimestamp, want.InitiationTimestamp},
		{"ScheduledTimestamp", got.ScheduledTimestamp, want.ScheduledTimestamp},
		{"DisconnectTimestamp", got.DisconnectTimestamp, want.DisconnectTimestamp},
		{"LastUpdateTimestamp", got.LastUpdateTimestamp, want.LastUpdateTimestamp},
		{"EnqueueTimestamp", got.EnqueueTimestamp, want.EnqueueTimestamp},
	} {
		if !tm.got.Equal(tm.want) {
			t.Errorf("%s = %v, want %v", tm.name, tm.got, tm.want)
		}
	}
	wantAttrs(t, "Attributes", got.Attributes, want.Attributes)
}

// Seed gives a store's own tests (reopening, killing, failing over) data
// to look for: an instance "inst-1" (alias "one") of SeedOwner with one
// voice contact "c-1" whose map is {"a": "1", "b": "2"}, written by a
// create and an update.
func Seed(t testing.TB, svc *connectd.Service) {
	t.Helper()
	ctx := context.Background()
	inst := &connectd.Instance{ID: "inst-1", Owner: SeedOwner(), Alias: "one", IdentityManagementType: connectd.IdentityConnectManaged}
	if err := svc.CreateInstance(ctx, inst); err != nil {
		t.Fatal(err)
	}
	c := &connectd.Contact{InstanceID: "inst-1", ID: "c-1", Channel: connectd.ChannelVoice,
		InitiationMethod: connectd.InitiationInbound, Attributes: connectd.Attributes{"a": "1"}}
	if _, err := svc.CreateContact(ctx, SeedOwner(), c); err != nil {
		t.Fatal(err)
	}
	if err := svc.UpdateAttributes(ctx, SeedOwner(), "inst-1", "c-1", connectd.Attributes{"b": "2"}); err != nil {
		t.Fatal(err)
	}
}

// SeedOwner returns the owner of Seed's instance.
func SeedOwner() connectd.Owner {
	return connectd.Owner{AccountID: "111122223333", Region: "us-east-1"}
}

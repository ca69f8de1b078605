package storetest

import (
	"testing"
	"time"

	"github.com/connectd/connectd"
)

func testSearchRetention(t *testing.T, f *fixture) {
	first := f.contact(withAttrs(connectd.Attributes{"tier": "gold"}))
	f.clock.Set(start.AddDate(1, 0, 0))
	member := f.contact(withPrevious(first.ID))
	young := f.contact(withAttrs(connectd.Attributes{"tier": "gold"}))
	everything := func(mods ...func(*connectd.SearchQuery)) *connectd.SearchQuery {
		return f.query(append([]func(*connectd.SearchQuery){func(q *connectd.SearchQuery) {
			q.Start, q.End = start.AddDate(-1, 0, 0), start.AddDate(5, 0, 0)
		}}, mods...)...)
	}
	f.wantIDs("before expiry", everything(attrCriteria(connectd.MatchAll, "tier", "gold")), first.ID, member.ID, young.ID)
	// The initial contact expires, and the chain map with it: the member
	// is still found, but no longer by the map.
	f.clock.Set(start.AddDate(0, connectd.RetentionMonths, 0).Add(time.Millisecond))
	f.wantIDs("after the initial contact expired", everything(), member.ID, young.ID)
	f.wantIDs("its map expired with it", everything(attrCriteria(connectd.MatchAll, "tier", "gold")), young.ID)
	if _, err := f.svc.PurgeExpired(f.ctx, 100); err != nil {
		t.Fatal(err)
	}
	f.wantIDs("after the purge", everything(attrCriteria(connectd.MatchAll, "tier", "gold")), young.ID)
}

// testSearchIndexDeletes reuses ids after DeleteInstance and after an
// expired contact is purged: the new contacts must not inherit the old
// ones' index entries.
func testSearchIndexDeletes(t *testing.T, f *fixture) {
	f.contact(withAttrs(connectd.Attributes{"tier": "gold"}))
	if err := f.svc.DeleteInstance(f.ctx, f.owner, f.inst.ID); err != nil {
		t.Fatal(err)
	}
	f.inst = f.instance(f.owner, f.inst.ID, "again")
	f.seq = 0
	c := f.contact(withAttrs(connectd.Attributes{"tier": "silver"}))
	f.wantIDs("after DeleteInstance", f.query(attrCriteria(connectd.MatchAll, "tier", "gold")))
	f.wantIDs("the new contact", f.query(attrCriteria(connectd.MatchAll, "tier", "silver")), c.ID)

	// An expired contact's id is reused (CreateContact deletes the old row).
	f.clock.Set(start.AddDate(0, connectd.RetentionMonths, 1))
	reused, err := f.svc.CreateContact(f.ctx, f.owner, &connectd.Contact{InstanceID: f.inst.ID, ID: c.ID,
		Channel: connectd.ChannelTask, InitiationMethod: connectd.InitiationAPI, Attributes: connectd.Attributes{"lang": "en"}})
	if err != nil {
		t.Fatal(err)
	}
	now := f.query(func(q *connectd.SearchQuery) { q.Start, q.End = f.clock.Now().Add(-time.Hour), f.clock.Now() })
	f.wantIDs("reused id, old value", f.query(attrCriteria(connectd.MatchAll, "tier", "silver"), func(q *connectd.SearchQuery) {
		q.Start, q.End = now.Start, now.End
	}))
	now.Attributes = &connectd.AttributeCriteria{Match: connectd.MatchAll,
		Criteria: []connectd.AttributeCriterion{{Key: "lang", Values: []string{"en"}}}}
	f.wantIDs("reused id, new value", now, reused.ID)
}

func testSearchImportReset(t *testing.T, f *fixture) {
	admin := f.svc
	err := admin.Import(f.ctx, &connectd.Snapshot{Contacts: []*connectd.Contact{
		{InstanceID: f.inst.ID, ID: "imp-1", InitialContactID: "imp-1", Channel: connectd.ChannelVoice,
			InitiationMethod: connectd.InitiationInbound, InitiationTimestamp: start, Attributes: connectd.Attributes{"tier": "gold"}},
		{InstanceID: f.inst.ID, ID: "imp-2", InitialContactID: "imp-1", PreviousContactID: "imp-1", Channel: connectd.ChannelVoice,
			InitiationMethod: connectd.InitiationTransfer, InitiationTimestamp: start.Add(time.Minute), Attributes: connectd.Attributes{"case": "7"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	f.wantIDs("imported", f.query(attrCriteria(connectd.MatchAll, "tier", "gold", "case", "7")), "imp-1", "imp-2")
	if err := admin.Reset(f.ctx); err != nil {
		t.Fatal(err)
	}
	f.inst = f.instance(f.owner, f.inst.ID, "again")
	_, err = f.svc.CreateContact(f.ctx, f.owner, &connectd.Contact{InstanceID: f.inst.ID, ID: "imp-1",
		Channel: connectd.ChannelTask, InitiationMethod: connectd.InitiationAPI, InitiationTimestamp: start})
	if err != nil {
		t.Fatal(err)
	}
	f.wantIDs("after reset", f.query(attrCriteria(connectd.MatchAny, "tier", "gold", "case", "7")))
}

package storetest

import (
	"maps"
	"testing"
	"time"

	"github.com/connectd/connectd"
)

// testSearchSummaries checks that a page's contacts carry every field a
// ContactSearchSummary shows as the contact itself reads back (a store may
// read only those for a page: sqlite's packed page does), through a search
// that the contacts' time index drives and one that an attribute's members
// drive: name, queue and its enqueue time, schedule, disconnect time, the
// chain's ids and tags.
func testSearchSummaries(t *testing.T, f *fixture) {
	first := f.contact(withAttrs(connectd.Attributes{"tier": "gold"}), func(c *connectd.Contact) {
		c.Name, c.Description, c.ScheduledTimestamp = "first", "not in a summary", start.Add(2*time.Hour)
	})
	f.clock.Advance(time.Minute)
	if err := f.svc.EnqueueFromFlow(f.ctx, f.owner, f.inst.ID, first.ID, "q-7"); err != nil {
		t.Fatalf("EnqueueFromFlow: %v", err)
	}
	if err := f.svc.TagContact(f.ctx, f.owner, f.inst.ID, first.ID, map[string]string{"team": "a"}); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(time.Minute)
	moved := f.transfer(first.ID, "moved-1", "")
	f.clock.Advance(time.Minute)
	stopped := f.contact(withAttrs(connectd.Attributes{"tier": "gold"}), func(c *connectd.Contact) { c.Name = "stopped" })
	f.clock.Advance(time.Second)
	if err := f.svc.StopContact(f.ctx, f.owner, f.inst.ID, stopped.ID); err != nil {
		t.Fatal(err)
	}
	for _, q := range []*connectd.SearchQuery{f.query(), f.query(attrCriteria(connectd.MatchAll, "tier", "gold"))} {
		page, err := f.svc.SearchContacts(f.ctx, f.owner, q)
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Contacts) != 3 {
			t.Fatalf("attributes %v: %d contacts, want 3 (%s, %s, %s)", q.Attributes, len(page.Contacts), first.ID, moved.ID, stopped.ID)
		}
		for _, got := range page.Contacts {
			want := f.find(got.ID)
			if got.InstanceID != want.InstanceID || got.InitialContactID != want.InitialContactID ||
				got.PreviousContactID != want.PreviousContactID || got.Channel != want.Channel ||
				got.InitiationMethod != want.InitiationMethod || got.Name != want.Name || got.QueueID != want.QueueID {
				t.Errorf("attributes %v: summary %+v; the contact reads %+v", q.Attributes, got, want)
			}
			for _, ts := range [][3]any{
				{"InitiationTimestamp", got.InitiationTimestamp, want.InitiationTimestamp},
				{"ScheduledTimestamp", got.ScheduledTimestamp, want.ScheduledTimestamp},
				{"DisconnectTimestamp", got.DisconnectTimestamp, want.DisconnectTimestamp},
				{"EnqueueTimestamp", got.EnqueueTimestamp, want.EnqueueTimestamp},
			} {
				if !ts[1].(time.Time).Equal(ts[2].(time.Time)) {
					t.Errorf("attributes %v: %s of %s is %v; the contact reads %v", q.Attributes, ts[0], got.ID, ts[1], ts[2])
				}
			}
			if !maps.Equal(got.Tags, want.Tags) {
				t.Errorf("attributes %v: Tags of %s are %v; the contact reads %v", q.Attributes, got.ID, got.Tags, want.Tags)
			}
		}
	}
	// What the fixture set is what the checks compared.
	if got := f.find(first.ID); got.QueueID != "q-7" || got.EnqueueTimestamp.IsZero() || got.ScheduledTimestamp.IsZero() ||
		got.Tags["team"] != "a" || f.find(stopped.ID).DisconnectTimestamp.IsZero() || f.find(moved.ID).PreviousContactID != first.ID {
		t.Fatalf("the fixture's contacts are not what the test sets: %+v", got)
	}
}

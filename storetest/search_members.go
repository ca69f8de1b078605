package storetest

import (
	"testing"
	"time"

	"github.com/connectd/connectd"
)

// testSearchIndexMembers follows a chain's members through the search
// index's per-member rows (a search over an initiation range reads them):
// a transferred or chained contact joins its chain's indexed pairs, a map
// update reaches every member, and a member that is purged, or whose id is
// reused, leaves the index while the rest of its chain stays found.
func testSearchIndexMembers(t *testing.T, f *fixture) {
	// Registered first, so that the writes' triggers index the key.
	if err := f.svc.SetSearchableKeys(f.ctx, f.inst.ID, []string{"tier"}); err != nil {
		t.Fatal(err)
	}
	gold := f.query(attrCriteria(connectd.MatchAll, "tier", "gold"))
	silver := f.query(attrCriteria(connectd.MatchAll, "tier", "silver"))

	// A member whose initiation is earlier than its chain's, so that it
	// alone can expire below.
	earlyAt := start.Add(-30 * time.Minute)
	early := f.newContact()
	first := f.contact(withAttrs(connectd.Attributes{"tier": "gold"}))
	other := f.contact(withAttrs(connectd.Attributes{"tier": "silver"}))
	f.wantIDs("one chain of one contact", gold, first.ID)

	f.clock.Advance(time.Minute)
	moved := f.transfer(first.ID, "moved-1", "")
	f.clock.Advance(time.Minute)
	chained := f.contact(withPrevious(moved.ID))
	f.wantIDs("a transfer and a chained contact join the chain", gold, first.ID, moved.ID, chained.ID)
	f.wantIDs("other chains are untouched", silver, other.ID)

	// The map's update reaches every member: none keeps the old value.
	f.update(first.ID, connectd.Attributes{"tier": "silver"})
	f.wantIDs("the old value after the update", gold)
	f.wantIDs("the new value after the update", silver, first.ID, moved.ID, chained.ID, other.ID)
	f.update(first.ID, connectd.Attributes{"tier": "gold"})
	f.wantIDs("changed back", gold, first.ID, moved.ID, chained.ID)

	// A member created with an initiation before its chain's (imports and
	// clocks allow it) expires before the chain does.
	f.clock.Set(earlyAt)
	early.PreviousContactID = chained.ID
	if _, err := f.svc.CreateContact(f.ctx, f.owner, early); err != nil {
		t.Fatal(err)
	}
	f.wantIDs("the early member joined", gold, early.ID, first.ID, moved.ID, chained.ID)
	f.clock.Set(earlyAt.AddDate(0, connectd.RetentionMonths, 0).Add(time.Second))
	if _, err := f.svc.PurgeExpired(f.ctx, 100); err != nil {
		t.Fatal(err)
	}
	retained := f.query(attrCriteria(connectd.MatchAll, "tier", "gold"), func(q *connectd.SearchQuery) {
		q.Start, q.End = start.Add(-time.Hour), start.Add(time.Hour)
	})
	f.wantIDs("the purged member left the index", retained, first.ID, moved.ID, chained.ID)

	// Its id reused by a contact of another chain: it must not inherit
	// the old chain's pairs.
	f.clock.Set(start.Add(10 * time.Minute))
	reused := f.newContact(withAttrs(connectd.Attributes{"tier": "bronze"}))
	reused.ID = early.ID
	if _, err := f.svc.CreateContact(f.ctx, f.owner, reused); err != nil {
		t.Fatal(err)
	}
	f.wantIDs("a reused id has only its own pairs", retained, first.ID, moved.ID, chained.ID)
	f.wantIDs("the reused id's own value", f.query(attrCriteria(connectd.MatchAll, "tier", "bronze")), early.ID)
}

package storetest

import (
	"fmt"
	"sync"
	"testing"

	"github.com/connectd/connectd"
)

// testSearchRegistrationRace registers a key (its first search) and runs
// its backfill while writers keep changing and creating chains that hold
// it: once the writers and the backfill are done, the index must hold the
// current value of every chain, whichever side of the registration or of
// the backfill's position each write fell on.
func testSearchRegistrationRace(t *testing.T, f *fixture) {
	const writers, rounds = 4, 15
	var cs []*connectd.Contact
	for i := range 40 {
		cs = append(cs, f.contact(withAttrs(connectd.Attributes{"tier": fmt.Sprintf("v%d", i)})))
	}
	var wg sync.WaitGroup
	errs := make(chan error, writers*rounds*2+2)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range rounds {
				c := cs[(w*rounds+r)%len(cs)]
				if err := f.svc.UpdateAttributes(f.ctx, f.owner, f.inst.ID, c.ID, connectd.Attributes{"tier": fmt.Sprintf("w%d-%d", w, r)}); err != nil {
					errs <- err
				}
				n := &connectd.Contact{InstanceID: f.inst.ID, ID: fmt.Sprintf("race-%d-%02d", w, r), Channel: connectd.ChannelTask,
					InitiationMethod: connectd.InitiationAPI, Attributes: connectd.Attributes{"tier": "new"}}
				if _, err := f.svc.CreateContact(f.ctx, f.owner, n); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		if _, err := f.svc.SearchContacts(f.ctx, f.owner, f.query(attrCriteria(connectd.MatchAll, "tier", "v0"))); err != nil {
			errs <- err
		}
		if _, err := f.svc.BackfillSearchIndex(f.ctx); err != nil {
			errs <- err
		}
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if k, ok := f.keyState("tier"); !ok || !k.Ready {
		t.Fatalf("tier after the backfill: registered %v, ready %v", ok, k.Ready)
	}
	f.wantPairs("one pair per chain", map[string]int{"tier": len(cs) + writers*rounds})
	for _, c := range cs {
		v := f.attrs(c.ID)["tier"]
		if got := f.searchOnce(f.query(attrCriteria(connectd.MatchAll, "tier", v))); len(got) != 1 || got[0] != c.ID {
			t.Errorf("%s's current value %q finds %v from the index", c.ID, v, got)
		}
	}
	if got := f.searchOnce(f.query(attrCriteria(connectd.MatchAll, "tier", "new"))); len(got) != writers*rounds {
		t.Errorf("the chains created during the registration: %d found, want %d", len(got), writers*rounds)
	}
}

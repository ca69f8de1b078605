package storetest

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/connectd/connectd"
)

// testSearchSnapshot searches while writers add matching contacts and
// flip others' values: a page that holds every match (no NextToken) must
// hold exactly TotalCount contacts, as both come from one snapshot. With
// the count and the page read apart, a commit between them made the two
// disagree.
func testSearchSnapshot(t *testing.T, f *fixture) {
	const writers, perWriter = 4, 20 // at most 80 matches: one page
	var flip []*connectd.Contact
	for range writers {
		flip = append(flip, f.contact(withAttrs(connectd.Attributes{"tier": "gold"})))
	}
	q := f.query(attrCriteria(connectd.MatchAll, "tier", "gold"))
	f.wantIDs("before the writes", q, flip[0].ID, flip[1].ID, flip[2].ID, flip[3].ID) // makes tier ready

	var done atomic.Bool
	var wg sync.WaitGroup
	errs := make(chan error, writers*perWriter*2)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWriter {
				c := &connectd.Contact{InstanceID: f.inst.ID, ID: fmt.Sprintf("snap-%d-%02d", w, i),
					Channel: connectd.ChannelTask, InitiationMethod: connectd.InitiationAPI,
					Attributes: connectd.Attributes{"tier": "gold"}}
				if _, err := f.svc.CreateContact(f.ctx, f.owner, c); err != nil {
					errs <- err
				}
				v := map[bool]string{true: "gold", false: "silver"}[i%2 == 1]
				if err := f.svc.UpdateAttributes(f.ctx, f.owner, f.inst.ID, flip[w].ID, connectd.Attributes{"tier": v}); err != nil {
					errs <- err
				}
			}
		}()
	}
	go func() { wg.Wait(); done.Store(true) }()
	searches := 0
	for !done.Load() || searches == 0 {
		page, err := f.svc.SearchContacts(f.ctx, f.owner, q)
		if err != nil {
			t.Fatal(err)
		}
		searches++
		if page.NextToken == "" && int64(len(page.Contacts)) != page.TotalCount {
			t.Fatalf("search %d: TotalCount %d, but the only page holds %d contacts", searches, page.TotalCount, len(page.Contacts))
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	t.Logf("%d searches during the writes", searches)
}

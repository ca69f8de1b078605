package storetest

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/connectd/connectd"
)

// sortedBy orders contacts as a search sorted by field should: by
// connectd.SortKey, then id, both reversed when descending.
func sortedBy(cs []*connectd.Contact, field connectd.SortField, desc bool) []string {
	cs = slices.Clone(cs)
	slices.SortFunc(cs, func(a, b *connectd.Contact) int {
		an, as := connectd.SortKey(a, field)
		bn, bs := connectd.SortKey(b, field)
		c := cmp.Or(cmp.Compare(an, bn), strings.Compare(as, bs), strings.Compare(a.ID, b.ID))
		if desc {
			return -c
		}
		return c
	})
	ids := make([]string, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	return ids
}

func testSearchSortAndPage(t *testing.T, f *fixture) {
	channels := connectd.Channels()
	methods := []connectd.InitiationMethod{connectd.InitiationAPI, connectd.InitiationInbound, connectd.InitiationOutbound}
	var cs []*connectd.Contact
	for i := range 23 {
		c := f.contact(at(start.Add(time.Duration(i%7)*time.Minute)), func(c *connectd.Contact) {
			c.Channel, c.InitiationMethod = channels[i%len(channels)], methods[i%len(methods)]
			if i%3 == 0 {
				c.ScheduledTimestamp = start.Add(time.Duration(10-i%5) * time.Hour)
			}
		})
		cs = append(cs, c)
	}
	f.clock.Set(start.Add(time.Hour))
	for i, c := range cs {
		if i%4 == 1 {
			f.clock.Advance(time.Duration(i%3) * time.Second) // some stop at the same instant
			if err := f.svc.StopContact(f.ctx, f.owner, f.inst.ID, c.ID); err != nil {
				t.Fatal(err)
			}
			cs[i] = f.find(c.ID)
		}
	}
	for _, field := range connectd.SortFields() {
		for _, desc := range []bool{false, true} {
			for _, size := range []int{1, 5, 23, 100} {
				t.Run(fmt.Sprintf("%s/desc=%v/size=%d", field, desc, size), func(t *testing.T) {
					q := f.query(func(q *connectd.SearchQuery) { q.Sort, q.Descending = field, desc })
					got := f.searchIDs(q, size)
					if want := sortedBy(cs, field, desc); !slices.Equal(got, want) {
						t.Fatalf("order\n got %v\nwant %v", got, want)
					}
				})
			}
		}
	}
	page, err := f.svc.SearchContacts(f.ctx, f.owner, f.query(func(q *connectd.SearchQuery) { q.Limit = 4 }))
	if err != nil || len(page.Contacts) != 4 || page.TotalCount != 23 || page.NextToken == "" {
		t.Fatalf("first page: %d contacts, TotalCount %d, NextToken %q, err %v; want 4, 23, a token",
			len(page.Contacts), page.TotalCount, page.NextToken, err)
	}
	empty, err := f.svc.SearchContacts(f.ctx, f.owner, f.query(attrCriteria(connectd.MatchAll, "no", "such")))
	if err != nil || empty.Contacts == nil || len(empty.Contacts) != 0 || empty.TotalCount != 0 || empty.NextToken != "" {
		t.Fatalf("empty search = %+v, %v", empty, err)
	}
}

// testSearchPagingInserts pages through a search while contacts that
// match it are inserted before and after the cursor: every contact that
// existed at the start appears exactly once.
func testSearchPagingInserts(t *testing.T, f *fixture) {
	var before []string
	for i := range 30 {
		before = append(before, f.contact(at(start.Add(time.Duration(i)*time.Second))).ID)
	}
	q := f.query(func(q *connectd.SearchQuery) { q.Limit = 7 })
	seen := map[string]int{}
	for n := 0; ; n++ {
		page, err := f.svc.SearchContacts(f.ctx, f.owner, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range page.Contacts {
			seen[c.ID]++
		}
		// One contact sorts before the cursor, one after it.
		f.contact(at(start.Add(-time.Duration(n+1) * time.Millisecond)))
		f.contact(at(start.Add(time.Hour + time.Duration(n)*time.Second)))
		if page.NextToken == "" {
			break
		}
		q.NextToken = page.NextToken
	}
	for _, id := range before {
		if seen[id] != 1 {
			t.Fatalf("contact %s seen %d times", id, seen[id])
		}
	}
	for id, n := range seen {
		if n != 1 {
			t.Fatalf("contact %s seen %d times", id, n)
		}
	}
}

func testSearchToken(t *testing.T, f *fixture) {
	for range 3 {
		f.contact(withAttrs(connectd.Attributes{"tier": "gold"}))
	}
	q := f.query(func(q *connectd.SearchQuery) { q.Limit = 1 })
	page, err := f.svc.SearchContacts(f.ctx, f.owner, q)
	if err != nil || page.NextToken == "" {
		t.Fatalf("first page: %v, token %q", err, page.NextToken)
	}
	tok := page.NextToken
	bad := map[string]*connectd.SearchQuery{
		"garbage":        f.query(func(q *connectd.SearchQuery) { q.NextToken = "not-a-token" }),
		"tampered":       f.query(func(q *connectd.SearchQuery) { q.NextToken = flip(tok, 3) }),
		"tampered MAC":   f.query(func(q *connectd.SearchQuery) { q.NextToken = flip(tok, len(tok)-2) }),
		"other query":    f.query(attrCriteria(connectd.MatchAll, "tier", "gold"), func(q *connectd.SearchQuery) { q.NextToken = tok }),
		"other sort":     f.query(func(q *connectd.SearchQuery) { q.Descending, q.NextToken = true, tok }),
		"other instance": f.query(func(q *connectd.SearchQuery) { q.InstanceID, q.NextToken = "inst-2", tok }),
	}
	f.instance(f.owner, "inst-2", "second")
	for name, bq := range bad {
		_, err := f.svc.SearchContacts(f.ctx, f.owner, bq)
		if code := connectd.ErrorCode(err); code != connectd.EINVALID {
			t.Fatalf("%s token: error code %q (%v), want %q", name, code, err, connectd.EINVALID)
		}
	}
	// The same instance id and query under another owner: not its token.
	other := connectd.Owner{AccountID: "999988887777", Region: "eu-west-1"}
	otherInst := newInstance(other, "inst-other", "other")
	if err := f.svc.CreateInstance(f.ctx, otherInst); err != nil {
		t.Fatal(err)
	}
	oq := f.query(func(q *connectd.SearchQuery) { q.InstanceID, q.NextToken = "inst-other", tok })
	_, err = f.svc.SearchContacts(f.ctx, other, oq)
	wantCode(t, err, connectd.EINVALID)
	// The genuine token still works, with another page size too.
	q.NextToken, q.Limit = tok, 10
	if page, err = f.svc.SearchContacts(f.ctx, f.owner, q); err != nil || len(page.Contacts) != 2 {
		t.Fatalf("second page: %v, %d contacts", err, len(page.Contacts))
	}
}

// flip changes the character at i of a token.
func flip(tok string, i int) string {
	b := []byte(tok)
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}

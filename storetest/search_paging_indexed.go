package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/connectd/connectd"
)

// testSearchSortAndPageByValue is testSearchSortAndPage for a search that
// an indexed value drives (the stores then read that value's members in
// their own key order, and page on it): every sort, both directions, pages
// of 1 to 100, ties at the same instant, and chain members that share the
// value through their chain's map, with two values at once too.
func testSearchSortAndPageByValue(t *testing.T, f *fixture) {
	if err := f.svc.SetSearchableKeys(f.ctx, f.inst.ID, []string{"tier"}); err != nil {
		t.Fatal(err)
	}
	channels := connectd.Channels()
	var gold, goldOrSilver []*connectd.Contact
	var last *connectd.Contact
	for i := range 30 {
		tier := []string{"gold", "silver", "bronze"}[i%3]
		opts := []func(*connectd.Contact){at(start.Add(time.Duration(i%7) * time.Minute)),
			func(c *connectd.Contact) { c.Channel = channels[i%len(channels)] }}
		if i%5 == 4 && last != nil {
			opts = append(opts, withPrevious(last.ID)) // a member: the chain's tier
			tier = last.Attributes["tier"]
		} else {
			opts = append(opts, withAttrs(connectd.Attributes{"tier": tier}))
		}
		c := f.contact(opts...)
		c.Attributes = connectd.Attributes{"tier": tier}
		last = c
		if tier == "gold" {
			gold = append(gold, c)
		}
		if tier != "bronze" {
			goldOrSilver = append(goldOrSilver, c)
		}
	}
	for _, tc := range []struct {
		name   string
		values []string
		want   []*connectd.Contact
	}{{"one value", []string{"gold"}, gold}, {"two values", []string{"gold", "silver"}, goldOrSilver}} {
		for _, field := range connectd.SortFields() {
			for _, desc := range []bool{false, true} {
				for _, size := range []int{1, 4, 100} {
					t.Run(fmt.Sprintf("%s/%s/desc=%v/size=%d", tc.name, field, desc, size), func(t *testing.T) {
						q := f.query(func(q *connectd.SearchQuery) {
							q.Sort, q.Descending = field, desc
							q.Attributes = &connectd.AttributeCriteria{Match: connectd.MatchAll,
								Criteria: []connectd.AttributeCriterion{{Key: "tier", Values: tc.values}}}
						})
						got := f.searchIDs(q, size)
						if want := sortedBy(slices.Clone(tc.want), field, desc); !slices.Equal(got, want) {
							t.Fatalf("order\n got %v\nwant %v", got, want)
						}
					})
				}
			}
		}
	}
}

package storetest

import (
	"testing"

	"github.com/connectd/connectd"
)

// testSearchTags checks the ContactTags filter (an OR of ANDs, conditions
// with and without a value) and that summaries carry each contact's tags.
func testSearchTags(t *testing.T, f *fixture) {
	gold := f.contact()
	silver := f.contact()
	bare := f.contact()
	tag := func(c *connectd.Contact, tags map[string]string) {
		if err := f.svc.TagContact(f.ctx, f.owner, f.inst.ID, c.ID, tags); err != nil {
			t.Fatal(err)
		}
	}
	tag(gold, map[string]string{"tier": "gold", "team": "a"})
	tag(silver, map[string]string{"tier": "silver", "team": "a"})
	val := func(s string) *string { return &s }
	cond := func(k string, v *string) connectd.TagCondition { return connectd.TagCondition{Key: k, Value: v} }
	filter := func(clauses ...[][]connectd.TagCondition) func(*connectd.SearchQuery) {
		return func(q *connectd.SearchQuery) { q.Tags = &connectd.TagFilter{Clauses: clauses} }
	}
	one := func(c connectd.TagCondition) [][]connectd.TagCondition { return [][]connectd.TagCondition{{c}} }
	f.wantIDs("one condition", f.query(filter(one(cond("tier", val("gold"))))), gold.ID)
	f.wantIDs("key only", f.query(filter(one(cond("team", nil)))), gold.ID, silver.ID)
	f.wantIDs("value compares exactly", f.query(filter(one(cond("tier", val("Gold"))))))
	f.wantIDs("AND", f.query(filter([][]connectd.TagCondition{{cond("team", val("a")), cond("tier", val("silver"))}})), silver.ID)
	f.wantIDs("OR of ANDs", f.query(filter([][]connectd.TagCondition{
		{cond("tier", val("gold")), cond("team", val("b"))}, {cond("tier", val("silver"))},
	})), silver.ID)
	f.wantIDs("clauses all hold", f.query(filter(one(cond("team", nil)), one(cond("tier", val("gold"))))), gold.ID)
	f.wantIDs("empty group matches all", f.query(filter([][]connectd.TagCondition{{}})), gold.ID, silver.ID, bare.ID)
	page, err := f.svc.SearchContacts(f.ctx, f.owner, f.query())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range page.Contacts {
		want := map[string]map[string]string{gold.ID: {"tier": "gold", "team": "a"}, silver.ID: {"tier": "silver", "team": "a"}}[c.ID]
		if len(c.Tags) != len(want) || c.Tags["tier"] != want["tier"] || c.Tags["team"] != want["team"] {
			t.Fatalf("summary of %s has Tags %v; want %v", c.ID, c.Tags, want)
		}
	}
	// The filter is the store's SQL and TagFilter.Matches alike.
	if (&connectd.TagFilter{Clauses: [][][]connectd.TagCondition{one(cond("tier", val("gold")))}}).Matches(silver.Tags) {
		t.Fatal("Matches: silver matched tier=gold")
	}
}

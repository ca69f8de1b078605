package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/connectd/connectd"
)

var searchTests = []storeTest{
	{"AttributesMatchAllAndAny", testSearchMatchTypes},
	{"ChainMembersMatchByCurrentChainMap", testSearchChain},
	{"Filters", testSearchFilters},
	{"TimeRangeTypes", testSearchTimeRanges},
	{"SortAndPage", testSearchSortAndPage},
	{"SortAndPageByIndexedValue", testSearchSortAndPageByValue},
	{"PagingUnderInserts", testSearchPagingInserts},
	{"NextTokenIsBound", testSearchToken},
	{"SearchableKeys", testSearchableKeys},
	{"UnknownInstance", testSearchUnknownInstance},
	{"Retention", testSearchRetention},
	{"IndexFollowsDeletes", testSearchIndexDeletes},
	{"IndexFollowsImportAndReset", testSearchImportReset},
	{"IndexFollowsChainMembers", testSearchIndexMembers},
	{"LongValuesDoNotMatch", testSearchLongValues},
	{"ContactTags", testSearchTags},
	{"NewKeyFindsPastContacts", testSearchNewKey},
	{"SearchKeyBound", testSearchKeyBound},
	{"ConfiguredKeysIndexedFromFirstWrite", testSearchConfiguredKeys},
	{"WritesDuringBackfill", testSearchWritesDuringBackfill},
	{"IndexKeysFollowImportResetPurge", testSearchIndexKeysLifecycle},
	{"TotalCountAgreesWithPageUnderWrites", testSearchSnapshot},
	{"RegistrationRacesWrites", testSearchRegistrationRace},
	{"PagesCarrySummaryFields", testSearchSummaries},
}

// query returns a search of the fixture's instance over every initiation
// time from an hour before start to a day after; mods adjust it.
func (f *fixture) query(mods ...func(*connectd.SearchQuery)) *connectd.SearchQuery {
	q := &connectd.SearchQuery{
		InstanceID: f.inst.ID, TimeRange: connectd.TimeInitiation,
		Start: start.Add(-time.Hour), End: start.AddDate(0, 0, 1), Sort: connectd.SortInitiation,
	}
	for _, m := range mods {
		m(q)
	}
	return q
}

// searchIDs runs q through every page (of pageSize) and returns the ids in
// order; it fails on an error, a duplicate, or a TotalCount that does not
// match what the pages held.
func (f *fixture) searchIDs(q *connectd.SearchQuery, pageSize int) []string {
	f.t.Helper()
	q.Limit = pageSize
	var ids []string
	for i := 0; ; i++ {
		page, err := f.svc.SearchContacts(f.ctx, f.owner, q)
		if err != nil {
			f.t.Fatalf("SearchContacts (page %d): %v", i, err)
		}
		if page.Contacts == nil {
			f.t.Fatal("Contacts is nil; want an empty list")
		}
		if len(page.Contacts) > pageSize || (page.NextToken != "" && len(page.Contacts) != pageSize) {
			f.t.Fatalf("page %d has %d contacts (page size %d, NextToken %q)", i, len(page.Contacts), pageSize, page.NextToken)
		}
		for _, c := range page.Contacts {
			if slices.Contains(ids, c.ID) {
				f.t.Fatalf("contact %s is on two pages", c.ID)
			}
			if len(c.Attributes) > 0 {
				f.t.Fatalf("contact %s has attributes in a search summary", c.ID)
			}
			ids = append(ids, c.ID)
		}
		if page.NextToken == "" {
			if int(page.TotalCount) != len(ids) {
				f.t.Fatalf("TotalCount = %d, but the pages held %d contacts", page.TotalCount, len(ids))
			}
			return ids
		}
		q.NextToken = page.NextToken
	}
}

// wantIDs fails unless the search finds exactly want (in any order), both
// before the backfill of the search index has run (a key searched for the
// first time is matched in the chain maps) and after it (from the index).
func (f *fixture) wantIDs(what string, q *connectd.SearchQuery, want ...string) {
	f.t.Helper()
	want = slices.Clone(want)
	slices.Sort(want)
	for _, when := range []string{"before the backfill", "after the backfill"} {
		got := f.searchIDs(q, 100)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			f.t.Fatalf("%s (%s): found %v, want %v", what, when, got, want)
		}
		if _, err := f.svc.BackfillSearchIndex(f.ctx); err != nil {
			f.t.Fatal(err)
		}
	}
}

func attrCriteria(match connectd.MatchType, kv ...string) func(*connectd.SearchQuery) {
	return func(q *connectd.SearchQuery) {
		a := &connectd.AttributeCriteria{Match: match}
		for i := 0; i+1 < len(kv); i += 2 {
			a.Criteria = append(a.Criteria, connectd.AttributeCriterion{Key: kv[i], Values: []string{kv[i+1]}})
		}
		q.Attributes = a
	}
}

func testSearchMatchTypes(t *testing.T, f *fixture) {
	gold := f.contact(withAttrs(connectd.Attributes{"tier": "gold", "lang": "en"}))
	goldFr := f.contact(withAttrs(connectd.Attributes{"tier": "gold", "lang": "fr"}))
	silver := f.contact(withAttrs(connectd.Attributes{"tier": "silver", "lang": "en"}))
	f.contact() // no attributes
	f.wantIDs("tier=gold", f.query(attrCriteria(connectd.MatchAll, "tier", "gold")), gold.ID, goldFr.ID)
	f.wantIDs("ALL tier=gold lang=en", f.query(attrCriteria(connectd.MatchAll, "tier", "gold", "lang", "en")), gold.ID)
	f.wantIDs("ANY tier=gold lang=en", f.query(attrCriteria(connectd.MatchAny, "tier", "gold", "lang", "en")),
		gold.ID, goldFr.ID, silver.ID)
	f.wantIDs("values are exact and case-sensitive", f.query(attrCriteria(connectd.MatchAll, "tier", "Gold")))
	f.wantIDs("keys are case-sensitive", f.query(attrCriteria(connectd.MatchAll, "Tier", "gold")))
	oneOf := f.query(func(q *connectd.SearchQuery) {
		q.Attributes = &connectd.AttributeCriteria{Match: connectd.MatchAll, Criteria: []connectd.AttributeCriterion{
			{Key: "tier", Values: []string{"silver", "bronze", "gold"}}, {Key: "lang", Values: []string{"en"}}}}
	})
	f.wantIDs("a criterion matches any of its values", oneOf, gold.ID, silver.ID)
	none := f.query(func(q *connectd.SearchQuery) {
		q.Attributes = &connectd.AttributeCriteria{Match: connectd.MatchAll,
			Criteria: []connectd.AttributeCriterion{{Key: "tier", Values: []string{}}}}
	})
	f.wantIDs("a criterion without values matches nothing", none)
}

func testSearchChain(t *testing.T, f *fixture) {
	first := f.contact(withAttrs(connectd.Attributes{"tier": "gold"}))
	member := f.contact(withPrevious(first.ID))
	other := f.contact(withAttrs(connectd.Attributes{"tier": "silver"}))
	gold := f.query(attrCriteria(connectd.MatchAll, "tier", "gold"))
	f.wantIDs("the chain's members share its map", gold, first.ID, member.ID)
	f.update(first.ID, connectd.Attributes{"tier": "silver"})
	f.wantIDs("an update re-indexes the chain", f.query(attrCriteria(connectd.MatchAll, "tier", "gold")))
	f.wantIDs("found by current values", f.query(attrCriteria(connectd.MatchAll, "tier", "silver")),
		first.ID, member.ID, other.ID)
	f.update(first.ID, connectd.Attributes{"tier": ""})
	f.wantIDs("a removed key no longer matches", f.query(attrCriteria(connectd.MatchAll, "tier", "silver")), other.ID)
	// A member that joins with attributes merges them into the chain map.
	joined := f.contact(withPrevious(member.ID), withAttrs(connectd.Attributes{"case": "42"}))
	f.wantIDs("joining merges into the chain", f.query(attrCriteria(connectd.MatchAll, "case", "42")),
		first.ID, member.ID, joined.ID)
	// A related contact copies the map once and is indexed as its own chain.
	rel := f.contact(withRelated(first.ID))
	f.update(rel.ID, connectd.Attributes{"case": "43"})
	f.wantIDs("related contacts have their own map", f.query(attrCriteria(connectd.MatchAll, "case", "42")),
		first.ID, member.ID, joined.ID)
}

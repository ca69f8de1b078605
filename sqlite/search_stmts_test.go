package sqlite

import (
	"fmt"
	"testing"
	"time"

	"github.com/connectd/connectd"
)

// TestSearchStatementsCachedAfterSnapshot checks that a search's queries,
// run unprepared in its snapshot, are in the read pool's statement cache
// once its View has ended, that the next search runs them from there with
// the same answer, and that searches add nothing past searchStmtCap.
func TestSearchStatementsCachedAfterSnapshot(t *testing.T) {
	ctx := t.Context()
	clock := connectd.NewManualClock(time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC))
	s := openDir(t, t.TempDir(), clock)
	t.Cleanup(func() { s.Close() })
	svc := service(s)
	if err := svc.CreateInstance(ctx, &connectd.Instance{ID: "i", Owner: owner, Status: connectd.InstanceStatusActive,
		IdentityManagementType: connectd.IdentityConnectManaged}); err != nil {
		t.Fatal(err)
	}
	if err := svc.SetSearchableKeys(ctx, "i", []string{"tier"}); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if _, err := svc.CreateContact(ctx, owner, &connectd.Contact{InstanceID: "i", ID: fmt.Sprintf("c%d", i),
			Channel: connectd.ChannelTask, InitiationMethod: connectd.InitiationAPI,
			Attributes: connectd.Attributes{"tier": []string{"gold", "silver"}[i%2]}}); err != nil {
			t.Fatal(err)
		}
		if err := clock.Advance(40 * time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	search := func(value string) *connectd.SearchPage {
		t.Helper()
		page, err := svc.SearchContacts(ctx, owner, &connectd.SearchQuery{InstanceID: "i", TimeRange: connectd.TimeInitiation,
			Start: clock.Now().Add(-24 * time.Hour), End: clock.Now(), Sort: connectd.SortInitiation, Limit: 100,
			Attributes: &connectd.AttributeCriteria{Match: connectd.MatchAll,
				Criteria: []connectd.AttributeCriterion{{Key: "tier", Values: []string{value}}}}})
		if err != nil {
			t.Fatal(err)
		}
		return page
	}
	before := s.reader.cache.size()
	first := search("gold")
	grown := s.reader.cache.size()
	if grown <= before {
		t.Fatalf("cache held %d statements before the search and %d after", before, grown)
	}
	second := search("gold")
	if first.TotalCount != 3 || second.TotalCount != 3 || len(second.Contacts) != 3 {
		t.Fatalf("TotalCount %d then %d with %d contacts, want 3, 3, 3", first.TotalCount, second.TotalCount, len(second.Contacts))
	}
	if n := s.reader.cache.size(); n != grown {
		t.Fatalf("the same search again grew the cache from %d to %d", grown, n)
	}
	// Filled to the cap, the cache takes no search's statement.
	for i := s.reader.cache.size(); i < searchStmtCap; i++ {
		if _, err := s.reader.cache.prepare(ctx, fmt.Sprintf("SELECT %d", i)); err != nil {
			t.Fatal(err)
		}
	}
	if page := search("silver"); page.TotalCount != 2 {
		t.Fatalf("silver: TotalCount %d, want 2", page.TotalCount)
	}
	if _, err := svc.SearchContacts(ctx, owner, &connectd.SearchQuery{InstanceID: "i", TimeRange: connectd.TimeInitiation,
		Start: clock.Now().Add(-time.Hour), End: clock.Now(), Sort: connectd.SortInitiation, Limit: 100,
		Channels: []connectd.Channel{connectd.ChannelTask, connectd.ChannelChat}}); err != nil {
		t.Fatal(err)
	}
	if n := s.reader.cache.size(); n != searchStmtCap {
		t.Fatalf("cache holds %d statements, past its cap of %d", n, searchStmtCap)
	}
}

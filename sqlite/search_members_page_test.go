package sqlite

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/connectd/connectd"
)

// TestMembersPageSameAsRows: every search shape that takes the
// contacts_page path (one MATCH_ALL criterion, initiation range) returns
// the same pages, NextToken by NextToken, and TotalCount as the same
// search with a filter on every channel, which matches the same contacts
// but reads the rows (membersAlone false).
func TestMembersPageSameAsRows(t *testing.T) {
	ctx := t.Context()
	t0 := time.Date(2026, 12, 2, 4, 0, 0, 0, time.UTC)
	clock := connectd.NewManualClock(t0)
	s := openDir(t, t.TempDir(), clock)
	t.Cleanup(func() { s.Close() })
	svc := service(s)
	cut := connectd.RetentionCutoff(t0)
	snap := &connectd.Snapshot{Instances: []*connectd.Instance{{ID: "i", Owner: owner, Status: connectd.InstanceStatusActive,
		IdentityManagementType: connectd.IdentityConnectManaged}}}
	add := func(id, initial string, at time.Time, i int, attrs connectd.Attributes) {
		c := &connectd.Contact{InstanceID: "i", ID: id, InitialContactID: initial, Channel: connectd.Channels()[i%4],
			InitiationMethod: []connectd.InitiationMethod{"API", "INBOUND", "TRANSFER"}[i%3], Name: fmt.Sprint("n", i%5),
			QueueID: fmt.Sprint("q", i%2), InitiationTimestamp: at, LastUpdateTimestamp: at, Attributes: attrs}
		if i%3 == 0 {
			c.DisconnectTimestamp = at.Add(time.Duration(i%7) * time.Minute)
		}
		if i%4 == 1 {
			c.ScheduledTimestamp = at.Add(time.Duration(i%5) * time.Hour)
		}
		snap.Contacts = append(snap.Contacts, c)
	}
	n := 0
	// Chains over the last days, each with members; equal times on purpose.
	for j := range 12 {
		base := t0.Add(-time.Duration(j%6) * 24 * time.Hour).Add(-time.Hour)
		initial := fmt.Sprintf("c%02d", j)
		add(initial, initial, base, n, connectd.Attributes{"k": []string{"a", "b", "a"}[j%3]})
		n++
		for m := range j % 4 {
			add(fmt.Sprintf("c%02d-m%d", j, m), initial, base.Add(time.Duration(m%2)*time.Minute), n, nil)
			n++
		}
	}
	// A chain whose initial contact expires after the clock moves, with a
	// live member.
	add("old", "old", cut.Add(time.Hour), n, connectd.Attributes{"k": "a"})
	add("old-m", "old", cut.Add(48*time.Hour), n+1, nil)
	if err := svc.Import(ctx, snap); err != nil {
		t.Fatal(err)
	}
	if err := clock.Advance(3 * time.Hour); err != nil {
		t.Fatal(err)
	}
	now := clock.Now()
	query := func(all bool, sort connectd.SortField, desc bool, values []string, start time.Time, token string) *connectd.SearchQuery {
		q := &connectd.SearchQuery{InstanceID: "i", TimeRange: connectd.TimeInitiation, Start: start, End: now,
			Sort: sort, Descending: desc, Limit: 3, NextToken: token,
			Attributes: &connectd.AttributeCriteria{Match: connectd.MatchAll,
				Criteria: []connectd.AttributeCriterion{{Key: "k", Values: values}}}}
		if all {
			q.Channels = connectd.Channels()
		}
		return q
	}
	// Register k and make it ready.
	if _, err := svc.SearchContacts(ctx, owner, query(false, connectd.SortInitiation, false, []string{"a"}, cut, "")); err != nil {
		t.Fatal(err)
	}
	for {
		done, err := svc.BackfillSearchIndex(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if done == 0 {
			break
		}
	}
	walk := func(all bool, sort connectd.SortField, desc bool, values []string, start time.Time) (ids []string, totals []int64) {
		token := ""
		for range 100 {
			page, err := svc.SearchContacts(ctx, owner, query(all, sort, desc, values, start, token))
			if err != nil {
				t.Fatalf("all=%v sort=%s desc=%v values=%v: %v", all, sort, desc, values, err)
			}
			for _, c := range page.Contacts {
				ids = append(ids, c.ID)
			}
			totals = append(totals, page.TotalCount)
			if token = page.NextToken; token == "" {
				return ids, totals
			}
		}
		t.Fatal("no last page")
		return nil, nil
	}
	compare := func(stage string) {
		t.Helper()
		for _, sort := range []connectd.SortField{connectd.SortInitiation, connectd.SortScheduled, connectd.SortDisconnect,
			connectd.SortChannel, connectd.SortInitiationMethod, connectd.SortExpiry, connectd.SortConnectedToAgent, ""} {
			for _, desc := range []bool{false, true} {
				for _, values := range [][]string{{"a"}, {"b"}, {"a", "b"}, {"none"}} {
					for _, start := range []time.Time{cut, now.Add(-3 * 24 * time.Hour), now.Add(-50 * time.Minute)} {
						got, gotTotals := walk(false, sort, desc, values, start)
						want, wantTotals := walk(true, sort, desc, values, start)
						if !slices.Equal(got, want) || !slices.Equal(gotTotals, wantTotals) {
							t.Errorf("%s: sort=%q desc=%v values=%v start=%s:\n page path %v %v\n rows path %v %v",
								stage, sort, desc, values, start.Format(time.RFC3339), got, gotTotals, want, wantTotals)
						}
					}
				}
			}
		}
	}
	compare("imported")
	// Writes of the index's columns (disconnected_ms, name, scheduled_ms).
	for _, id := range []string{"c01", "c02-m0", "c03-m1", "c05-m0"} {
		if err := svc.StopContact(ctx, owner, "i", id); err != nil {
			t.Logf("stop %s: %v", id, err)
		}
		name := "renamed " + id
		if err := svc.UpdateContact(ctx, owner, "i", id, &connectd.ContactUpdate{Name: &name}); err != nil {
			t.Logf("rename %s: %v", id, err)
		}
	}
	if err := svc.UpdateAttributes(ctx, owner, "i", "c04", connectd.Attributes{"k": "b"}); err != nil {
		t.Fatal(err)
	}
	compare("after writes")
	var check string
	if err := s.read.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity_check: %q, %v", check, err)
	}
	// The expired chain's live member matches nowhere.
	if got, _ := walk(false, connectd.SortInitiation, false, []string{"a"}, cut); slices.Contains(got, "old-m") {
		t.Errorf("a member of an expired chain matched: %v", got)
	}
}

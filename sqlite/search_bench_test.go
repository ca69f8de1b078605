package sqlite

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/connectd/connectd"
)

// searchBenchSize is how many contacts BenchmarkSearchContacts loads:
// 1,000,000 unless CONNECTD_SEARCH_BENCH_CONTACTS says otherwise. It only
// matters under -bench; ordinary `go test` runs no benchmark.
func searchBenchSize(b *testing.B) int {
	n := 1_000_000
	if v := os.Getenv("CONNECTD_SEARCH_BENCH_CONTACTS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1000 {
			b.Fatalf("CONNECTD_SEARCH_BENCH_CONTACTS=%q: want a number of at least 1000", v)
		}
	}
	return n
}

// searchBenchDays is the span the benchmark's contacts are spread over.
const searchBenchDays = 700

// loadSearchBench fills one instance with n contacts, evenly spread over
// searchBenchDays before now, in one INSERT ... SELECT, so that the triggers
// index them as any write would. Each has a customer (5 contacts per
// customer), a tier (4 values) and a region (20 values); every tenth is a
// chain member, found by its chain's map.
func loadSearchBench(b *testing.B, s *Store, inst string, n int, now time.Time) {
	b.Helper()
	first := now.AddDate(0, 0, -searchBenchDays).UnixMilli()
	step := int64(searchBenchDays) * 24 * 3600 * 1000 / int64(n)
	_, err := s.writer.ExecContext(context.Background(), `
		WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i + 1 < ?3)
		INSERT INTO contacts (instance_id, id, initial_contact_id, previous_contact_id, channel,
			initiation_method, name, queue_id, initiated_ms, updated_ms, attributes)
		SELECT ?1, printf('c%08d', i),
			CASE WHEN i % 10 = 9 THEN printf('c%08d', i - 1) ELSE printf('c%08d', i) END,
			CASE WHEN i % 10 = 9 THEN printf('c%08d', i - 1) END,
			CASE i % 4 WHEN 0 THEN 'VOICE' WHEN 1 THEN 'CHAT' WHEN 2 THEN 'TASK' ELSE 'EMAIL' END,
			'API', 'contact ' || i, 'q' || (i % 50), ?2 + i * ?4, ?2 + i * ?4,
			CASE WHEN i % 10 = 9 THEN NULL ELSE json_object('customer', 'cust-' || (i % (?3 / 5)),
				'tier', CASE i % 4 WHEN 0 THEN 'gold' WHEN 1 THEN 'silver' WHEN 2 THEN 'bronze' ELSE 'free' END,
				'region', 'r' || (i % 20)) END
		FROM seq`, inst, first, n, step)
	if err != nil {
		b.Fatalf("load %d contacts: %v", n, err)
	}
	if _, err := s.writer.Exec(`ANALYZE`); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkSearchContacts searches an instance of 1,000,000 contacts
// (see searchBenchSize) through the attribute index. Each operation is
// one page of up to 100 contacts plus its TotalCount.
func BenchmarkSearchContacts(b *testing.B) {
	n := searchBenchSize(b)
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	s, err := Open(context.Background(), b.TempDir(), connectd.NewManualClock(now), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	owner := connectd.Owner{AccountID: "111122223333", Region: "us-east-1"}
	inst := &connectd.Instance{ID: "bench", Owner: owner, Status: connectd.InstanceStatusActive}
	if err := s.CreateInstance(context.Background(), inst); err != nil {
		b.Fatal(err)
	}
	loadStart := time.Now()
	loadSearchBench(b, s, inst.ID, n, now)
	b.Logf("loaded %d contacts in %v", n, time.Since(loadStart).Round(time.Millisecond))

	// A day centred on a contact of the customer searched for.
	day := now.AddDate(0, 0, -100).Add(-12 * time.Hour)
	attr := func(kv ...string) *connectd.AttributeCriteria {
		a := &connectd.AttributeCriteria{Match: connectd.MatchAll}
		for i := 0; i+1 < len(kv); i += 2 {
			a.Criteria = append(a.Criteria, connectd.AttributeCriterion{Key: kv[i], Values: []string{kv[i+1]}})
		}
		return a
	}
	// A customer whose contacts fall in the day searched.
	dayIndex := int64(n) * (searchBenchDays - 100) / searchBenchDays
	customer := fmt.Sprintf("cust-%d", dayIndex%int64(n/5))
	cases := []struct {
		name        string
		from, to    time.Time
		attrs       *connectd.AttributeCriteria
		wantAtLeast int
	}{
		{"OneValueOneDay", day, day.Add(24 * time.Hour), attr("customer", customer), 1},
		{"CommonValueOneDay", day, day.Add(24 * time.Hour), attr("tier", "gold"), 1},
		{"TwoValuesOneDay", day, day.Add(24 * time.Hour), attr("tier", "gold", "region", "r0"), 1},
		{"OneValueAllTime", now.AddDate(0, 0, -searchBenchDays), now, attr("customer", customer), 5},
		{"NoCriteriaOneDay", day, day.Add(24 * time.Hour), nil, 1},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			q := &connectd.SearchQuery{InstanceID: inst.ID, TimeRange: connectd.TimeInitiation,
				Start: tc.from, End: tc.to, Attributes: tc.attrs, Sort: connectd.SortInitiation, Limit: 100}
			for b.Loop() {
				page, err := s.SearchContacts(context.Background(), owner, q)
				if err != nil {
					b.Fatal(err)
				}
				if int(page.TotalCount) < tc.wantAtLeast {
					b.Fatalf("TotalCount %d, want at least %d", page.TotalCount, tc.wantAtLeast)
				}
			}
		})
	}
}

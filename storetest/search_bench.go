package storetest

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/connectd/connectd"
)

// SearchBenchDays is the span, before the benchmark's now, over which a
// SearchLoader spreads its contacts in the "Spread" layout: a day searched
// holds 1/700 of them.
const SearchBenchDays = 700

// SearchLoader fills the store's instance instanceID with n contacts, in the
// store's own fastest way, so that its search index holds them as any write
// would: contact i (id fmt.Sprintf("c%08d", i)) is initiated at
// now - span + i × (span / n); every tenth (i % 10 == 9) is a member of the
// chain of contact i-1 and has no map of its own; the others have
// {"customer": "cust-<i % (n/5)>", "tier": one of gold, silver, bronze,
// free by i % 4, "region": "r<i % 20>"}.
type SearchLoader func(b *testing.B, s connectd.Port, instanceID string, n int, now time.Time, span time.Duration)

// BenchmarkSearch times SearchContacts on one instance of n contacts (n is
// 1,000,000 unless CONNECTD_SEARCH_BENCH_CONTACTS says otherwise), each
// operation one page of up to 100 contacts plus its TotalCount, for every
// store alike: open returns an empty store on clock, load fills it. Two
// layouts: "Spread" puts the contacts over SearchBenchDays, so that the day
// searched holds n/700 of them; "Dense" puts them all in the day searched,
// as a load test's contacts are (the layout of issue 18's measurements).
// Every key searched is configured searchable before the load, so that
// the index holds it.
func BenchmarkSearch(b *testing.B, open func(b *testing.B, clock connectd.Clock) connectd.Port, load SearchLoader) {
	BenchmarkSearchFixtures(b, func(b *testing.B, clock connectd.Clock, _ string) (connectd.Port, bool) {
		return open(b, clock), false
	}, load)
}

// SearchFixtureOpener opens the store of one BenchmarkSearch layout. name
// names the layout and its size ("Dense-1000000"); loaded reports that the
// store holds that layout's instance and contacts already, as a store that
// keeps its loaded data on disk between runs can (loading 1,000,000 contacts
// into SQLite takes about two minutes), so that the benchmark neither
// creates the instance nor loads it.
type SearchFixtureOpener func(b *testing.B, clock connectd.Clock, name string) (port connectd.Port, loaded bool)

// BenchmarkSearchFixtures is BenchmarkSearch on stores that may come
// loaded.
func BenchmarkSearchFixtures(b *testing.B, open SearchFixtureOpener, load SearchLoader) {
	b.Run("Spread", func(b *testing.B) { benchmarkSearchLayout(b, open, load, "Spread", SearchBenchDays*24*time.Hour) })
	b.Run("Dense", func(b *testing.B) { benchmarkSearchLayout(b, open, load, "Dense", 24*time.Hour) })
}

func benchmarkSearchLayout(b *testing.B, open SearchFixtureOpener, load SearchLoader, layout string, span time.Duration) {
	n := searchBenchSize(b)
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	clock := connectd.NewManualClock(now)
	port, loaded := open(b, clock, fmt.Sprintf("%s-%d", layout, n))
	s := connectd.NewService(port, clock)
	owner := connectd.Owner{AccountID: "111122223333", Region: "us-east-1"}
	inst := &connectd.Instance{ID: "bench", Owner: owner, Status: connectd.InstanceStatusActive}
	if !loaded {
		if err := s.CreateInstance(context.Background(), inst); err != nil {
			b.Fatal(err)
		}
		// The keys searched are configured searchable, so that the load's
		// writes index them (search_index.go).
		if err := s.SetSearchableKeys(context.Background(), inst.ID, []string{"customer", "tier", "region"}); err != nil {
			b.Fatal(err)
		}
		loadStart := time.Now()
		load(b, port, inst.ID, n, now, span)
		b.Logf("loaded %d contacts in %v", n, time.Since(loadStart).Round(time.Millisecond))
	}

	// A day centred on a contact of the customer searched for (the whole
	// span in the dense layout).
	first := now.Add(-span)
	day := first.Add(span / SearchBenchDays * (SearchBenchDays - 100)).Add(-12 * time.Hour)
	if span <= 24*time.Hour {
		day = first
	}
	attr := func(kv ...string) *connectd.AttributeCriteria {
		a := &connectd.AttributeCriteria{Match: connectd.MatchAll}
		for i := 0; i+1 < len(kv); i += 2 {
			a.Criteria = append(a.Criteria, connectd.AttributeCriterion{Key: kv[i], Values: []string{kv[i+1]}})
		}
		return a
	}
	// A customer whose contacts fall in the day searched.
	dayIndex := int64(float64(n) * float64(day.Add(12*time.Hour).Sub(first)) / float64(span))
	customer := fmt.Sprintf("cust-%d", dayIndex%int64(n/5))
	cases := []struct {
		name        string
		from, to    time.Time
		attrs       *connectd.AttributeCriteria
		wantAtLeast int
	}{
		{"OneValueOneDay", day, day.Add(24 * time.Hour), attr("customer", customer), 1},
		{"CommonValueOneDay", day, day.Add(24 * time.Hour), attr("tier", "gold"), 1},
		{"FivePercentValueOneDay", day, day.Add(24 * time.Hour), attr("region", "r0"), 0},
		// A day that starts 25 minutes past an hour (as "the last 24
		// hours" does, at some time): counters of whole buckets leave
		// partial ones to walk, here the most a ten-minute bucket leaves
		// (sqlite, migration 0016).
		{"CommonValueUnalignedDay", day.Add(25 * time.Minute), day.Add(24*time.Hour + 25*time.Minute), attr("tier", "gold"), 1},
		{"FivePercentValueUnalignedDay", day.Add(25 * time.Minute), day.Add(24*time.Hour + 25*time.Minute), attr("region", "r0"), 0},
		{"TwoValuesOneDay", day, day.Add(24 * time.Hour), attr("tier", "gold", "region", "r0"), 0},
		// A common value first and a rare one second: the rare one's
		// members should drive, whatever the criteria's order.
		{"CommonThenRareValueOneDay", day, day.Add(24 * time.Hour), attr("tier", "gold", "customer", customer), 0},
		{"OneValueAllTime", now.AddDate(0, 0, -SearchBenchDays), now, attr("customer", customer), 5},
		{"NoCriteriaOneDay", day, day.Add(24 * time.Hour), nil, 1},
		{"NoCriteriaOneMinute", day, day.Add(time.Minute), nil, 0},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			q := &connectd.SearchQuery{InstanceID: inst.ID, TimeRange: connectd.TimeInitiation,
				Start: tc.from, End: tc.to, Attributes: tc.attrs, Sort: connectd.SortInitiation, Limit: 100}
			runtime.GC() // the load's garbage is not this case's
			cpu0, measured := processCPU()
			for b.Loop() {
				page, err := s.SearchContacts(context.Background(), owner, q)
				if err != nil {
					b.Fatal(err)
				}
				if int(page.TotalCount) < tc.wantAtLeast {
					b.Fatalf("TotalCount %d, want at least %d", page.TotalCount, tc.wantAtLeast)
				}
			}
			// The process's CPU per search (the store's goroutines and the
			// garbage collector included): what issue 18's ratios compare
			// when the machine is busy.
			if cpu1, ok := processCPU(); measured && ok {
				b.ReportMetric(float64((cpu1-cpu0).Microseconds())/float64(b.N), "cpu-µs/op")
			}
		})
	}
}

// searchBenchSize is how many contacts BenchmarkSearch loads. It only
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

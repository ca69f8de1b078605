package sqlite

import (
	"fmt"
	"testing"
	"time"

	"github.com/connectd/connectd"
)

// TestMigrationRecountsInBuckets builds a database as migration 0014 left
// it (hourly counters of the members), with members over several hours,
// before 1970 too, and chains started before their members, then opens it:
// migrations 0016 and 0018 leave exactly the recount in buckets of
// countBucket (five minutes), counts agree with the walk, and writes
// after them keep the new counters.
func TestMigrationRecountsInBuckets(t *testing.T) {
	dir := t.TempDir()
	db, exec := dbBefore(t, dir, 16)
	const members = 400
	for i := range members {
		at := int64(i-100) * 97_000 // about 11 hours from before 1970, 6 members a bucket
		exec(`INSERT INTO contact_attribute_members (instance_id, name, value, initiated_ms, contact_id, chain_ms)
			VALUES ('i', 'tier', ?, ?, ?, ?)`, []string{"gold", "silver"}[i%2], at, fmt.Sprintf("c%d", i), at-int64(i%3)*700_000)
	}
	var hourly int
	if err := db.QueryRow(`SELECT count(*) FROM contact_attribute_counts WHERE hour BETWEEN -2 AND 12`).Scan(&hourly); err != nil || hourly == 0 {
		t.Fatalf("0014's hourly counters: %d rows, %v", hourly, err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	s, err := Open(t.Context(), dir, connectd.NewManualClock(time.Unix(0, 0)), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	checkCounts(t, s)
	var buckets int
	if err := s.read.QueryRow(`SELECT count(*) FROM contact_attribute_counts`).Scan(&buckets); err != nil || buckets <= hourly {
		t.Fatalf("after 0016 and 0018: %d counter rows (%v), want more than the %d hourly ones", buckets, err, hourly)
	}
	wantCount := func(lo, hi int64) {
		t.Helper()
		var want, got int64
		if err := s.read.QueryRow(`SELECT count(*) FROM contact_attribute_members WHERE instance_id = 'i' AND name = 'tier'
			AND value = 'gold' AND initiated_ms BETWEEN ? AND ?`, lo, hi).Scan(&want); err != nil {
			t.Fatal(err)
		}
		query, args := memberCount("i", "tier", []any{"gold"}, lo, hi, -1<<40)
		if err := s.read.QueryRow(query, args...).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want || want == 0 {
			t.Fatalf("[%d, %d]: counted %d, the walk %d", lo, hi, got, want)
		}
	}
	wantCount(-7_000_000, 25_000_000)
	wantCount(-1_234_567, 7_654_321)
	// The new triggers keep the buckets.
	if _, err := s.writer.Exec(`DELETE FROM contact_attribute_members WHERE contact_id IN ('c10', 'c11', 'c250')`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.writer.Exec(`INSERT INTO contact_attribute_members (instance_id, name, value, initiated_ms, contact_id, chain_ms)
		VALUES ('i', 'tier', 'gold', 1_000_001, 'new', 1)`); err != nil {
		t.Fatal(err)
	}
	checkCounts(t, s)
	wantCount(-7_000_000, 25_000_000)
}

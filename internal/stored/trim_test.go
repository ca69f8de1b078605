package stored

import (
	"context"
	"math"
	"strings"
	"testing"
)

// raceDB answers TrimOutbox's cutoff with no row to keep from (as for an
// outbox emptied since the span was read: a reset, a second replica's
// trim), and the count of 30 a snapshot before that saw.
type raceDB struct{ deleted []any }

func (d *raceDB) Exec(_ context.Context, q string, args ...any) (int64, error) {
	if strings.HasPrefix(q, "DELETE FROM outbox") {
		d.deleted = args
	}
	return 0, nil
}
func (d *raceDB) Insert(context.Context, string, ...any) (int64, error) { return 0, nil }
func (d *raceDB) One(_ context.Context, q string, _ []any, dest ...any) (bool, error) {
	switch {
	case strings.Contains(q, "max(seq)"):
		*dest[0].(*int64) = 30
		return true, nil
	case strings.Contains(q, "OFFSET"):
		*dest[0].(*int64) = 30 // and dest[1], the oldest to keep, NULL
		return true, nil
	}
	*dest[0].(*int) = 0
	return true, nil
}
func (d *raceDB) Query(context.Context, string, ...any) (Rows, func(), error) { return nil, nil, nil }

func TestTrimKeepsEntriesWhenTheCutoffIsGone(t *testing.T) {
	db := &raceDB{}
	sql := SharedStatements(Dialect{})
	tb := Tables{DB: db, SQL: &sql}
	if _, err := tb.TrimOutbox(context.Background(), 10); err != nil {
		t.Fatal(err)
	}
	if len(db.deleted) == 1 && db.deleted[0] == int64(math.MaxInt64) {
		t.Fatalf("keep=10, cutoff row gone: TrimOutbox ran DELETE FROM outbox WHERE seq < MaxInt64, dropping every entry")
	}
}

// spanDB answers the span of the outbox's seqs and records every other
// statement that TrimOutbox runs.
type spanDB struct {
	span int64
	ran  []string
}

func (d *spanDB) Exec(_ context.Context, q string, _ ...any) (int64, error) {
	d.ran = append(d.ran, q)
	return 0, nil
}
func (d *spanDB) Insert(context.Context, string, ...any) (int64, error) { return 0, nil }
func (d *spanDB) One(_ context.Context, q string, _ []any, dest ...any) (bool, error) {
	if strings.Contains(q, "max(seq)") {
		*dest[0].(*int64) = d.span
		return true, nil
	}
	d.ran = append(d.ran, q)
	switch v := dest[0].(type) { // the count: an empty outbox
	case *int:
		*v = 0
	case *int64:
		*v = 0
	}
	return true, nil
}
func (d *spanDB) Query(context.Context, string, ...any) (Rows, func(), error) { return nil, nil, nil }

// A trim whose outbox spans no more seqs than it keeps cannot have more
// entries than that: it ends after the span, without the count (a scan of
// the table on PostgreSQL) or the lock; one whose span is past keep counts.
func TestTrimUnderTheCapReadsOnlyTheSpan(t *testing.T) {
	sql := SharedStatements(Dialect{})
	sql.LockTrim = "SELECT lock"
	for _, c := range []struct {
		span, keep int64
		counts     bool
	}{{0, 10, false}, {10, 10, false}, {11, 10, true}, {1, 0, true}} {
		db := &spanDB{span: c.span}
		tb := Tables{DB: db, SQL: &sql}
		if n, err := tb.TrimOutbox(context.Background(), int(c.keep)); err != nil || n != 0 {
			t.Fatalf("span %d keep %d: TrimOutbox = %d, %v; want 0, nil", c.span, c.keep, n, err)
		}
		if counted := len(db.ran) > 0; counted != c.counts {
			t.Errorf("span %d keep %d: ran %q; want the lock and the count: %v", c.span, c.keep, db.ran, c.counts)
		}
	}
}

// TestTrimCountsAndCutsInOneStatement: the count and the cutoff come from
// one statement, so from one snapshot: a DeleteInstance committed between
// two statements made the trim delete past the excess.
func TestTrimCountsAndCutsInOneStatement(t *testing.T) {
	sql := SharedStatements(Dialect{})
	sql.LockTrim = "SELECT lock"
	db := &spanDB{span: 50}
	tb := Tables{DB: db, SQL: &sql}
	if _, err := tb.TrimOutbox(context.Background(), 10); err != nil {
		t.Fatal(err)
	}
	var reads []string
	for _, q := range db.ran {
		if strings.HasPrefix(q, "SELECT lock") {
			continue
		}
		reads = append(reads, q)
	}
	if len(reads) != 1 || !strings.Contains(reads[0], "count(*)") || !strings.Contains(reads[0], "OFFSET") {
		t.Fatalf("the trim read %q; want one statement with the count and the cutoff", reads)
	}
}

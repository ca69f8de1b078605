package stored

import (
	"context"
	"math"
	"strings"
	"testing"
)

// raceDB answers TrimOutbox as PostgreSQL's READ COMMITTED can: the count
// sees 30 entries, and by the next statement another transaction (a second
// replica's trim, a DeleteInstance, a reset) has removed enough that the
// OFFSET finds no row.
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
	case strings.HasPrefix(q, "SELECT count(*) FROM outbox") && !strings.Contains(q, "WHERE"):
		*dest[0].(*int) = 30
		return true, nil
	case strings.Contains(q, "OFFSET"):
		return false, nil // the rows went meanwhile
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

package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/internal/stored"
)

var _ connectd.Port = (*Store)(nil)

// Update runs fn as one write of the group committer (see write): on the
// single writer connection, inside its own savepoint, acknowledged once
// the commit that covers it is durable.
func (s *Store) Update(ctx context.Context, op string, fn func(connectd.Tx) error) error {
	return s.write(ctx, op, func(tx *txn) error {
		r := &rows{s: s, q: tx, w: tx}
		r.Tables = tables(r)
		return fn(r)
	})
}

// View runs fn on the read pool, which in WAL mode sees only committed
// data and never waits for the writer. It first takes a read slot, waiting
// a bounded time for one (see enterRead). A search then moves its View into
// one read transaction (snapshot), which ends before the slot is released.
func (s *Store) View(ctx context.Context, op string, fn func(connectd.Tx) error) error {
	release, err := s.enterRead(ctx)
	if err != nil {
		return wrap(op, err)
	}
	defer release()
	r := &rows{s: s, q: s.reader}
	r.Tables = tables(r)
	defer r.endSnapshot()
	return wrap(op, fn(r))
}

// errReadOnly answers a write attempted in a View.
var errReadOnly = errors.New("sqlite: write in a read-only view")

// rows is the connectd.Tx of a unit of work: its reads go through q (the
// write transaction, or the read pool), its writes through w (nil in a
// View). Nothing is locked: the single writer connection already runs every
// write after the one before it. snap is a View's read transaction, once
// it took one (snapshot, search_index.go).
type rows struct {
	s    *Store
	q    querier
	w    *txn
	snap *sql.Tx

	stored.Tables // the rows both stores read and write alike (see tables)
}

// exec runs a write statement of the unit.
func (r *rows) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if r.w == nil {
		return nil, errReadOnly
	}
	return r.w.ExecContext(ctx, query, args...)
}

// cutoff is the retention cutoff at the clock's now, in stored form.
func (s *Store) cutoff() int64 {
	return connectd.RetentionCutoff(s.clock.Now()).UnixMilli()
}

// count runs a count(*) query.
func (r *rows) count(ctx context.Context, query string, args ...any) (int, error) {
	var n int
	err := r.q.QueryRowContext(ctx, query, args...).Scan(&n)
	return n, err
}

// one scans a query's single row into dest; found is false for no row.
func (r *rows) one(ctx context.Context, query string, args []any, dest ...any) (bool, error) {
	err := r.q.QueryRowContext(ctx, query, args...).Scan(dest...)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// tables is this store's part of the row code it shares with postgres:
// its SQL and its driver (stored.Tables).
func tables(r *rows) stored.Tables {
	return stored.Tables{DB: db{r}, SQL: r.s.sql, Driver: driver()}
}

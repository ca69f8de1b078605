package sqlite

import (
	"context"
	"fmt"
	"strings"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/internal/stored"
)

// The outbox entries of a batch are inserted together, a few multi-row
// INSERTs just before the commit, instead of one INSERT per entry as
// each unit appends it: one INSERT per UpdateContactAttributes was about a
// tenth of the committer's CPU, database/sql's and the driver's work per
// statement and SQLite's update of sqlite_sequence (AUTOINCREMENT) per
// statement included (BENCHMARKS.md, issue 18 session 4). The Port allows
// it: AppendOutbox sets Seq "at the latest by the time the unit of work
// has committed".
//
// What stays as it was:
//   - The entries are written in the transaction of the changes they
//     announce, so they commit with them or not at all.
//   - Seq follows the order of the appends: a batch's units run one after
//     another and their entries are inserted in that order, every
//     statement's rows in the order of its VALUES, each row taking the next
//     seq (the table has no trigger; AUTOINCREMENT allots one after
//     another within a statement, and no other writer runs).
//   - A unit rolled back (to its savepoint, or because it failed before
//     writing) takes its entries with it: they wait in the unit's list
//     until it is released (overlay.release). A batch that is rolled back
//     and run again starts with empty lists (overlay.reset), so it neither
//     repeats nor drops an entry.
//   - Every statement of this package that reads or changes the outbox in
//     a write first inserts what waits (rows.flushOutbox), so it sees the
//     entries of the units before it and of its own unit, in seq order.

// maxOutboxRows is the most entries one INSERT takes. Larger statements
// saved little more, and each size is a statement the writer keeps
// prepared (outboxInserts).
const maxOutboxRows = 64

// outboxQueue is the entries a write batch appended and has not inserted
// yet. Only the committer goroutine uses it.
type outboxQueue struct {
	batch []*connectd.OutboxEntry // of released units, in order
	unit  []*connectd.OutboxEntry // of the unit running now
	// flushed is what of batch the running unit inserted (a read of the
	// outbox flushed it): rolled back with the unit's savepoint, so it
	// waits again if the unit is.
	flushed []*connectd.OutboxEntry
	args    []any // reused for the statements' values
}

func (q *outboxQueue) waiting() bool { return len(q.batch)+len(q.unit) > 0 }

// release keeps the unit's entries: its savepoint was released.
func (q *outboxQueue) release() {
	q.batch = append(q.batch, q.unit...)
	q.unit = clearSlice(q.unit)
	q.flushed = clearSlice(q.flushed)
}

// rollback drops the unit's entries and puts back those of the batch the
// unit inserted, which the savepoint's rollback removed again.
func (q *outboxQueue) rollback() {
	q.unit = clearSlice(q.unit)
	for _, e := range q.flushed {
		e.Seq = 0
	}
	q.batch = append(q.flushed, q.batch...)
	q.flushed = nil
}

// reset forgets everything, for the next batch or a batch run again.
func (q *outboxQueue) reset() {
	q.batch, q.unit, q.flushed = clearSlice(q.batch), clearSlice(q.unit), clearSlice(q.flushed)
}

// clearSlice empties s, keeping its array but not what it pointed to.
func clearSlice(s []*connectd.OutboxEntry) []*connectd.OutboxEntry {
	clear(s)
	return s[:0]
}

// outboxInserts returns the INSERT of n entries for each n that is a power
// of two up to maxOutboxRows, indexed by log2(n).
func outboxInserts() []string {
	var out []string
	for n := 1; n <= maxOutboxRows; n *= 2 {
		var b strings.Builder
		b.WriteString(`INSERT OR FAIL INTO outbox (instance_id, contact_id, kind, payload, created_ms, state) VALUES `)
		for i := range n {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(?, ?, ?, ?, ?, ?)")
		}
		out = append(out, b.String())
	}
	return out
}

// AppendOutbox adds e to the entries the batch inserts before it commits
// (see above); e.Seq is set then.
func (r *rows) AppendOutbox(_ context.Context, e *connectd.OutboxEntry) error {
	if r.w == nil {
		return errReadOnly
	}
	r.s.ov.outbox.unit = append(r.s.ov.outbox.unit, e)
	return nil
}

// flushOutbox inserts the entries waiting in a write, if any.
func (r *rows) flushOutbox(ctx context.Context) error {
	if r.w == nil {
		return nil
	}
	return r.s.flushOutbox(ctx, r.w)
}

// flushOutbox inserts every entry waiting, oldest first, in as few
// statements as the sizes of outboxInserts allow, and sets their Seq.
func (s *Store) flushOutbox(ctx context.Context, tx *txn) error {
	q := &s.ov.outbox
	if !q.waiting() {
		return nil
	}
	q.flushed = append(q.flushed, q.batch...)
	all := append(q.batch, q.unit...)
	values := stored.Tables{Driver: driver()}
	for len(all) > 0 {
		size := 0 // log2 of the largest statement that fits
		for 2<<size <= min(len(all), maxOutboxRows) {
			size++
		}
		n := 1 << size
		args := q.args[:0]
		for _, e := range all[:n] {
			args = values.OutboxValues(args, e)
		}
		q.args = args
		res, err := tx.ExecContext(ctx, s.outboxInserts[size], args...)
		if err != nil {
			return fmt.Errorf("insert %d outbox entries: %w", n, err)
		}
		last, err := res.LastInsertId()
		if err != nil {
			return err
		}
		for i, e := range all[:n] {
			e.Seq = last - int64(n-1-i)
		}
		all = all[n:]
	}
	clear(q.args)
	q.batch, q.unit = clearSlice(q.batch), clearSlice(q.unit)
	return nil
}

// The outbox's statements in a write first insert what waits.

func (r *rows) PendingOutbox(ctx context.Context, limit int) ([]*connectd.OutboxEntry, error) {
	if err := r.flushOutbox(ctx); err != nil {
		return nil, err
	}
	return r.Tables.PendingOutbox(ctx, limit)
}

func (r *rows) Outbox(ctx context.Context, instanceID string, after int64, limit int) ([]*connectd.OutboxEntry, error) {
	if err := r.flushOutbox(ctx); err != nil {
		return nil, err
	}
	return r.Tables.Outbox(ctx, instanceID, after, limit)
}

func (r *rows) MarkOutbox(ctx context.Context, e *connectd.OutboxEntry) error {
	if err := r.flushOutbox(ctx); err != nil {
		return err
	}
	return r.Tables.MarkOutbox(ctx, e)
}

func (r *rows) TrimOutbox(ctx context.Context, keep int) (int, error) {
	if err := r.flushOutbox(ctx); err != nil {
		return 0, err
	}
	return r.Tables.TrimOutbox(ctx, keep)
}

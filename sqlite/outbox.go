package sqlite

import (
	"context"
	"errors"
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
	// failed is the error of a flush that failed in the running unit:
	// the unit fails with it even if it went on (takeFailure).
	failed error
	all    []*connectd.OutboxEntry // reused: batch then unit, for a flush
	args   []any                   // reused for the statements' values
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
	q.failed = nil
}

// takeFailure returns, and forgets, the error of a flush that failed in
// the unit that just ran.
func (q *outboxQueue) takeFailure() error {
	err := q.failed
	q.failed = nil
	return err
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
	if e.CreatedAt.IsZero() {
		// created_ms is NOT NULL: refused here, the unit fails alone,
		// where at the batch's INSERT it would fail the whole batch.
		return fmt.Errorf("outbox entry of contact %s without a CreatedAt", e.ContactID)
	}
	r.s.ov.outbox.unit = append(r.s.ov.outbox.unit, e)
	return nil
}

// flushOutbox inserts the entries waiting in a write, if any, inside a
// unit. A savepoint holds the statements: if one fails, the rows the ones
// before it inserted go too, so that SQLite holds none of the entries
// still waiting (a unit rolled back, or one that ignored the error, would
// otherwise insert them twice), and the unit fails with the error.
func (r *rows) flushOutbox(ctx context.Context) error {
	q := &r.s.ov.outbox
	if r.w == nil || !q.waiting() {
		return nil
	}
	if _, err := r.w.ExecContext(ctx, "SAVEPOINT outbox"); err != nil {
		return fmt.Errorf("sqlite: outbox savepoint: %w", err)
	}
	err := r.s.flushOutbox(ctx, r.w)
	if err != nil {
		q.failed = err
		if _, rerr := r.w.ExecContext(ctx, "ROLLBACK TO outbox"); rerr != nil {
			return errors.Join(err, fmt.Errorf("sqlite: outbox rollback to savepoint: %w", rerr))
		}
	}
	if _, rerr := r.w.ExecContext(ctx, "RELEASE outbox"); rerr != nil {
		err = errors.Join(err, fmt.Errorf("sqlite: outbox release savepoint: %w", rerr))
		q.failed = err
	}
	return err
}

// flushOutbox inserts every entry waiting, oldest first, in as few
// statements as the sizes of outboxInserts allow, and sets their Seq.
// Only when every statement succeeded are the entries taken off the
// queue; on an error they still wait, with Seq 0. The batch's last flush,
// before its commit, needs no savepoint: its failure fails the batch.
func (s *Store) flushOutbox(ctx context.Context, tx *txn) error {
	q := &s.ov.outbox
	if !q.waiting() {
		return nil
	}
	all := append(append(q.all[:0], q.batch...), q.unit...)
	defer func() {
		clear(all)
		q.all = all[:0]
		clear(q.args[:cap(q.args)]) // the payloads of the largest statement too
	}()
	if err := s.insertOutbox(ctx, tx, all); err != nil {
		for _, e := range all {
			e.Seq = 0
		}
		return err
	}
	q.flushed = append(q.flushed, q.batch...)
	q.batch, q.unit = clearSlice(q.batch), clearSlice(q.unit)
	return nil
}

// insertOutbox inserts entries in order and sets their Seq.
func (s *Store) insertOutbox(ctx context.Context, tx *txn, all []*connectd.OutboxEntry) error {
	q := &s.ov.outbox
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

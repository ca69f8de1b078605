package stored

import (
	"context"
	"database/sql"
	"math"

	"github.com/connectd/connectd"
)

// AppendOutbox inserts e and sets its Seq.
func (t Tables) AppendOutbox(ctx context.Context, e *connectd.OutboxEntry) (err error) {
	var args [OutboxColumns]any
	e.Seq, err = t.DB.Insert(ctx, t.SQL.InsertOutbox, t.OutboxValues(args[:0], e)...)
	return err
}

// OutboxColumns is how many values a new outbox entry binds: instance_id,
// contact_id, kind, payload, created, state, in InsertOutbox's order.
const OutboxColumns = 6

// OutboxValues appends to args the values of e for InsertOutbox's
// columns, in its order; a store inserting several entries in one
// statement repeats them row by row.
func (t Tables) OutboxValues(args []any, e *connectd.OutboxEntry) []any {
	return append(args, e.InstanceID, e.ContactID, string(e.Kind), string(e.Payload), t.Driver.Time(e.CreatedAt),
		string(e.State))
}

// PendingOutbox returns up to limit pending entries, oldest first.
func (t Tables) PendingOutbox(ctx context.Context, limit int) ([]*connectd.OutboxEntry, error) {
	return query(ctx, t.DB, t.outboxOf, t.SQL.PendingOutbox, limit)
}

// Outbox returns up to limit entries after seq after, of one instance or
// of all ("").
func (t Tables) Outbox(ctx context.Context, instanceID string, after int64, limit int) ([]*connectd.OutboxEntry, error) {
	if instanceID == "" {
		return query(ctx, t.DB, t.outboxOf, t.SQL.OutboxAll, after, limit)
	}
	return query(ctx, t.DB, t.outboxOf, t.SQL.OutboxInstance, instanceID, after, limit)
}

// MarkOutbox writes e's delivery state.
func (t Tables) MarkOutbox(ctx context.Context, e *connectd.OutboxEntry) error {
	_, err := t.DB.Exec(ctx, t.SQL.MarkOutbox, string(e.State), e.Attempts, t.Driver.Time(e.NextAttempt), e.LastError,
		t.Driver.Time(e.DeliveredAt), e.Seq)
	return err
}

// TrimOutbox deletes all but the newest keep entries and returns how many
// of those were still pending.
//
// It counts the entries, then finds the oldest to keep by skipping the
// excess from the oldest end: what came in since the last trim. Seeking it
// from the newest end instead skipped the keep entries that stay, a scan
// of the whole table at the cap (100,000 rows, 70-90 ms of SQLite's single
// writer every trim); the count reads the smallest index (3 ms there).
//
// The count and the cutoff are one statement (OutboxCutoff), so they come
// from one snapshot also under PostgreSQL's READ COMMITTED: as two, a
// DeleteInstance committed between them removed entries the count
// included, and the trim then deleted past the excess, undelivered entries
// of other instances among them, and kept fewer than keep. An empty
// outbox (a reset emptied it since the span was read) has no cutoff and
// trims nothing: a missing cutoff once meant "delete every entry".
// LockTrim still serialises trims on PostgreSQL (two replicas trimming at
// once each deleted the excess again, the second from what the first
// left); SQLite's single writer needs no lock.

// Most trims find the outbox under its cap. The span of its seqs, read
// from the primary key's two ends (by two subqueries: see OutboxSpan),
// bounds the count (seqs are distinct integers), so a span within keep ends the trim before the count and the
// lock: on PostgreSQL the count was a scan of the whole table, 18 ms of
// the server's CPU at 27,000 entries every five seconds while nothing
// needed trimming (BENCHMARKS.md, "Issue 18, session 5: PostgreSQL
// update"). An entry committed after the span was read waits for the
// next trim, as one committed after the count did.
func (t Tables) TrimOutbox(ctx context.Context, keep int) (int, error) {
	var span int64
	if _, err := t.DB.One(ctx, t.SQL.OutboxSpan, nil, &span); err != nil || span <= int64(keep) {
		return 0, err
	}
	if t.SQL.LockTrim != "" {
		if _, err := t.DB.Exec(ctx, t.SQL.LockTrim); err != nil {
			return 0, err
		}
	}
	cut := int64(math.MaxInt64) // keep nothing: every seq is below it
	if keep > 0 {
		var total int64
		var oldest sql.NullInt64
		found, err := t.DB.One(ctx, t.SQL.OutboxCutoff, []any{keep}, &total, &oldest)
		if err != nil || !found || total <= int64(keep) || !oldest.Valid {
			return 0, err
		}
		cut = oldest.Int64
	} else {
		var total int
		if _, err := t.DB.One(ctx, t.SQL.CountOutbox, nil, &total); err != nil || total == 0 {
			return 0, err
		}
	}
	var n int
	if _, err := t.DB.One(ctx, t.SQL.CountPendingBefore, []any{cut}, &n); err != nil {
		return 0, err
	}
	_, err := t.DB.Exec(ctx, t.SQL.DeleteOutboxBefore, cut)
	return n, err
}

// outboxOf reads an outbox entry from the columns seq, instance_id,
// contact_id, kind, payload, created, state, attempts, next, last_error,
// delivered, in that order; the times in the store's form (Driver.ScanTime).
func (t Tables) outboxOf(scan func(dest ...any) error) (*connectd.OutboxEntry, error) {
	var (
		e                        connectd.OutboxEntry
		kind, state, payload     string
		created, next, delivered = t.Driver.ScanTime(), t.Driver.ScanTime(), t.Driver.ScanTime()
	)
	if err := scan(&e.Seq, &e.InstanceID, &e.ContactID, &kind, &payload, created.Dest(), &state, &e.Attempts,
		next.Dest(), &e.LastError, delivered.Dest()); err != nil {
		return nil, err
	}
	e.Kind, e.State, e.Payload = connectd.OutboxKind(kind), connectd.OutboxState(state), []byte(payload)
	e.CreatedAt, e.NextAttempt, e.DeliveredAt = created.Time(), next.Time(), delivered.Time()
	return &e, nil
}

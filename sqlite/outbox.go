package sqlite

import (
	"context"
	"database/sql"

	"github.com/connectd/connectd"
)

// Outbox statements (see migration 0007).
const (
	outboxColumns = `seq, instance_id, contact_id, kind, payload, created_ms, state, attempts,
		next_ms, last_error, delivered_ms`
	insertOutbox = `INSERT INTO outbox (instance_id, contact_id, kind, payload, created_ms, state)
		VALUES (?, ?, ?, ?, ?, ?)`
	pendingOutbox = `SELECT ` + outboxColumns + ` FROM outbox WHERE state = 'PENDING' ORDER BY seq LIMIT ?`
	markOutbox    = `UPDATE outbox SET state = ?, attempts = ?, next_ms = ?, last_error = ?, delivered_ms = ?
		WHERE seq = ?`
	outboxAll      = `SELECT ` + outboxColumns + ` FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?`
	outboxInstance = `SELECT ` + outboxColumns + ` FROM outbox WHERE instance_id = ? AND seq > ?
		ORDER BY seq LIMIT ?`
	// outboxCutoff is the seq of the oldest entry to keep: the keep-th
	// from the newest.
	outboxCutoff       = `SELECT seq FROM outbox ORDER BY seq DESC LIMIT 1 OFFSET ?`
	countPendingBefore = `SELECT count(*) FROM outbox WHERE seq < ? AND state = 'PENDING'`
	deleteOutboxBefore = `DELETE FROM outbox WHERE seq < ?`
)

// AppendOutbox takes the new seq from the statement's rowid (seq is the
// INTEGER PRIMARY KEY, and the table has no trigger to insert elsewhere):
// an Exec, where RETURNING seq made every contact change pay for a result
// row (a fifth of the insert's CPU in the UpdateContactAttributes profile).
func (r *rows) AppendOutbox(ctx context.Context, e *connectd.OutboxEntry) error {
	res, err := r.exec(ctx, insertOutbox, e.InstanceID, e.ContactID, string(e.Kind), string(e.Payload),
		millis(truncate(e.CreatedAt)), string(e.State))
	if err != nil {
		return err
	}
	e.Seq, err = res.LastInsertId()
	return err
}

func (r *rows) PendingOutbox(ctx context.Context, limit int) ([]*connectd.OutboxEntry, error) {
	return r.outbox(ctx, pendingOutbox, limit)
}

func (r *rows) Outbox(ctx context.Context, instanceID string, after int64, limit int) ([]*connectd.OutboxEntry, error) {
	if instanceID == "" {
		return r.outbox(ctx, outboxAll, after, limit)
	}
	return r.outbox(ctx, outboxInstance, instanceID, after, limit)
}

func (r *rows) MarkOutbox(ctx context.Context, e *connectd.OutboxEntry) error {
	_, err := r.exec(ctx, markOutbox, string(e.State), e.Attempts, millis(truncate(e.NextAttempt)), e.LastError,
		millis(truncate(e.DeliveredAt)), e.Seq)
	return err
}

func (r *rows) TrimOutbox(ctx context.Context, keep int) (int, error) {
	var cut int64
	found, err := r.one(ctx, outboxCutoff, []any{max(keep-1, 0)}, &cut)
	if err != nil || !found {
		return 0, err
	}
	if keep == 0 {
		cut++ // keep nothing: the newest goes too
	}
	n, err := r.count(ctx, countPendingBefore, cut)
	if err != nil {
		return 0, err
	}
	_, err = r.exec(ctx, deleteOutboxBefore, cut)
	return n, err
}

// outbox runs a query of outboxColumns.
func (r *rows) outbox(ctx context.Context, query string, args ...any) ([]*connectd.OutboxEntry, error) {
	rs, err := r.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []*connectd.OutboxEntry
	for rs.Next() {
		var (
			e                    connectd.OutboxEntry
			kind, state, payload string
			created              int64
			next, delivered      sql.NullInt64
		)
		if err := rs.Scan(&e.Seq, &e.InstanceID, &e.ContactID, &kind, &payload, &created, &state, &e.Attempts,
			&next, &e.LastError, &delivered); err != nil {
			return nil, err
		}
		e.Kind, e.State, e.Payload = connectd.OutboxKind(kind), connectd.OutboxState(state), []byte(payload)
		e.CreatedAt = timeOf(sql.NullInt64{Int64: created, Valid: true})
		e.NextAttempt, e.DeliveredAt = timeOf(next), timeOf(delivered)
		out = append(out, &e)
	}
	return out, rs.Err()
}

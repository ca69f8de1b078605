package postgres

import (
	"context"
	"time"

	"github.com/connectd/connectd"
	"github.com/jackc/pgx/v5"
)

// Outbox statements (see migration 0008).
const (
	outboxColumns = `seq, instance_id, contact_id, kind, payload, created_at, state, attempts,
		next_at, last_error, delivered_at`
	insertOutbox = `INSERT INTO outbox (instance_id, contact_id, kind, payload, created_at, state)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING seq`
	pendingOutbox = `SELECT ` + outboxColumns + ` FROM outbox WHERE state = 'PENDING' ORDER BY seq LIMIT $1`
	markOutbox    = `UPDATE outbox SET state = $1, attempts = $2, next_at = $3, last_error = $4, delivered_at = $5
		WHERE seq = $6`
	outboxAll      = `SELECT ` + outboxColumns + ` FROM outbox WHERE seq > $1 ORDER BY seq LIMIT $2`
	outboxInstance = `SELECT ` + outboxColumns + ` FROM outbox WHERE instance_id = $1 AND seq > $2
		ORDER BY seq LIMIT $3`
	// outboxCutoff is the seq of the oldest entry to keep: the keep-th
	// from the newest.
	outboxCutoff       = `SELECT seq FROM outbox ORDER BY seq DESC LIMIT 1 OFFSET $1`
	countPendingBefore = `SELECT count(*) FROM outbox WHERE seq < $1 AND state = 'PENDING'`
	deleteOutboxBefore = `DELETE FROM outbox WHERE seq < $1`
)

func (r *rows) AppendOutbox(ctx context.Context, e *connectd.OutboxEntry) error {
	// Seq is set when the unit's next batch is read, before Update returns.
	return r.later(insertOutbox, func(row pgx.Row) error { return row.Scan(&e.Seq) },
		e.InstanceID, e.ContactID, string(e.Kind), string(e.Payload), truncate(e.CreatedAt), string(e.State))
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
	_, err := r.exec(ctx, markOutbox, string(e.State), e.Attempts, nullTime(e.NextAttempt), e.LastError,
		nullTime(e.DeliveredAt), e.Seq)
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
	rs, err := r.q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []*connectd.OutboxEntry
	for rs.Next() {
		var (
			e                    connectd.OutboxEntry
			kind, state, payload string
			created              time.Time
			next, delivered      *time.Time
		)
		if err := rs.Scan(&e.Seq, &e.InstanceID, &e.ContactID, &kind, &payload, &created, &state, &e.Attempts,
			&next, &e.LastError, &delivered); err != nil {
			return nil, err
		}
		e.Kind, e.State, e.Payload = connectd.OutboxKind(kind), connectd.OutboxState(state), []byte(payload)
		e.CreatedAt, e.NextAttempt, e.DeliveredAt = created.UTC(), timeOf(next), timeOf(delivered)
		out = append(out, &e)
	}
	return out, rs.Err()
}

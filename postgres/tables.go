package postgres

import (
	"context"
	"time"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/internal/stored"
)

// tables is this store's part of the row code it shares with sqlite: its
// SQL and its driver (stored.Tables).
func tables(r *rows) stored.Tables {
	return stored.Tables{DB: db{r}, SQL: statements(), Driver: driver()}
}

// statements are the SQL of stored.Tables: instance settings (migration
// 0005), contact state (0006), flow documents (0007), the outbox (0008)
// and storage configs (0009).
func statements() stored.Statements {
	return stored.Statements{
		FlowDoc: `SELECT doc FROM flow_docs WHERE instance_id = $1 AND kind = $2 AND id = $3`,
		FlowDocs: `SELECT instance_id, kind, id, doc FROM flow_docs
			WHERE ($1 = '' OR instance_id = $1) AND kind = $2 ORDER BY instance_id, id`,
		PutFlowDoc: `INSERT INTO flow_docs (instance_id, kind, id, doc) VALUES ($1, $2, $3, $4)
			ON CONFLICT (instance_id, kind, id) DO UPDATE SET doc = excluded.doc`,
		DeleteFlowDoc: `DELETE FROM flow_docs WHERE instance_id = $1 AND kind = $2 AND id = $3`,

		StorageConfigs: `SELECT association_id, resource_type, storage_type, stream_arn, firehose_arn, document
			FROM storage_configs WHERE instance_id = $1 AND ($2 = '' OR resource_type = $2) ORDER BY association_id`,
		PutStorageConfig: `INSERT INTO storage_configs (instance_id, association_id, resource_type, storage_type,
			stream_arn, firehose_arn, document) VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (instance_id, association_id) DO UPDATE SET resource_type = excluded.resource_type,
			storage_type = excluded.storage_type, stream_arn = excluded.stream_arn,
			firehose_arn = excluded.firehose_arn, document = excluded.document`,
		DeleteStorageConfig: `DELETE FROM storage_configs WHERE instance_id = $1 AND association_id = $2`,

		Settings: `SELECT doc FROM instance_settings WHERE instance_id = $1`,
		PutSettings: `INSERT INTO instance_settings (instance_id, doc) VALUES ($1, $2)
			ON CONFLICT (instance_id) DO UPDATE SET doc = excluded.doc`,
		InstanceTags: `UPDATE instances SET tags = $1 WHERE id = $2`,
		ContactState: `SELECT doc FROM contact_state WHERE instance_id = $1 AND contact_id = $2`,
		PutContactState: `INSERT INTO contact_state (instance_id, contact_id, doc) VALUES ($1, $2, $3)
			ON CONFLICT (instance_id, contact_id) DO UPDATE SET doc = excluded.doc`,

		InsertOutbox: `INSERT INTO outbox (instance_id, contact_id, kind, payload, created_at, state)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING seq`,
		PendingOutbox: `SELECT ` + outboxColumns + ` FROM outbox WHERE state = 'PENDING' ORDER BY seq LIMIT $1`,
		MarkOutbox: `UPDATE outbox SET state = $1, attempts = $2, next_at = $3, last_error = $4, delivered_at = $5
			WHERE seq = $6`,
		OutboxAll: `SELECT ` + outboxColumns + ` FROM outbox WHERE seq > $1 ORDER BY seq LIMIT $2`,
		OutboxInstance: `SELECT ` + outboxColumns + ` FROM outbox WHERE instance_id = $1 AND seq > $2
			ORDER BY seq LIMIT $3`,
		OutboxCutoff:       `SELECT seq FROM outbox ORDER BY seq DESC LIMIT 1 OFFSET $1`,
		CountPendingBefore: `SELECT count(*) FROM outbox WHERE seq < $1 AND state = 'PENDING'`,
		DeleteOutboxBefore: `DELETE FROM outbox WHERE seq < $1`,
	}
}

// outboxColumns are the outbox columns stored.Tables scans.
const outboxColumns = `seq, instance_id, contact_id, kind, payload, created_at, state, attempts,
	next_at, last_error, delivered_at`

// PutStorageConfig is stored.Tables', with a race between replicas on
// the unique indexes answered as a Conflict.
func (r *rows) PutStorageConfig(ctx context.Context, sc *connectd.StorageConfig) error {
	return conflict(r.Tables.PutStorageConfig(ctx, sc))
}

// db runs stored.Tables' statements in r's transaction or view (stored.DB).
type db struct{ r *rows }

func (d db) Exec(ctx context.Context, sql string, args ...any) (int64, error) {
	return d.r.exec(ctx, sql, args...)
}

// Insert needs a transaction: a view's pool would run it on its own.
func (d db) Insert(ctx context.Context, sql string, args ...any) (id int64, err error) {
	if !d.r.write {
		return 0, errReadOnly
	}
	err = d.r.q.QueryRow(ctx, sql, args...).Scan(&id)
	return id, err
}

func (d db) One(ctx context.Context, sql string, args []any, dest ...any) (bool, error) {
	return d.r.one(ctx, sql, args, dest...)
}

func (d db) Query(ctx context.Context, sql string, args ...any) (stored.Rows, func(), error) {
	rs, err := d.r.q.Query(ctx, sql, args...)
	if err != nil {
		return nil, nil, err
	}
	return rs, rs.Close, nil
}

// tsTime scans a timestamptz column (stored.TimeDest).
type tsTime struct{ t *time.Time }

func (t *tsTime) Dest() any       { return &t.t }
func (t *tsTime) Time() time.Time { return timeOf(t.t) }

package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/connectd/connectd/internal/stored"
)

// tables is this store's part of the row code it shares with postgres:
// its SQL and its driver (stored.Tables).
func tables(r *rows) stored.Tables {
	return stored.Tables{DB: db{r}, SQL: statements(), Driver: driver()}
}

// statements are the SQL of stored.Tables: flow documents (migration
// 0006), storage configs (0008), instance settings (0004), contact state
// (0005) and the outbox (0007). ?NNN names a parameter used twice.
func statements() stored.Statements {
	return stored.Statements{
		FlowDoc: `SELECT doc FROM flow_docs WHERE instance_id = ? AND kind = ? AND id = ?`,
		FlowDocs: `SELECT instance_id, kind, id, doc FROM flow_docs
			WHERE (?1 = '' OR instance_id = ?1) AND kind = ?2 ORDER BY instance_id, id`,
		PutFlowDoc: `INSERT INTO flow_docs (instance_id, kind, id, doc) VALUES (?, ?, ?, ?)
			ON CONFLICT (instance_id, kind, id) DO UPDATE SET doc = excluded.doc`,
		DeleteFlowDoc: `DELETE FROM flow_docs WHERE instance_id = ? AND kind = ? AND id = ?`,

		StorageConfigs: `SELECT association_id, resource_type, storage_type, stream_arn, firehose_arn, document
			FROM storage_configs WHERE instance_id = ?1 AND (?2 = '' OR resource_type = ?2) ORDER BY association_id`,
		PutStorageConfig: `INSERT INTO storage_configs (instance_id, association_id, resource_type, storage_type,
			stream_arn, firehose_arn, document) VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (instance_id, association_id) DO UPDATE SET resource_type = excluded.resource_type,
			storage_type = excluded.storage_type, stream_arn = excluded.stream_arn,
			firehose_arn = excluded.firehose_arn, document = excluded.document`,
		DeleteStorageConfig: `DELETE FROM storage_configs WHERE instance_id = ? AND association_id = ?`,

		Settings: `SELECT doc FROM instance_settings WHERE instance_id = ?`,
		PutSettings: `INSERT INTO instance_settings (instance_id, doc) VALUES (?, ?)
			ON CONFLICT (instance_id) DO UPDATE SET doc = excluded.doc`,
		InstanceTags: `UPDATE instances SET tags = ? WHERE id = ?`,
		ContactState: `SELECT doc FROM contact_state WHERE instance_id = ? AND contact_id = ?`,
		PutContactState: `INSERT INTO contact_state (instance_id, contact_id, doc) VALUES (?, ?, ?)
			ON CONFLICT (instance_id, contact_id) DO UPDATE SET doc = excluded.doc`,

		InsertOutbox: `INSERT INTO outbox (instance_id, contact_id, kind, payload, created_ms, state)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING seq`,
		PendingOutbox: `SELECT ` + outboxColumns + ` FROM outbox WHERE state = 'PENDING' ORDER BY seq LIMIT ?`,
		MarkOutbox: `UPDATE outbox SET state = ?, attempts = ?, next_ms = ?, last_error = ?, delivered_ms = ?
			WHERE seq = ?`,
		OutboxAll: `SELECT ` + outboxColumns + ` FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?`,
		OutboxInstance: `SELECT ` + outboxColumns + ` FROM outbox WHERE instance_id = ? AND seq > ?
			ORDER BY seq LIMIT ?`,
		OutboxCutoff:       `SELECT seq FROM outbox ORDER BY seq DESC LIMIT 1 OFFSET ?`,
		CountPendingBefore: `SELECT count(*) FROM outbox WHERE seq < ? AND state = 'PENDING'`,
		DeleteOutboxBefore: `DELETE FROM outbox WHERE seq < ?`,
	}
}

// outboxColumns are the outbox columns stored.Tables scans.
const outboxColumns = `seq, instance_id, contact_id, kind, payload, created_ms, state, attempts,
	next_ms, last_error, delivered_ms`

// db runs stored.Tables' statements in r's unit of work (stored.DB).
type db struct{ r *rows }

func (d db) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	res, err := d.r.exec(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// Insert runs on the writer's transaction; a view has none.
func (d db) Insert(ctx context.Context, query string, args ...any) (id int64, err error) {
	if d.r.w == nil {
		return 0, errReadOnly
	}
	err = d.r.w.QueryRowContext(ctx, query, args...).Scan(&id)
	return id, err
}

func (d db) One(ctx context.Context, query string, args []any, dest ...any) (bool, error) {
	return d.r.one(ctx, query, args, dest...)
}

func (d db) Query(ctx context.Context, query string, args ...any) (stored.Rows, func(), error) {
	rs, err := d.r.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, nil, err
	}
	return rs, func() { rs.Close() }, nil
}

// msTime scans a time column of Unix milliseconds (stored.TimeDest).
type msTime struct{ ms sql.NullInt64 }

func (t *msTime) Dest() any       { return &t.ms }
func (t *msTime) Time() time.Time { return timeOf(t.ms) }

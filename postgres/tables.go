package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/internal/stored"
)

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

// trimLock is the key of the advisory lock that serialises outbox trims:
// "connectd" as in migrationLock, its last byte changed.
const trimLock int64 = 0x636f6e6e65637475

// statements are the SQL of stored.Tables (the outbox: migration 0008).
func statements() *stored.Statements {
	s := stored.SharedStatements(dialect())
	s.InsertOutbox = `INSERT INTO outbox (instance_id, contact_id, kind, payload, created_at, state)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING seq`
	// A transaction-level advisory lock: replicas trim one at a time.
	s.LockTrim = fmt.Sprintf(`SELECT pg_advisory_xact_lock(%d)`, trimLock)
	// One lock per instance, by a hash of its id: replicas that change
	// one instance's flows, tags or settings do it one at a time. A
	// collision of two instances' hashes only serialises them too.
	s.LockInstance = `SELECT pg_advisory_xact_lock(hashtextextended('connectd instance ' || $1, 0))`
	return &s
}

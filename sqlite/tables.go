package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/connectd/connectd/internal/stored"
)

// db runs stored.Tables' statements in r's unit of work (stored.DB).
type db struct{ r *rows }

func (d db) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	res, err := d.r.exec(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// Insert runs on the writer's transaction (a view has none) and returns
// the new row's rowid, which is the integer the stored.Tables insert wants
// (the outbox's seq is its INTEGER PRIMARY KEY, and the table has no
// trigger that could insert elsewhere). An Exec: with RETURNING seq every
// contact change paid for a result row, a fifth of the insert's CPU in the
// UpdateContactAttributes profile.
func (d db) Insert(ctx context.Context, query string, args ...any) (id int64, err error) {
	res, err := d.r.exec(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
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

// statements are the SQL of stored.Tables (the outbox: migration 0007).
func statements() *stored.Statements {
	s := stored.SharedStatements(dialect())
	// No RETURNING seq: see db.Insert.
	s.InsertOutbox = `INSERT INTO outbox (instance_id, contact_id, kind, payload, created_ms, state)
		VALUES (?, ?, ?, ?, ?, ?)`
	return &s
}

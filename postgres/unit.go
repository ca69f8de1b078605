package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/internal/stored"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// A unit is the connection of one Update, pipelined (pgx.Batch, one Sync a
// batch) so that an attribute update costs two round trips instead of six:
//
//  1. BEGIN, the row lock (SELECT ... FOR UPDATE) and the contact's details,
//     which the Service reads next (see rows.LockContact);
//  2. the chain map's UPDATE, the outbox INSERT and COMMIT.
//
// BEGIN waits in the queue for the unit's first statement. The writes
// whose outcome the Service does not act on (SetChainMap, AppendOutbox:
// neither can meet a unique key or a missing parent) wait in it for the
// unit's next read or for COMMIT, whichever comes first, so a read always
// sees the unit's own writes. Every other write is sent at once, with the
// queue in front of it, because the Service acts on its Conflict.
//
// Each statement still runs in order on the server; a failed one makes the
// server skip the rest of its batch, COMMIT included, so a batch that
// failed before its COMMIT kept nothing and may be retried.
type unit struct {
	conn  *pgxpool.Conn
	queue []*stmt
	// other is set by any statement but those of an attribute update
	// (note): a unit that made one wrote more than the row cache knows.
	other bool
	// written is the xmin of the rows the fused chain map and outbox
	// write left (the transaction's id), 0 before it was read.
	written uint32
}

// stmt is one statement of a batch: an Exec, or a query of at most one
// row that scan reads.
type stmt struct {
	sql  string
	args []any
	scan func(pgx.Row) error // nil: an Exec
	tag  pgconn.CommandTag
}

// update runs fn in one unit and commits it: the attempt that Update
// retries. With fast (an attribute update) it first tries fn
// optimistically (fast.go).
func (s *Store) update(ctx context.Context, fast bool, fn func(connectd.Tx) error) error {
	if fast {
		if done, err := s.fastUpdate(ctx, fn); done {
			return err
		}
	}
	start := time.Now()
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	// pgxpool destroys, rather than reuses, a connection released in a
	// transaction: one whose ROLLBACK failed or was never sent.
	defer conn.Release()
	epoch, _ := s.fence.epoch()
	u := &unit{conn: conn, queue: []*stmt{{sql: beginReadCommitted}}}
	r := &rows{s: s, q: u, u: u, write: true}
	r.Tables = tables(r)
	if err := fn(r); err != nil {
		u.rollback(ctx)
		r.forgetLocked()
		return err
	}
	if err := u.commit(ctx); err != nil {
		u.rollback(ctx)
		r.forgetLocked()
		return err
	}
	r.rememberLocked(epoch)
	s.commits.Committed(1, start)
	return nil
}

// AppendOutbox is stored.Tables' INSERT, held back for the unit's next
// batch: e.Seq is set when that batch is read, before Update returns.
// Right after a chain map's UPDATE it joins that statement (fuseOutbox).
func (r *rows) AppendOutbox(_ context.Context, e *connectd.OutboxEntry) error {
	args := r.OutboxValues(make([]any, 0, stored.OutboxColumns), e)
	if r.write && r.u.fuseOutbox(&e.Seq, args...) {
		return nil
	}
	return r.later(r.SQL.InsertOutbox, func(row pgx.Row) error { return row.Scan(&e.Seq) }, args...)
}

// later queues a write for the unit's next batch.
func (u *unit) later(st *stmt) {
	u.note(st.sql)
	u.queue = append(u.queue, st)
}

// note marks the unit as one that did more than an attribute update's
// statements (see other).
func (u *unit) note(sql string) {
	switch sql {
	case beginReadCommitted, "COMMIT", lockContact, lockedDetails, updateChainMap:
	default:
		u.other = true
	}
}

// send sends the queue and then stmts as one batch and reads their
// results in order, up to the first error.
func (u *unit) send(ctx context.Context, stmts ...*stmt) error {
	for _, st := range stmts {
		u.note(st.sql)
	}
	all := append(u.queue, stmts...)
	u.queue = nil
	var b pgx.Batch
	for _, st := range all {
		b.Queue(st.sql, st.args...)
	}
	br := u.conn.SendBatch(ctx, &b)
	for _, st := range all {
		var err error
		if st.scan != nil {
			err = st.scan(br.QueryRow())
		} else {
			st.tag, err = br.Exec()
		}
		if err != nil {
			br.Close() //nolint:errcheck // the first error is the one to return
			return err
		}
	}
	return br.Close()
}

// commit sends what is queued with COMMIT. An error that the server gave
// for a statement before COMMIT means the server skipped COMMIT: nothing
// was kept and the attempt may be retried. Any other failure is an
// errCommit (never retried), as for pgx's own Commit, except a
// serialization failure at COMMIT, which the server refused to commit.
func (u *unit) commit(ctx context.Context) error {
	if len(u.queue) == 1 && u.queue[0].sql == beginReadCommitted {
		return nil // the unit sent nothing: there is no transaction
	}
	end := &stmt{sql: "COMMIT"}
	err := u.send(ctx, end)
	var pgErr *pgconn.PgError
	switch {
	case err == nil && end.tag.String() != "COMMIT":
		// A transaction that failed is ended by COMMIT with a ROLLBACK
		// tag and no error; every error is read above, so this is a bug.
		return &errCommit{errors.New("the server rolled the transaction back (" + end.tag.String() + ")")}
	case err == nil:
		return nil
	case errors.As(err, &pgErr) && end.tag.String() == "" && !endsSession(pgErr) &&
		!u.conn.Conn().IsClosed() && u.conn.Conn().PgConn().TxStatus() != 'I':
		// The server answered a statement before COMMIT with an error
		// and is still in the (failed) transaction: COMMIT did not run.
		// A FATAL (or PANIC) error closes the connection before the server says
		// whether it is in a transaction (TxStatus still reads the BEGIN's
		// state then), so the outcome is unknown: an errCommit.
		return err
	case sqlState(err) == codeSerialization:
		return err // the server refused to commit: nothing was kept
	}
	return &errCommit{err}
}

// rollback ends a unit that failed, unless there is no transaction to end
// (nothing was sent, or COMMIT ran). If ROLLBACK fails the connection is
// left in its transaction and the pool destroys it on release.
//
// ROLLBACK does not use the request's context: a unit that failed because
// that context ended (the client went away, connectd's request deadline)
// would fail its ROLLBACK too, and every such request would cost the pool
// a connection to rebuild, just when the server is overloaded.
func (u *unit) rollback(ctx context.Context) {
	if u.conn.Conn().PgConn().TxStatus() == 'I' {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rollbackTimeout)
	defer cancel()
	_, _ = u.conn.Exec(ctx, "ROLLBACK") //nolint:errcheck // see above
}

// rollbackTimeout bounds a ROLLBACK, which runs without the request's
// context; past it the pool destroys the connection instead.
const rollbackTimeout = 5 * time.Second

// Exec runs sql after the queue, in one batch with it.
func (u *unit) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	if len(u.queue) == 0 {
		u.note(sql)
		return u.conn.Exec(ctx, sql, args...)
	}
	st := &stmt{sql: sql, args: args}
	err := u.send(ctx, st)
	return st.tag, err
}

// QueryRow runs sql after the queue, in one batch with it, when the row
// is scanned.
func (u *unit) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	if len(u.queue) == 0 {
		u.note(sql)
		return u.conn.QueryRow(ctx, sql, args...)
	}
	return unitRow{ctx: ctx, u: u, sql: sql, args: args}
}

// Query sends the queue, then sql: a query of many rows is read as it
// streams, which a batch's results do not allow past the next statement.
func (u *unit) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	if len(u.queue) > 0 {
		if err := u.send(ctx); err != nil {
			return nil, err
		}
	}
	u.note(sql)
	return u.conn.Query(ctx, sql, args...)
}

// unitRow is the pgx.Row of a unit's QueryRow: its Scan sends the batch.
type unitRow struct {
	ctx  context.Context
	u    *unit
	sql  string
	args []any
}

func (r unitRow) Scan(dest ...any) error {
	return r.u.send(r.ctx, &stmt{sql: r.sql, args: r.args, scan: func(row pgx.Row) error { return row.Scan(dest...) }})
}

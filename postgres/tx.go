package postgres

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/connectd/connectd"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// maxAttempts bounds how often one operation is tried (see retryable).
const maxAttempts = 5

// querier is what both the pool and a transaction offer, so that one
// lookup serves plain reads and the read half of a read-modify-write.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// errCommit marks a failure of COMMIT itself: the transaction may or may
// not have committed, so it is never retried.
type errCommit struct{ err error }

func (e *errCommit) Error() string { return "commit: " + e.err.Error() }
func (e *errCommit) Unwrap() error { return e.err }

// Writers' transactions name READ COMMITTED, whatever the server's, the
// database's or the role's default_transaction_isolation (a startup
// parameter would do it too, but poolers such as PgBouncer refuse unknown
// ones): besides the row locks (inTx), a statement's own snapshot is what
// lets the registrations of search keys and counted values
// (search_index.go, search_counted.go) wait for every writer that could
// not see them. Reads take REPEATABLE READ by name (rows.snapshot).
var readCommitted = pgx.TxOptions{IsoLevel: pgx.ReadCommitted}

// beginReadCommitted is readCommitted's BEGIN, for a unit's queue.
const beginReadCommitted = "BEGIN ISOLATION LEVEL READ COMMITTED"

// inTx runs fn in a READ COMMITTED transaction and commits it. A domain
// error from fn rolls back and is returned as is, so a rejected request
// changes nothing. An attempt that fails before COMMIT with a retryable
// error is run again from the start, so fn must be safe to repeat (every
// fn of this package reads what it needs inside the transaction).
//
// READ COMMITTED (PostgreSQL's default) is enough because every
// read-modify-write locks the rows it depends on first; SELECT ... FOR
// UPDATE then reads the latest committed version. SERIALIZABLE would also
// be correct, but would turn every conflict into an aborted transaction to
// retry, where a row lock simply queues the writers of one chain.
func (s *Store) inTx(ctx context.Context, op string, fn func(tx pgx.Tx) error) error {
	return s.fail(op, s.retry(ctx, func() error {
		start := time.Now()
		tx, err := s.pool.BeginTx(ctx, readCommitted)
		if err != nil {
			return err
		}
		// After a successful Commit, Rollback is a no-op. If ctx is done,
		// pgx closes the connection instead, and the server rolls back.
		defer tx.Rollback(ctx) //nolint:errcheck
		if err := fn(tx); err != nil {
			return err
		}
		if err := tx.Commit(ctx); err != nil {
			if sqlState(err) == codeSerialization {
				return err // the server refused to commit: nothing was kept
			}
			return &errCommit{err}
		}
		s.commits.Committed(1, start)
		return nil
	}))
}

// read runs a read-only fn on the pool, with inTx's retries: a dead
// pooled connection costs one retry, not an error.
func (s *Store) read(ctx context.Context, op string, fn func(q querier) error) error {
	return s.fail(op, s.retry(ctx, func() error { return fn(s.pool) }))
}

// retry calls attempt until it succeeds, fails for good, or has been
// tried maxAttempts times.
func (s *Store) retry(ctx context.Context, attempt func() error) error {
	return s.retryOn(ctx, s.pool, attempt)
}

// retryOn is retry for attempts on pool, which it resets when a
// connection died.
func (s *Store) retryOn(ctx context.Context, pool *pgxpool.Pool, attempt func() error) error {
	reset := false
	for n := 1; ; n++ {
		err := attempt()
		var de *connectd.Error
		var ce *errCommit
		if err == nil || errors.As(err, &de) || errors.As(err, &ce) || n == maxAttempts || !retryable(err) {
			return err
		}
		s.log.Debug("postgres: retrying transaction", "attempt", n, "err", err)
		if !reset && isUnavailable(err) && !isConflict(err) {
			// A pooled connection died: the server restarted, failed
			// over or ended its sessions, so its siblings are most likely
			// dead too. Or the server is up but no longer a writable
			// primary (25006), and so are its siblings' servers. Resetting
			// the pool makes the next attempt dial a new connection, to
			// the host target_session_attrs picks now, instead of finding
			// the next corpse.
			pool.Reset()
			reset = true
		}
		// A short, jittered pause lets the transaction that won a
		// deadlock or a serialization conflict finish first.
		pause := time.Duration(n) * time.Duration(1+rand.IntN(5)) * time.Millisecond
		select {
		case <-ctx.Done():
			return errors.Join(err, ctx.Err())
		case <-time.After(pause):
		}
	}
}

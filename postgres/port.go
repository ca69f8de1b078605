package postgres

import (
	"context"
	"errors"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/internal/stored"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

var _ connectd.Port = (*Store)(nil)

// Update runs fn in one READ COMMITTED transaction, pipelined (see unit),
// retried from the start when it loses a deadlock or a serialization
// conflict, or its connection died, before COMMIT (see inTx for why READ
// COMMITTED with row locks). With a read DSN, it then notes the primary's
// WAL position, so that this Store's next Views wait for the standby to
// replay it (see reader).
func (s *Store) Update(ctx context.Context, op string, fn func(connectd.Tx) error) error {
	fast := op == connectd.OpUpdateAttributes
	err := s.fail(op, s.retry(ctx, func() error { return s.update(ctx, fast, fn) }))
	if err == nil {
		s.noteWrite(ctx)
	}
	return err
}

// View runs fn's reads on the pool, one round trip each, as most reads are
// a single lookup (GetContactAttributes, DescribeContact). The reads that
// must agree with each other (a search's count and its page, an export's
// instances and contacts) first move the view into one REPEATABLE READ,
// read-only transaction (see snapshot), where the rest of fn runs.
//
// With a read DSN, the pool is the standby's when it is current enough
// (see viewPool); a standby that fails the read is an outage of the
// standby only, and the primary serves the read instead.
func (s *Store) View(ctx context.Context, op string, fn func(connectd.Tx) error) error {
	pool := s.viewPool(ctx, op)
	view := func(pool *pgxpool.Pool) error {
		return s.retryOn(ctx, pool, func() error {
			r := &rows{s: s, q: pool, pool: pool}
			r.Tables = tables(r)
			defer r.endSnapshot(ctx)
			return fn(r)
		})
	}
	err := view(pool)
	var de *connectd.Error
	if pool != s.pool && err != nil && !errors.As(err, &de) && isUnavailable(err) {
		s.log.Warn("postgres: a read on the read DSN's server failed; reading from the primary", "op", op, "err", err)
		err = view(s.pool)
	}
	return s.fail(op, err)
}

// snapshot moves a View into a REPEATABLE READ, read-only transaction, once;
// in an Update it does nothing: the transaction is already there.
func (r *rows) snapshot(ctx context.Context) error {
	if r.write || r.snap != nil {
		return nil
	}
	tx, err := r.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return err
	}
	r.snap, r.q = tx, tx
	return nil
}

// endSnapshot ends a View's transaction, if it took one.
func (r *rows) endSnapshot(ctx context.Context) {
	if r.snap != nil {
		_ = r.snap.Rollback(ctx) // read-only: nothing to keep
	}
}

// errReadOnly answers a write attempted in a View.
var errReadOnly = errors.New("postgres: write in a read-only view")

// rows is the connectd.Tx of a transaction. LockContact and LockChain take
// row locks (SELECT ... FOR UPDATE), so that the read-modify-writes of the
// Service hold across connections and replicas.
type rows struct {
	s     *Store
	q     querier
	write bool
	pool  *pgxpool.Pool // a View's pool, for its snapshot
	snap  pgx.Tx        // a View's snapshot, once it has taken one

	stored.Tables // the rows both stores read and write alike (see tables)

	u   *unit     // an Update's pipelined connection (q too)
	pre *prefetch // details read with LockContact's lock, until the next write
	// unindexed is the row connectd.unindexed_* name (see lockedDetails).
	unindexed *unindexedRow

	fast   *fastAttempt // an Update's optimistic attempt (fast.go), or nil
	locked *lockedRow   // what LockContact read, for the row cache
	wrote  *chainWrite  // the unit's SetChainMap, for the row cache
}

// exec runs a write statement of the transaction.
func (r *rows) exec(ctx context.Context, sql string, args ...any) (int64, error) {
	if !r.write {
		return 0, errReadOnly
	}
	r.pre = nil // the write may change the prefetched details
	tag, err := r.q.Exec(ctx, sql, args...)
	return tag.RowsAffected(), err
}

// later queues a write of an Update for its next batch (see unit): a
// write the Service does not act on the outcome of, and that changes no
// contact's details. scan, if not nil, reads its RETURNING row.
func (r *rows) later(sql string, scan func(pgx.Row) error, args ...any) error {
	if !r.write {
		return errReadOnly
	}
	r.u.later(&stmt{sql: sql, args: args, scan: scan})
	return nil
}

// one scans a query's single row into dest; found is false for no row.
func (r *rows) one(ctx context.Context, sql string, args []any, dest ...any) (bool, error) {
	err := r.q.QueryRow(ctx, sql, args...).Scan(dest...)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// count runs a count(*) query.
func (r *rows) count(ctx context.Context, sql string, args ...any) (int, error) {
	var n int
	err := r.q.QueryRow(ctx, sql, args...).Scan(&n)
	return n, err
}

// conflict turns a unique or foreign key violation into the
// *connectd.Conflict the Service expects, by constraint name.
func conflict(err error) error {
	if constraint, ok := uniqueViolation(err); ok {
		switch constraint {
		case "instances_pkey":
			return &connectd.Conflict{What: connectd.ConflictInstanceID, Err: err}
		case "instances_owner_alias":
			return &connectd.Conflict{What: connectd.ConflictAlias, Err: err}
		case "contacts_pkey":
			return &connectd.Conflict{What: connectd.ConflictContactID, Err: err}
		case "contacts_client_token":
			return &connectd.Conflict{What: connectd.ConflictClientToken, Err: err}
		}
	}
	if sqlState(err) == codeForeignKeyViolation {
		// The instance was deleted while the contact was being created.
		return &connectd.Conflict{What: connectd.ConflictInstanceGone, Err: err}
	}
	return err
}

// tables is this store's part of the row code it shares with sqlite: its
// SQL and its driver (stored.Tables).
func tables(r *rows) stored.Tables {
	return stored.Tables{DB: db{r}, SQL: r.s.sql, Driver: driver()}
}

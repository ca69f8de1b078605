package postgres

import (
	"context"
	"errors"

	"github.com/connectd/connectd"
	"github.com/jackc/pgx/v5"
)

var _ connectd.Port = (*Store)(nil)

// Update runs fn in one READ COMMITTED transaction (see inTx), retried
// from the start when it loses a deadlock or a serialization conflict.
func (s *Store) Update(ctx context.Context, op string, fn func(connectd.Tx) error) error {
	return s.inTx(ctx, op, func(tx pgx.Tx) error {
		return fn(&rows{s: s, q: tx, write: true})
	})
}

// View runs fn's reads on the pool, one round trip each, as most reads are
// a single lookup (GetContactAttributes, DescribeContact). The reads that
// must agree with each other (a search's count and its page, an export's
// instances and contacts) first move the view into one REPEATABLE READ,
// read-only transaction (see snapshot), where the rest of fn runs.
func (s *Store) View(ctx context.Context, op string, fn func(connectd.Tx) error) error {
	err := s.retry(ctx, func() error {
		r := &rows{s: s, q: s.pool}
		defer r.endSnapshot(ctx)
		return fn(r)
	})
	return s.fail(op, err)
}

// snapshot moves a View into a REPEATABLE READ, read-only transaction, once;
// in an Update it does nothing: the transaction is already there.
func (r *rows) snapshot(ctx context.Context) error {
	if r.write || r.snap != nil {
		return nil
	}
	tx, err := r.s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
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
	snap  pgx.Tx // a View's snapshot, once it has taken one
}

// exec runs a write statement of the transaction.
func (r *rows) exec(ctx context.Context, sql string, args ...any) (int64, error) {
	if !r.write {
		return 0, errReadOnly
	}
	tag, err := r.q.Exec(ctx, sql, args...)
	return tag.RowsAffected(), err
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

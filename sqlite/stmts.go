package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"sync"
)

// stmtCache prepares each query once per pool and keeps it. The profile of
// an UpdateContactAttributes load showed SQLite's parser taking over a
// quarter of the CPU when every query was prepared afresh; a prepared
// statement is parsed once per connection instead. The queries are the
// package's constants, so the cache is small and bounded.
type stmtCache struct {
	db    *sql.DB
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, stmts: map[string]*sql.Stmt{}}
}

func (c *stmtCache) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := c.lookup(query); ok {
		return st, nil
	}
	return c.prepare(ctx, query)
}

// lookup returns the cached statement for query, without preparing one.
func (c *stmtCache) lookup(query string) (*sql.Stmt, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	st, ok := c.stmts[query]
	return st, ok
}

// prepare prepares query on the pool (taking one of its connections) and
// caches it.
func (c *stmtCache) prepare(ctx context.Context, query string) (*sql.Stmt, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.stmts[query]; ok {
		return st, nil
	}
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	c.stmts[query] = st
	return st, nil
}

func (c *stmtCache) close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var errs []error
	for _, st := range c.stmts {
		errs = append(errs, st.Close())
	}
	c.stmts = map[string]*sql.Stmt{}
	return errors.Join(errs...)
}

// querier is what both the read pool and a write transaction offer, so that
// one lookup serves reads and the read half of a read-modify-write.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// txn is a write transaction whose queries go through the writer's
// statement cache.
//
// Its statements run without their caller's cancellation (detached): the
// driver stops a statement whose context ends with sqlite3_interrupt, and
// an interrupted INSERT, UPDATE or DELETE rolls back the whole transaction
// (SQLite's documentation of sqlite3_interrupt), that is every write of the
// group commit, not just the one whose client gave up. A job whose client
// went away before the committer reached it is skipped instead (runInTx).
//
// The writer pool has exactly one connection, and the transaction holds it,
// so a statement cannot be prepared on the pool while the transaction runs
// (that would wait for the connection forever). A query the cache lacks runs
// unprepared and is noted in missed; the committer prepares those after the
// transaction ends, when the connection is free again.
//
// The transaction's view of a cached statement (Tx.StmtContext, which
// allocates it and keeps it until the transaction ends) is made once per
// transaction and kept in stmts: a batch runs the same few statements for
// each of its writes.
type txn struct {
	tx     *sql.Tx
	cache  *stmtCache
	stmts  map[string]*sql.Stmt
	missed map[string]struct{}
	ov     *overlay // told of every Exec, which may write (see runInTx)
}

// stmt returns the transaction's view of the cached statement for query, or
// nil (and a note to prepare it later) if it is not cached yet.
func (t *txn) stmt(ctx context.Context, query string) *sql.Stmt {
	if st, ok := t.stmts[query]; ok {
		return st
	}
	if st, ok := t.cache.lookup(query); ok {
		if t.stmts == nil {
			t.stmts = map[string]*sql.Stmt{}
		}
		txs := t.tx.StmtContext(ctx, st)
		t.stmts[query] = txs
		return txs
	}
	if t.missed == nil {
		t.missed = map[string]struct{}{}
	}
	t.missed[query] = struct{}{}
	return nil
}

// prepareMissed prepares the queries the transaction ran unprepared. Call
// it only once the transaction has ended. A query that fails to prepare is
// simply left uncached.
func (t *txn) prepareMissed(ctx context.Context) {
	for q := range t.missed {
		_, _ = t.cache.prepare(ctx, q)
	}
}

// ExecContext runs a statement in the transaction.
func (t *txn) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if t.ov != nil {
		t.ov.wrote = true
	}
	ctx = context.WithoutCancel(ctx)
	if st := t.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, query, args...)
}

// QueryRowContext runs a query for one row in the transaction.
func (t *txn) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	ctx = context.WithoutCancel(ctx)
	if st := t.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, query, args...)
}

// QueryContext runs a query in the transaction.
func (t *txn) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	ctx = context.WithoutCancel(ctx)
	if st := t.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, query, args...)
}

// execScript runs SQL of several statements (a migration), which a prepared
// statement cannot hold, outside the cache.
func (t *txn) execScript(ctx context.Context, script string) error {
	if t.ov != nil {
		t.ov.wrote = true
	}
	_, err := t.tx.ExecContext(ctx, script)
	return err
}

// reader runs queries on the read pool through its statement cache.
type reader struct{ cache *stmtCache }

// QueryRowContext runs a cached query on the read pool.
func (r reader) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := r.cache.stmt(ctx, query)
	if err != nil {
		return r.cache.db.QueryRowContext(ctx, query, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

// QueryContext runs a cached query on the read pool.
func (r reader) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := r.cache.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

package sqlite

import (
	"context"
	"database/sql"
	"time"
)

// searchStmtCap bounds the read pool's statement cache as a search's
// queries fill it: past it, a search's new query shape runs unprepared, as
// every search query did before. A search's queries are built per request
// (search_sql.go), but their shapes are few in practice (the criteria's
// kinds and their number of values); parsing them afresh was most of a
// search for a rare value: its count through the counters (search_counts.go)
// took 175 µs unprepared and 43 µs prepared (issue 18, BENCHMARKS.md
// "session 4").
const searchStmtCap = 128

// snapQuerier is a View's read transaction (snapshot) as a querier: a
// query the read pool's statement cache holds runs as the transaction's
// view of that statement (prepared once per connection); any other runs
// unprepared and is noted, to be prepared into the cache once the
// transaction has ended and given its connection back (prepareMissed): the
// transaction holds one connection, and preparing on the pool while it
// runs could wait for a connection that every other search holds too.
type snapQuerier struct {
	tx     *sql.Tx
	cache  *stmtCache
	missed map[string]struct{}
}

func (q *snapQuerier) stmt(ctx context.Context, query string) *sql.Stmt {
	if st, ok := q.cache.lookup(query); ok {
		return q.tx.StmtContext(ctx, st)
	}
	if q.missed == nil {
		q.missed = map[string]struct{}{}
	}
	q.missed[query] = struct{}{}
	return nil
}

// QueryRowContext runs a query for one row in the snapshot.
func (q *snapQuerier) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := q.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return q.tx.QueryRowContext(ctx, query, args...)
}

// QueryContext runs a query in the snapshot.
func (q *snapQuerier) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := q.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return q.tx.QueryContext(ctx, query, args...)
}

// prepareMissed prepares the queries the snapshot ran unprepared, while
// the cache is under searchStmtCap; call it once the transaction has
// ended. The View still holds its read slot, so a connection is normally
// free for it; if none is within prepareWait, the query stays uncached
// and a later search prepares it. A query that fails to prepare stays
// uncached too.
func (q *snapQuerier) prepareMissed() {
	if len(q.missed) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), prepareWait)
	defer cancel()
	for query := range q.missed {
		if q.cache.size() >= searchStmtCap {
			return
		}
		q.cache.add(ctx, query)
	}
}

// prepareWait bounds how long a search, after its answer is complete,
// waits for a connection to prepare its queries on.
const prepareWait = 100 * time.Millisecond

// add prepares query and caches it unless the cache has it already. Unlike
// prepare it does not hold the cache's lock while preparing, so that no
// lookup of another View waits for this one's connection.
func (c *stmtCache) add(ctx context.Context, query string) {
	if _, ok := c.lookup(query); ok {
		return
	}
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return
	}
	c.mu.Lock()
	_, had := c.stmts[query]
	if !had {
		c.stmts[query] = st
	}
	c.mu.Unlock()
	if had {
		_ = st.Close() // another View cached it meanwhile
	}
}

// size is how many statements the cache holds.
func (c *stmtCache) size() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.stmts)
}

package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/connectd/connectd"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// An attribute update of a contact this process wrote before is first
// tried optimistically, in one round trip and one statement (issue 18,
// target 3: "one round trip per update where the design allows"): the
// Service's function runs against the row cache (rowcache.go) instead of
// the database, and its one write, the chain map's UPDATE with the outbox
// INSERT, is sent as fastChainMapWithOutbox, which writes only if the row
// is still the version the cache holds (its xmin), in an implicit
// transaction of its own (no BEGIN, no COMMIT).
//
// That is the locked path's outcome exactly when it writes: the UPDATE
// takes the row's lock, and under READ COMMITTED an UPDATE that waited for
// a concurrent writer of the row re-checks its WHERE on the row's newest
// version, where the xmin is no longer the cache's. Every other write of
// the row (another update, an end, a rename, a change of its details: see
// SaveDetails) changes the xmin, so the Service's reads (the map it
// merges into, the contact and the details its event shows) were the
// latest committed ones when the write took the lock. The members trigger
// fires as for any unit that did not check the instance's search keys
// after its lock (migration 0013), so search stays consistent.
//
// The attempt gives way to the locked path (Store.update), which then
// answers, whenever it cannot be sure: a contact not cached (or cached too
// long ago, or in another of the fence's epochs), any read or write the
// cache cannot answer, an error from the Service (the locked path gives it
// from the database's state), a row that moved on, or a statement the
// server refused.
//
// A row that moved on costs the attempt's round trip on top of the locked
// path's two. With several replicas behind a load balancer that spreads
// a chain's updates over them, that is the common case, and the attempt
// would cost more than it saves: odds keeps it for replicas where it
// mostly commits.
type fastAttempt struct {
	key    rowKey
	entry  *cached // the entry LockContact used
	failed bool    // something was asked that the cache cannot answer
}

// errFallback is what a fast attempt's reads return when the cache cannot
// answer them: the attempt is then abandoned, whatever fn made of it.
var errFallback = errors.New("postgres: the optimistic attempt falls back to the locked path")

// fastChainMapWithOutbox is updateChainMapWithOutbox that writes only the
// row version the cache holds ($11, its xmin) of a live contact ($12, the
// retention cutoff), in one statement: no row (the INSERT reads m) when
// the row moved on. Outside VALUES the INSERT's parameters are typed by
// their use, hence the cast.
const fastChainMapWithOutbox = `WITH m AS (UPDATE contacts SET attributes = $1, updated_at = coalesce($2, updated_at)
		WHERE instance_id = $3 AND id = $4 AND xmin = $11 AND initiated_at >= $12 RETURNING 1)
	INSERT INTO outbox (instance_id, contact_id, kind, payload, created_at, state)
		SELECT $5, $6, $7, $8, $9::timestamptz, $10 FROM m RETURNING seq, xmin`

// fastUpdate runs fn as a fast attempt. It reports whether the attempt
// decided the update (committed it, or failed it for good); if not, the
// locked path runs fn again from the start.
func (s *Store) fastUpdate(ctx context.Context, fn func(connectd.Tx) error) (bool, error) {
	epoch, ok := s.fence.epoch()
	if !ok || s.cache.max == 0 { // no cache (--cache-mib 0): nothing to try
		return false, nil
	}
	start := time.Now()
	f := &fastAttempt{}
	r := &rows{s: s, write: true, q: refuse{f}, u: &unit{}, fast: f}
	r.Tables = tables(r)
	if err := fn(r); err != nil || f.failed || f.entry == nil || f.entry.epoch != epoch {
		return false, nil
	}
	w := r.wrote
	if len(r.u.queue) != 1 || r.u.queue[0].sql != updateChainMapWithOutbox || w == nil ||
		(rowKey{w.instance, w.id}) != f.key {
		return false, nil // not the one write this path sends
	}
	if !s.odds.try() { // asked only of attempts that would send it
		return false, nil
	}
	st := r.u.queue[0]
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return true, err
	}
	defer conn.Release()
	// A connection reaches another primary, or a restarted one, only
	// after the fence saw it (check runs for every new connection): an
	// entry of an earlier epoch may name a transaction id that server
	// hands out again.
	if now, _ := s.fence.epoch(); now != epoch {
		s.cache.drop(f.key)
		return false, nil
	}
	args := append(st.args, f.entry.xmin, s.cutoff())
	err = st.scan(conn.QueryRow(ctx, fastChainMapWithOutbox, args...))
	var pgErr *pgconn.PgError
	switch {
	case err == nil:
	case errors.Is(err, pgx.ErrNoRows):
		s.odds.note(false) // the row moved on: the locked path decides
		s.fastNot.Add(1)
		s.cache.drop(f.key)
		return false, nil
	case errors.As(err, &pgErr) && !endsSession(pgErr) && !conn.Conn().IsClosed():
		// The server refused the statement, which then kept nothing
		// (an implicit transaction); a FATAL error ends the session with
		// the outcome unknown, as for unit.commit.
		s.cache.drop(f.key)
		return false, nil
	case pgconn.SafeToRetry(err):
		return true, err // nothing was sent: Update's retries decide
	default:
		return true, &errCommit{err} // sent, outcome unknown
	}
	s.remember(f.key, f.entry.owner, f.entry.c, w, r.u.written, epoch)
	s.odds.note(true)
	s.fastOK.Add(1)
	s.commits.Committed(1, start)
	return true, nil
}

// lockCached is LockContact in a fast attempt: a copy of the cached
// contact, whose maps the Service only reads.
func (f *fastAttempt) lockCached(s *Store, owner connectd.Owner, instanceID, id string) (*connectd.Contact, error) {
	k := rowKey{instanceID, id}
	e := s.cache.get(k)
	if f.entry != nil || e == nil || e.owner != owner || e.c.InitiationTimestamp.Before(s.cutoff()) {
		f.failed = true
		return nil, errFallback
	}
	f.key, f.entry = k, e
	c := e.c
	c.References, c.Tags = nil, nil // LoadDetails sets them, as it does on the locked path
	return &c, nil
}

// loadCached is LoadDetails in a fast attempt, for the contact it locked.
func (f *fastAttempt) loadCached(c *connectd.Contact) error {
	if f.entry == nil || (rowKey{c.InstanceID, c.ID}) != f.key {
		f.failed = true
		return errFallback
	}
	c.References, c.Tags = f.entry.c.References, f.entry.c.Tags
	return nil
}

// remember stores, after a commit, the row of key as the commit left it:
// c (as read with its lock or from the cache) with the map w wrote, at
// version xmin. The map reads back as written: connectd.Merge refuses
// text that is not UTF-8, which jsonb would store with U+FFFD in its
// place, longer than the map the cache would hold.
func (s *Store) remember(key rowKey, owner connectd.Owner, c connectd.Contact, w *chainWrite, xmin uint32, epoch int64) {
	c.Attributes = w.m
	if !w.updated.IsZero() {
		c.LastUpdateTimestamp = truncate(w.updated)
	}
	c.State = nil
	s.cache.put(key, &cached{owner: owner, c: c, xmin: xmin, epoch: epoch, at: time.Now()})
}

// chainWrite is a unit's SetChainMap: whose map, what, and when.
type chainWrite struct {
	instance, id string
	m            connectd.Attributes
	updated      time.Time
}

// refuse is a fast attempt's querier: the cache answers no query.
type refuse struct{ f *fastAttempt }

func (q refuse) Exec(context.Context, string, ...any) (pgconn.CommandTag, error) {
	q.f.failed = true
	return pgconn.CommandTag{}, errFallback
}

func (q refuse) Query(context.Context, string, ...any) (pgx.Rows, error) {
	q.f.failed = true
	return nil, errFallback
}

func (q refuse) QueryRow(context.Context, string, ...any) pgx.Row {
	q.f.failed = true
	return errRow{errFallback}
}

// errRow is a pgx.Row whose Scan fails with err.
type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/connectd/connectd/internal/migrations"
	"github.com/jackc/pgx/v5/pgxpool"
)

// reader is the optional pool of a read DSN (a hot standby), which Views
// use instead of the primary's pool (see Store.View).
//
// Staleness: a standby replays the primary's WAL a little behind it. A
// View reads the standby only when the standby has replayed past the last
// write this Store committed (read-your-writes within one connectd
// process); otherwise it reads the primary. Writes committed through other
// connectd processes may be missing from a standby read by up to the
// standby's replay lag, which ReadLag measures; with synchronous_commit =
// remote_apply on the primary that lag is zero for every acknowledged
// write, at the price of every commit waiting for the standby's replay.
type reader struct {
	pool *pgxpool.Pool

	mu        sync.Mutex
	lastWrite uint64        // highest primary WAL position after one of this Store's commits
	unsure    bool          // the last commit's position could not be read: read the primary
	replayed  uint64        // the standby's replay position, last measured
	lag       time.Duration // the standby's replay lag, last measured
	measured  time.Time     // when lag was measured; zero before the first time
}

// wrote records that a unit of work committed with the primary's WAL at
// lsn or before.
func (r *reader) wrote(lsn uint64) {
	r.mu.Lock()
	r.lastWrite, r.unsure = max(r.lastWrite, lsn), false
	r.mu.Unlock()
}

// current reports whether the standby has replayed every write of this
// Store, measuring it again when the last measurement says no.
func (r *reader) current(ctx context.Context) (bool, error) {
	r.mu.Lock()
	ok, unsure := r.replayed >= r.lastWrite, r.unsure
	r.mu.Unlock()
	if unsure {
		return false, nil
	}
	if ok {
		return true, nil
	}
	if err := r.measure(ctx); err != nil {
		return false, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.replayed >= r.lastWrite, nil
}

// measure reads the standby's replay position and lag. A read DSN that
// names a server out of recovery (the fence has admitted it, so it is this
// cluster's primary: the --data server itself, say) is as current as the
// WAL it writes. The lag is the
// age of the last transaction it replayed, when it has WAL still to
// replay, and zero when it has replayed everything it received (an idle
// primary sends nothing, which is no lag).
func (r *reader) measure(ctx context.Context) error {
	var lsn string
	var lag float64
	err := r.pool.QueryRow(ctx, `SELECT coalesce(CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END::text, '0/0'),
		CASE WHEN pg_last_wal_receive_lsn() IS NULL OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
		ELSE coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 0) END::float8`).Scan(&lsn, &lag)
	if err != nil {
		return fmt.Errorf("measure the standby's replay: %w", err)
	}
	pos, err := parseLSN(lsn)
	if err != nil {
		return err
	}
	r.mu.Lock()
	r.replayed = max(r.replayed, pos)
	r.lag, r.measured = time.Duration(lag*float64(time.Second)), time.Now()
	r.mu.Unlock()
	return nil
}

// parseLSN reads a pg_lsn's text form, two hexadecimal halves "16/B374D848".
func parseLSN(s string) (uint64, error) {
	hi, lo, ok := strings.Cut(s, "/")
	h, err1 := strconv.ParseUint(hi, 16, 32)
	l, err2 := strconv.ParseUint(lo, 16, 32)
	if !ok || err1 != nil || err2 != nil {
		return 0, fmt.Errorf("postgres: not a WAL position: %q", s)
	}
	return h<<32 | l, nil
}

// ReadFrom makes the Store's Views (GetContactAttributes, DescribeContact,
// SearchContacts, ListContactReferences, the list operations, export) read
// from the server of dsn, typically a hot standby, whenever it has
// replayed this Store's last write; see reader for the staleness this
// allows. Nothing is written there: the schema is only checked to be
// current (the primary's Open migrates). The fence checks its connections
// as the primary's, so a standby of another cluster, or of an old
// timeline, is refused. Call it once, after Open and before serving.
func (s *Store) ReadFrom(ctx context.Context, dsn string) error {
	cfg, err := poolConfig(dsn)
	if err != nil {
		return fmt.Errorf("postgres: read DSN: %w", err)
	}
	s.fence.guard(cfg)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return fmt.Errorf("postgres: read DSN: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return fmt.Errorf("postgres: read DSN: %w", openError(&cfg.ConnConfig.Config, err))
	}
	r := &reader{pool: pool}
	ms, err := migrations.Load(migrationFiles, "migrations")
	if err != nil {
		pool.Close()
		return fmt.Errorf("postgres: read DSN: %w", err)
	}
	// The standby first replays what the primary has now (Open's
	// migrations among it), so that its schema can be compared.
	s.standby = r
	s.noteWrite(ctx)
	s.standby = nil
	err = r.waitForReplay(ctx, readDSNCatchUp)
	current, version := false, 0
	if err == nil {
		current, version, err = schemaCurrent(ctx, pool, ms)
	}
	if err == nil && !current {
		err = fmt.Errorf("its schema is at version %d, older than the primary's: is it a standby of the --data database?", version)
	}
	if err != nil {
		pool.Close()
		return fmt.Errorf("postgres: read DSN %s: %w", hosts(&cfg.ConnConfig.Config), err)
	}
	s.standby = r
	return nil
}

// readDSNCatchUp bounds how long ReadFrom waits for the standby to replay
// what the primary had when it was called.
const readDSNCatchUp = 10 * time.Second

// waitForReplay waits until the standby has replayed lastWrite, for up to
// limit.
func (r *reader) waitForReplay(ctx context.Context, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		current, err := r.current(ctx)
		switch {
		case err != nil:
			return err
		case current:
			return nil
		case time.Now().After(deadline):
			return fmt.Errorf("it has not replayed the primary's WAL within %v: is it a standby of the --data database?", limit)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// ReadLag returns the replay lag of the read DSN's server as last
// measured (at every health check, and whenever a View finds the standby
// behind this Store's last write) and when; ok is false without a read DSN.
func (s *Store) ReadLag() (lag time.Duration, measured time.Time, ok bool) {
	if s.standby == nil {
		return 0, time.Time{}, false
	}
	s.standby.mu.Lock()
	defer s.standby.mu.Unlock()
	return s.standby.lag, s.standby.measured, true
}

// viewPool returns the pool a View of op reads: the read DSN's when the
// Store has one whose server has replayed this Store's last write, else
// the primary's. A start that lost a ClientToken race ("create contact")
// reads the winner's contact, which another process may have written a
// moment ago, so it always reads the primary.
func (s *Store) viewPool(ctx context.Context, op string) *pgxpool.Pool {
	if s.standby == nil || op == "create contact" {
		return s.pool
	}
	current, err := s.standby.current(ctx)
	if err != nil {
		s.log.Warn("postgres: the read DSN's server does not answer; reading from the primary", "err", err)
		return s.pool
	}
	if !current {
		return s.pool
	}
	return s.standby.pool
}

// noteWrite records the primary's WAL position after a committed Update,
// so that later Views know what the standby must have replayed. When it
// cannot be read, Views read the primary until the next write's can.
func (s *Store) noteWrite(ctx context.Context) {
	if s.standby == nil {
		return
	}
	var lsn string
	err := s.pool.QueryRow(ctx, `SELECT pg_current_wal_lsn()::text`).Scan(&lsn)
	pos, perr := parseLSN(lsn)
	if err != nil || perr != nil {
		s.standby.mu.Lock()
		s.standby.unsure = true
		s.standby.mu.Unlock()
		return
	}
	s.standby.wrote(pos)
}

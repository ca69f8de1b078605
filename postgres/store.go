// Package postgres is connectd's store for many replicas: a PostgreSQL
// database (through pgx and its pool) that any number of stateless connectd
// processes share.
//
// It is a connectd.Port: it keeps only SQL, locking and its commit
// strategy; every rule is the connectd.Service's, so this store and the
// sqlite store share them. What it guarantees:
//
//   - Every Update is one READ COMMITTED transaction on the server, with
//     row locks rather than process-local locks, so the Service's
//     read-modify-writes hold across connections and replicas: LockContact
//     and LockChain are SELECT ... FOR UPDATE (an attribute merge locks the
//     chain's row; a task linked to a PreviousContactId locks that
//     contact's row before counting its siblings). A transaction that loses
//     a deadlock or a serialization conflict, or whose pooled connection
//     died before COMMIT, is run again from the start.
//   - An Update is pipelined (unit.go): BEGIN goes with its first
//     statement, the writes the Service does not act on the outcome of
//     (the chain map's UPDATE, the outbox INSERT) wait for its next read
//     or for COMMIT, and LockContact reads the contact's details in the
//     same batch as the lock. An UpdateContactAttributes is two round
//     trips: BEGIN, lock, details; then UPDATE, INSERT, COMMIT (a test
//     counts them). A read of a unit always sees its own writes.
//   - An UpdateContactAttributes of a contact this process updated in the
//     last ten minutes is first tried in one round trip (fast.go): one
//     statement that writes the map and the outbox entry only if the row
//     is still the version the process's row cache holds (its xmin), else
//     writes nothing and the update runs as above. The cache (rowcache.go,
//     Options.CacheBytes, DefaultCacheBytes unless set) holds only rows as this process committed them;
//     other replicas' writes make it stale, never wrong, and a store whose
//     attempts are mostly stale stops trying (fastOdds).
//   - Uniqueness across replicas (instance id and alias, contact id,
//     ClientToken) rests on unique indexes; a violation is a
//     connectd.Conflict for the Service to answer.
//   - A View reads on the pool, each read seeing the latest commit; the
//     reads that must agree (a search's count and page, an export) run in
//     one REPEATABLE READ, read-only transaction.
//
// A database that cannot be reached makes methods return a
// *connectd.Error with code EUNAVAILABLE (HTTP 503, retried by the SDKs),
// and the pool reconnects by itself when the database is back.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/internal/stored"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// DefaultConnectTimeout bounds each connection attempt, to each host of
// the DSN, when the DSN does not set connect_timeout, so that Open, and
// every request while the database is down, fail within seconds instead of
// waiting for TCP, and a black-holed first host of a multi-host DSN costs
// seconds before the next one is tried.
const DefaultConnectTimeout = 2 * time.Second

// Pool defaults fit for failover, used unless the DSN sets
// pool_max_conn_lifetime or pool_health_check_period. pgxpool's own
// defaults (an hour, a minute) would keep a connection to a server that
// turned into a standby, or to the wrong host of a multi-host DSN, for up
// to an hour; a few minutes bounds how long a replica can stay on a server
// that is still healthy but no longer the one a fresh connection would
// pick (target_session_attrs is only consulted when connecting).
const (
	DefaultMaxConnLifetime   = 5 * time.Minute
	DefaultHealthCheckPeriod = 5 * time.Second
)

// DefaultMaxConns is the pool's size unless the DSN sets pool_max_conns.
// pgxpool's own default, max(4, cores), sizes the pool by this process's
// cores, but a unit of work holds its connection across its round trips
// and its commit's WAL flush, when neither side computes: with 64 clients
// on two cores, 4 connections served 370–400 UpdateContactAttributes a
// second and 16 served 660–830 in the same sitting (BENCHMARKS.md,
// "PostgreSQL write path"). Replicas × pool size must stay under the
// server's max_connections (100 by default, less its reserved ones): six
// replicas at most on a default server; set pool_max_conns for more.
const DefaultMaxConns = 16

// Store is the connectd.Port of a PostgreSQL database. It is safe for concurrent
// use, and several Stores (in one process or in many) may share a database.
type Store struct {
	sql     *stored.Statements // stored.Tables' SQL (tables.go)
	pool    *pgxpool.Pool
	fence   *fence
	standby *reader // nil without a read DSN (see ReadFrom)
	clock   connectd.Clock
	log     *slog.Logger

	commits connectd.CommitHook // see ObserveCommits
	cache   *rowCache           // rows for the optimistic attribute update (fast.go)
	odds    fastOdds            // whether optimistic attempts pay (fast.go)
	fastOK  atomic.Int64        // optimistic attempts that committed
	fastNot atomic.Int64        // optimistic attempts that found the row moved on

	stopFold  context.CancelFunc // ends foldEvery (search_counts.go)
	folded    chan struct{}      // closed when foldEvery has returned
	toCount   chan countedValue  // values searches found common (search_counted.go)
	countFrom int64              // countedFrom; tests lower it
	// registerCounted's back-off: the folder's goroutine's, or a caller's
	// while no search asks for values (tests, the benchmark's loader).
	registerAfter time.Time
	registerWait  time.Duration

	process  string             // this process's id among the replicas (processes.go)
	stopBeat context.CancelFunc // ends the beats
	beaten   chan struct{}      // closed when the beats have ended
}

// Open connects to the database dsn (a postgres:// URL or a keyword/value
// string, as libpq and pgx accept, including pool_max_conns and the other
// pgxpool settings), checks that it answers, and applies any pending
// migrations. It fails within a few seconds, with a message that says why,
// when the server cannot be reached or refuses the credentials. A nil log
// discards.
func Open(ctx context.Context, dsn string, clock connectd.Clock, log *slog.Logger) (*Store, error) {
	return OpenWith(ctx, dsn, clock, log, Options{})
}

// Options are OpenWith's settings; the zero value is Open's.
type Options struct {
	// CacheBytes caps the cache of rows this process committed (the
	// optimistic update's, rowcache.go) by their estimated size: 0 means
	// DefaultCacheBytes, a negative value turns the cache off.
	CacheBytes int
}

// OpenWith is Open with opts.
func OpenWith(ctx context.Context, dsn string, clock connectd.Clock, log *slog.Logger, opts Options) (*Store, error) {
	return open(ctx, dsn, clock, log, opts, nil)
}

// open is OpenWith with tune, if not nil, applied to the pool's settings
// (the tests' tracer).
func open(ctx context.Context, dsn string, clock connectd.Clock, log *slog.Logger, opts Options, tune func(*pgxpool.Config)) (*Store, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cacheBytes := opts.CacheBytes
	if cacheBytes == 0 {
		cacheBytes = DefaultCacheBytes
	}
	cfg, err := poolConfig(dsn)
	if err != nil {
		return nil, err
	}
	if tune != nil {
		tune(cfg)
	}
	f := &fence{log: log}
	f.survey(ctx, &cfg.ConnConfig.Config)
	f.guard(cfg)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	s := &Store{pool: pool, fence: f, clock: clock, log: log, sql: statements(), cache: newRowCache(max(cacheBytes, 0)),
		toCount: make(chan countedValue, countedQueue), countFrom: countedFrom}
	if err := s.pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, openError(&cfg.ConnConfig.Config, err)
	}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	err = s.pool.AcquireFunc(ctx, func(c *pgxpool.Conn) error { return f.adopt(ctx, c.Conn().PgConn()) })
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: open %s: %w", hosts(&cfg.ConnConfig.Config), err)
	}
	s.startBeating(ctx)
	foldCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	s.stopFold, s.folded = stop, make(chan struct{})
	go func() {
		defer close(s.folded)
		s.foldEvery(foldCtx, foldInterval)
	}()
	return s, nil
}

// poolConfig parses dsn with the defaults of this package (see
// DefaultConnectTimeout and DefaultMaxConnLifetime).
func poolConfig(dsn string) (*pgxpool.Config, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// pgconn's ParseConfigError redacts the password.
		return nil, fmt.Errorf("postgres: parse DSN: %w", err)
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = DefaultConnectTimeout
		// The DSN's dialer has no timeout of its own; this one does.
		cfg.ConnConfig.DialFunc = (&net.Dialer{Timeout: DefaultConnectTimeout, KeepAlive: 5 * time.Minute}).DialContext
	}
	// pgxpool.ParseConfig does not say whether a setting came from the
	// DSN or from its defaults, so the DSN's text is asked.
	if !strings.Contains(dsn, "pool_max_conn_lifetime") {
		cfg.MaxConnLifetime = DefaultMaxConnLifetime
		cfg.MaxConnLifetimeJitter = DefaultMaxConnLifetime / 10 // replicas do not all reconnect at once
	}
	if !strings.Contains(dsn, "pool_max_conns") {
		cfg.MaxConns = DefaultMaxConns
	}
	if !strings.Contains(dsn, "pool_health_check_period") {
		cfg.HealthCheckPeriod = DefaultHealthCheckPeriod
	}
	return cfg, nil
}

// openError explains why Open could not reach the database: a rejected
// password or role, or a server that does not answer. It names every host
// of the DSN, in the order they were tried; pgconn's error, kept in the
// chain, says what each one answered.
func openError(cfg *pgconn.Config, err error) error {
	where := hosts(cfg)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "28P01", "28000": // invalid_password, invalid_authorization_specification
			return fmt.Errorf("postgres: open %s: authentication failed for user %q: %w", where, cfg.User, err)
		case "3D000": // invalid_catalog_name
			return fmt.Errorf("postgres: open %s: database %q does not exist: %w", where, cfg.Database, err)
		}
	}
	return fmt.Errorf("postgres: open %s: the database is unreachable: %w", where, err)
}

// hosts lists the host:port pairs of cfg, in the order pgconn tries them.
func hosts(cfg *pgconn.Config) string {
	list := []string{net.JoinHostPort(cfg.Host, strconv.Itoa(int(cfg.Port)))}
	for _, fb := range cfg.Fallbacks {
		hp := net.JoinHostPort(fb.Host, strconv.Itoa(int(fb.Port)))
		if !slices.Contains(list, hp) { // sslmode=prefer lists each host twice
			list = append(list, hp)
		}
	}
	return strings.Join(list, ", ")
}

// Ping reports whether the database answers and takes writes, for health
// checks; an error is EUNAVAILABLE. A server that answers but is read-only
// (a standby reached without target_session_attrs=read-write, or a primary
// that was demoted) fails the check, so that a load balancer stops sending
// traffic here, and resets the pool, so that the next connections are
// chosen afresh.
//
// It also runs the fence's check (see fence.go) on the connection it
// uses, so that a health check notices a server the fence refuses.
func (s *Store) Ping(ctx context.Context) error {
	err := s.pool.AcquireFunc(ctx, func(c *pgxpool.Conn) error {
		if err := s.fence.check(ctx, c.Conn().PgConn()); err != nil {
			return err
		}
		var ro string
		if err := c.QueryRow(ctx, `SELECT current_setting('transaction_read_only')`).Scan(&ro); err != nil {
			return err
		}
		if ro == "on" {
			return fmt.Errorf("%w: %w: transaction_read_only is on", readOnly, errNotPrimary)
		}
		return nil
	})
	if notPrimary(err) {
		s.pool.Reset()
	}
	if s.standby != nil {
		// The standby's lag, measured at every health check; a standby
		// that does not answer leaves health alone: the primary serves
		// the reads meanwhile.
		if err := s.standby.measure(ctx); err != nil {
			s.log.Warn("postgres: the read DSN's server does not answer", "err", err)
		} else if lag, _, _ := s.ReadLag(); lag > 0 {
			s.log.Info("postgres: read DSN replay lag", "lag", lag)
		}
	}
	return s.fail("ping", err)
}

// Close stops the store's folder (search_counts.go), waiting for a fold
// under way, deletes this process's record (processes.go), and closes
// every connection of the store. Every acknowledged write was committed
// by the database before it was acknowledged.
func (s *Store) Close() error {
	s.stopFold()
	<-s.folded
	s.stopBeating()
	s.pool.Close()
	if s.standby != nil {
		s.standby.pool.Close()
	}
	return nil
}

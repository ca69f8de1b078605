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
	"time"

	"github.com/connectd/connectd"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// DefaultConnectTimeout bounds each connection attempt when the DSN does
// not set connect_timeout, so that Open, and every request while the
// database is down, fail within seconds instead of waiting for TCP.
const DefaultConnectTimeout = 5 * time.Second

// Store is the connectd.Port of a PostgreSQL database. It is safe for concurrent
// use, and several Stores (in one process or in many) may share a database.
type Store struct {
	pool  *pgxpool.Pool
	clock connectd.Clock
	log   *slog.Logger

	commits connectd.CommitHook // see ObserveCommits
}

// Open connects to the database dsn (a postgres:// URL or a keyword/value
// string, as libpq and pgx accept, including pool_max_conns and the other
// pgxpool settings), checks that it answers, and applies any pending
// migrations. It fails within a few seconds, with a message that says why,
// when the server cannot be reached or refuses the credentials. A nil log
// discards.
func Open(ctx context.Context, dsn string, clock connectd.Clock, log *slog.Logger) (*Store, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
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
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	s := &Store{pool: pool, clock: clock, log: log}
	if err := s.pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, openError(&cfg.ConnConfig.Config, err)
	}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

// openError explains why Open could not reach the database: a rejected
// password or role, or a server that does not answer.
func openError(cfg *pgconn.Config, err error) error {
	where := fmt.Sprintf("%s:%d", cfg.Host, cfg.Port)
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

// Ping reports whether the database answers, for health checks; an error
// is EUNAVAILABLE.
//
// A database that answers but would refuse every write (a hot standby, or
// default_transaction_read_only) fails it too, as readOnly: health must not
// say "running" while every write fails.
func (s *Store) Ping(ctx context.Context) error {
	var ro string
	if err := s.pool.QueryRow(ctx, "SELECT current_setting('transaction_read_only')").Scan(&ro); err != nil {
		return s.fail("ping", err)
	}
	if ro == "on" {
		return readOnly
	}
	return nil
}

// Close closes every connection of the store. Every acknowledged write was
// committed by the database before it was acknowledged.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

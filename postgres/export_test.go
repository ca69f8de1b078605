package postgres

import (
	"context"

	"github.com/connectd/connectd"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// ResetPool closes every connection of s, so that its next requests
// connect afresh, as they would after a connection's lifetime ended.
func ResetPool(s *Store) { s.pool.Reset() }

// OpenTraced is Open with tracer on every connection of the pool.
func OpenTraced(ctx context.Context, dsn string, clock connectd.Clock, tracer pgx.QueryTracer) (*Store, error) {
	return open(ctx, dsn, clock, nil, Options{}, func(cfg *pgxpool.Config) { cfg.ConnConfig.Tracer = tracer })
}

// QueryRowForTest runs sql on s's pool and scans its one row into dest.
func QueryRowForTest(ctx context.Context, s *Store, sql string, dest ...any) error {
	return s.pool.QueryRow(ctx, sql).Scan(dest...)
}

// NewEpochForTest makes s's fence believe its connections reach another
// primary than before, as after a promotion or a restart.
func NewEpochForTest(s *Store) {
	s.fence.mu.Lock()
	s.fence.epochs++
	s.fence.mu.Unlock()
}

// CacheUsage returns the entries and estimated bytes of s's row cache.
func CacheUsage(s *Store) (entries, bytes int) { return s.cache.usage() }

// DropCacheForTest empties s's row cache.
func DropCacheForTest(s *Store) { s.cache = newRowCache(s.cache.max) }

// CachedMap returns the map s's row cache holds for contact id of
// instance, or nil.
func CachedMap(s *Store, instance, id string) connectd.Attributes {
	if e := s.cache.get(rowKey{instance, id}); e != nil {
		return e.c.Attributes
	}
	return nil
}

// FastCommits returns how many optimistic attribute updates s committed.
func FastCommits(s *Store) int64 { return s.fastOK.Load() }

// FastStale returns how many optimistic attribute updates of s found the
// row moved on.
func FastStale(s *Store) int64 { return s.fastNot.Load() }

// ProbeEvery is probeEvery.
const ProbeEvery = probeEvery

// ExecForTest runs sql on s's pool.
func ExecForTest(ctx context.Context, s *Store, sql string) error {
	_, err := s.pool.Exec(ctx, sql)
	return err
}

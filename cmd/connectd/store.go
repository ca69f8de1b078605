package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"strings"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/postgres"
	"github.com/connectd/connectd/sqlite"
)

// openedStore is the store --data names, with what serve needs of it
// beyond its connectd.Port, which serve wraps in the connectd.Service.
type openedStore struct {
	port  connectd.Port
	close func() error
	name  string                          // "sqlite" or "postgres", for /_connectd/health
	ping  func(ctx context.Context) error // for /_connectd/health
	where string                          // --data for the log, without a password
}

// defaultCacheMiB is --cache-mib's default: the stores' own default cap
// (sqlite.DefaultCacheBytes, postgres.DefaultCacheBytes, 4 MiB: about 3,500
// contacts of 10 short attributes), which keeps an idle server under 64
// MiB resident. A working set larger than that reads SQLite again on every
// miss (about 58 µs of an update's CPU, BENCHMARKS.md). maxCacheMiB keeps
// a typo from asking for the machine's memory.
const (
	defaultCacheMiB = 4
	maxCacheMiB     = 16 << 10
)

// cacheBytes is the stores' CacheBytes for --cache-mib: 0 turns the cache
// off, which the stores spell as a negative cap.
func cacheBytes(mib int) int {
	if mib == 0 {
		return -1
	}
	return mib << 20
}

// isPostgresDSN reports whether --data names a PostgreSQL database rather
// than a directory: the URL schemes libpq accepts.
func isPostgresDSN(data string) bool {
	return strings.HasPrefix(data, "postgres://") || strings.HasPrefix(data, "postgresql://")
}

// openStore opens the store --data names: a PostgreSQL database for a
// postgres:// or postgresql:// URL, else the SQLite database in that
// directory (or in memory for :memory:). A database that cannot be reached
// fails here, at start-up, with the reason. readData, when not "", is a
// PostgreSQL standby of data for the reads (postgres.Store.ReadFrom).
// cacheBytes caps the store's row cache (0: the store's default, negative:
// none).
func openStore(ctx context.Context, data, readData string, newDatabase bool, cacheBytes int, clock connectd.Clock, log *slog.Logger) (*openedStore, error) {
	if isPostgresDSN(data) {
		where := data
		if u, err := url.Parse(data); err == nil {
			where = u.Redacted()
		}
		s, err := postgres.OpenWith(ctx, data, clock, log, postgres.Options{CacheBytes: cacheBytes})
		if err != nil {
			return nil, err // postgres.Open says which host and why, never the password
		}
		if readData != "" {
			if err := s.ReadFrom(ctx, readData); err != nil {
				s.Close()
				return nil, err
			}
		}
		return &openedStore{port: s, close: s.Close, name: "postgres", ping: s.Ping, where: where}, nil
	}
	s, err := sqlite.OpenWith(ctx, data, clock, log, sqlite.Options{NewDatabase: newDatabase, CacheBytes: cacheBytes})
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", data, err)
	}
	return &openedStore{port: s, close: s.Close, name: "sqlite", ping: s.Ping, where: data}, nil
}

// Close closes the store; every acknowledged write is durable by then.
func (s *openedStore) Close() error { return s.close() }

// Package sqlite is connectd's embedded default store: one SQLite database in
// a data directory, through the pure-Go modernc.org/sqlite driver, so the
// binary needs no C toolchain and no external database.
//
// It keeps only SQL and its commit strategy; every rule is the
// connectd.Service's. What it guarantees:
//
//   - Every Update runs on one writer connection (a *sql.DB limited to one
//     open connection, transactions started with BEGIN IMMEDIATE), one
//     after another, so every read-modify-write, such as an attribute
//     merge, is serialized without locks or retries.
//   - Updates are group-committed: one transaction of up to 256 of them,
//     each in its own savepoint, so a rejected one changes nothing and
//     its neighbours are kept; none is acknowledged before the commit
//     (synchronous=FULL: an fsync) that makes it durable.
//   - A View runs on a separate read pool; in WAL mode it never blocks the
//     writer and sees only committed data.
//   - Contact rows, and with them the chains' maps, are served from a
//     write-through cache of committed rows (cache.go), bounded by
//     Options.CacheBytes (DefaultCacheBytes). It holds only what a commit
//     made durable: a batch's rows go in after its commit and before any
//     of its writes is acknowledged, so a read after a reply sees the
//     write; a unit rolled back to its savepoint, or a failed batch,
//     leaves nothing in it. SQLite's pre-update hook reports every change
//     of a contacts row, by any statement, trigger or cascade, so no
//     write path can leave a stale row in it (hook.go, overlay.go). The
//     read half of every read-modify-write still runs on the one writer,
//     after the write before it, so the cache changes nothing of the
//     isolation above.
//   - Every write of a row's map bumps its attributes_version (migration
//     0011), whatever statement writes it.
//   - The outbox entries a batch appends are inserted, in order, in the
//     batch's transaction just before its commit (outbox.go): kept or
//     lost with the changes they announce.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/internal/stored"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// MemoryPath is the path that asks Open for a throwaway in-memory store.
const MemoryPath = ":memory:"

// FileName is the database file Open keeps inside its data directory.
const FileName = "connectd.db"

// Store is the connectd.Port of an SQLite database. It is safe for
// concurrent use.
type Store struct {
	sql    *stored.Statements // stored.Tables' SQL (tables.go)
	writer *sql.DB            // exactly one connection: all writes
	read   *sql.DB            // the read pool; the same *sql.DB as writer in memory mode
	// Prepared statements of each pool (see stmtCache).
	writeStmts *stmtCache
	reader     reader
	clock      connectd.Clock
	log        *slog.Logger
	memory     bool

	// The data directory (file mode only): the held lock, the database
	// path, the file opened there, and whether it has gone (checkFile).
	lock   *os.File
	path   string
	opened os.FileInfo
	lost   atomic.Bool

	// The group committer: write sends jobs; closing stops the loop.
	jobs          chan *job
	closing       chan struct{}
	committerDone chan struct{}

	closeOnce sync.Once
	closeErr  error

	commits connectd.CommitHook // see ObserveCommits

	// cache holds committed contact rows (cache.go); ov is the open
	// batch's view of them, the committer's alone (overlay.go).
	cache *rowCache
	ov    *overlay
	// outboxInserts are the batch's multi-row outbox INSERTs (outbox.go).
	outboxInserts []string

	// Bounded waits (admission.go): a slot per read connection (nil in
	// memory mode) and how long to wait for one, or for the committer.
	readSlots           chan struct{}
	readWait, queueWait time.Duration
}

// pragmas returns the pragmas applied by the driver to every new connection of both pools,
// so a connection the pool opens later cannot miss one. busy_timeout lets a
// reader or a second process wait for a lock instead of failing at once;
// synchronous=FULL makes every commit fsync the WAL, so a write that was
// acknowledged survives a crash or SIGKILL of the process. temp_store=MEMORY
// keeps statement and savepoint journals in memory: every group-committed
// write runs in a savepoint, and with the default (a temp file) each page it
// touched was first copied to that file with a pwrite, a quarter of the
// CPU of an UpdateContactAttributes load (BenchmarkUpdateAttributes). Those
// journals only serve rollbacks inside an open transaction, so durability
// is unchanged: a commit still fsyncs the WAL.
func pragmas() []string {
	return []string{
		"busy_timeout(10000)",
		"foreign_keys(1)",
		"journal_mode(WAL)",
		"synchronous(FULL)",
		"temp_store(MEMORY)",
	}
}

// Open opens (creating if needed) the store in the directory path, whose
// database file is FileName, and applies any pending migrations. The path
// MemoryPath (":memory:") opens a private in-memory store instead; every such
// call gets its own database, which is lost on Close. A nil log discards.
func Open(ctx context.Context, path string, clock connectd.Clock, log *slog.Logger) (*Store, error) {
	return OpenWith(ctx, path, clock, log, Options{})
}

// OpenWith is Open with options. In a directory it first takes the lock
// file (LockName), refusing with ErrLocked while another process holds it,
// and refuses a directory whose database went missing since a previous run
// unless opts.NewDatabase.
func OpenWith(ctx context.Context, path string, clock connectd.Clock, log *slog.Logger, opts Options) (*Store, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cacheBytes := opts.CacheBytes
	if cacheBytes == 0 {
		cacheBytes = DefaultCacheBytes
	}
	s := &Store{clock: clock, log: log, sql: statements(), cache: newRowCache(max(cacheBytes, 0)), ov: newOverlay(),
		outboxInserts: outboxInserts()}
	s.readWait, s.queueWait = opts.waits()
	var err error
	if path == MemoryPath {
		err = s.openMemory()
	} else {
		err = s.openFile(path, opts)
	}
	if err != nil {
		return nil, err
	}
	s.writeStmts, s.reader = newStmtCache(s.writer), reader{newStmtCache(s.read)}
	s.jobs, s.closing, s.committerDone = make(chan *job), make(chan struct{}), make(chan struct{})
	go s.commitLoop()
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.restoreNamedIndexes(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if !s.memory {
		if err := s.noteOpened(path); err != nil {
			s.Close()
			return nil, err
		}
	}
	return s, nil
}

// openMemory uses one connection for reads and writes: an in-memory SQLite
// database belongs to the connection that created it, so a single
// connection is what makes every query see the same data, and it also keeps
// two Open(":memory:") calls apart. The pool must never retire that
// connection, or the data would vanish with it.
func (s *Store) openMemory() error {
	q := url.Values{"_pragma": {"foreign_keys(1)"}, "_txlock": {"immediate"}}
	db := openHooked(MemoryPath+"?"+q.Encode(), s.ov)
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	s.writer, s.read, s.memory = db, db, true
	return nil
}

// openFile opens the writer and the read pool on dir/FileName.
func (s *Store) openFile(dir string, opts Options) error {
	abs, err := filepath.Abs(filepath.Join(dir, FileName))
	if err != nil {
		return fmt.Errorf("sqlite: data directory: %w", err)
	}
	if s.lock, err = prepareDir(dir, opts); err != nil {
		return err
	}
	s.path = abs
	// A file: URI with an escaped path, so that a '?' or '#' in the
	// directory name cannot be mistaken for the start of the parameters.
	dsn := func(extra url.Values) string {
		q := url.Values{"_pragma": pragmas()}
		for k, v := range extra {
			q[k] = append(q[k], v...)
		}
		u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs), RawQuery: q.Encode()}
		return u.String()
	}
	s.writer = openHooked(dsn(url.Values{"_txlock": {"immediate"}}), s.ov)
	s.writer.SetMaxOpenConns(1)
	s.writer.SetMaxIdleConns(1)
	s.writer.SetConnMaxLifetime(0)
	// query_only makes a stray write on the read pool fail loudly instead
	// of racing the writer.
	s.read, err = sql.Open("sqlite", dsn(url.Values{"_pragma": {"query_only(1)"}}))
	if err != nil {
		s.writer.Close()
		s.lock.Close()
		return fmt.Errorf("sqlite: open read pool: %w", err)
	}
	n := max(4, runtime.GOMAXPROCS(0))
	s.read.SetMaxOpenConns(n)
	s.read.SetMaxIdleConns(n)
	s.readSlots = make(chan struct{}, n)
	return nil
}

// Ping reports whether the store can read and write, for health checks:
// the database file is still the one opened (checkFile), the read pool
// answers, and a write commits, so that a full disk, a read-only file
// system or a lost database fail the check for as long as they last. A
// failure is EUNAVAILABLE with the reason.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.checkFile(); err != nil {
		return err
	}
	var one int
	if err := s.reader.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return unavailablef("the database cannot be read", err)
	}
	// The probe write goes through the committer like any other, so it
	// fails exactly when they would. user_version is in the database
	// header, which connectd does not otherwise use (migrations are
	// recorded in schema_migrations); a new value each time dirties one
	// page, which the commit must then fsync.
	probe := time.Now().UnixNano() & 0x3fffffff
	err := s.write(ctx, "health probe", func(tx *txn) error {
		_, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", probe))
		return err
	})
	if err != nil && connectd.ErrorCode(err) != connectd.EUNAVAILABLE {
		return unavailablef("the database cannot be written", err)
	}
	return err
}

// unavailablef is EUNAVAILABLE saying what failed and why.
func unavailablef(what string, cause error) error {
	return connectd.Errorf(connectd.EUNAVAILABLE, "The store is unavailable: %s: %v.", what, cause)
}

// Close checkpoints the WAL into the database file, so that the directory
// holds one self-contained file afterwards, and closes both pools. Every
// acknowledged write was already durable; the checkpoint is a courtesy, and
// its failure (say, a reader of another process holding the WAL) is only
// logged. Calling Close again returns the first call's result.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		// Writes in flight finish first; later ones get errClosed.
		close(s.closing)
		<-s.committerDone
		s.closeErr = errors.Join(s.writeStmts.close(), s.reader.cache.close())
		if !s.memory {
			if _, err := s.writer.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
				s.log.Warn("sqlite: WAL checkpoint at close failed", "err", err)
			}
			s.closeErr = errors.Join(s.closeErr, s.read.Close())
		}
		s.closeErr = errors.Join(s.closeErr, s.writer.Close())
		if s.lock != nil { // released last: the database is closed by now
			s.closeErr = errors.Join(s.closeErr, s.lock.Close())
		}
		if s.closeErr != nil {
			s.closeErr = fmt.Errorf("sqlite: close: %w", s.closeErr)
		}
	})
	return s.closeErr
}

// noteOpened records the database file the Store has open, for checkFile,
// and marks the directory as one that holds a database. Migrations have
// run, so the file exists.
func (s *Store) noteOpened(dir string) error {
	fi, err := os.Stat(s.path)
	if err != nil {
		return fmt.Errorf("sqlite: stat %s: %w", s.path, err)
	}
	s.opened = fi
	return writeMarker(dir)
}

package sqlite

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/connectd/connectd"
	sqlitedriver "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Options adjusts OpenWith.
type Options struct {
	// NewDatabase lets Open create an empty database in a directory that
	// held one before (its MarkerName file is there, its FileName is not).
	// Without it such a directory is refused, since the likeliest reasons
	// are a volume that was not mounted or a database deleted by mistake,
	// and starting empty would hide either.
	NewDatabase bool
	// CacheBytes caps the cache of committed contact rows (cache.go) by
	// their estimated size: 0 means DefaultCacheBytes, a negative value
	// turns the cache off.
	CacheBytes int
	// ReadWait bounds a View's wait for a read connection, QueueWait a
	// write's wait for the committer (see admission.go); zero means
	// DefaultReadWait and DefaultQueueWait.
	ReadWait, QueueWait time.Duration
}

// Files Open keeps beside FileName in the data directory.
const (
	// LockName is the file a running Store holds an exclusive flock on,
	// so that a second connectd on the same directory is refused: two
	// processes would each group-commit through their own writer, and
	// neither would see the other's writes in its caches and counters.
	LockName = "connectd.lock"
	// MarkerName records that the directory has held a database.
	MarkerName = "connectd.marker"
)

const markerText = "This directory holds a connectd database (" + FileName + ").\n" +
	"connectd refuses to start here if that file is missing, rather than create an empty one;\n" +
	"connectd serve --new-database creates a new, empty database.\n"

// ErrLocked is returned by Open when another process holds the data
// directory's lock.
var ErrLocked = errors.New("sqlite: the data directory is in use by another connectd")

// prepareDir creates dir, takes its lock and checks that the database has
// not gone missing since a previous run. It returns the held lock file.
func prepareDir(dir string, opts Options) (*os.File, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("sqlite: create data directory: %w", err)
	}
	lock, err := os.OpenFile(filepath.Join(dir, LockName), os.O_RDWR|os.O_CREATE, 0o640)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open lock file: %w", err)
	}
	if err := lockFile(lock); err != nil {
		lock.Close()
		if errors.Is(err, ErrLocked) {
			return nil, fmt.Errorf("%w (%s is locked); stop the other connectd, or give this one another --data", ErrLocked, lock.Name())
		}
		return nil, fmt.Errorf("sqlite: lock %s: %w", lock.Name(), err)
	}
	_, merr := os.Stat(filepath.Join(dir, MarkerName))
	_, derr := os.Stat(filepath.Join(dir, FileName))
	if merr == nil && errors.Is(derr, fs.ErrNotExist) && !opts.NewDatabase {
		lock.Close()
		return nil, fmt.Errorf("sqlite: %s held a connectd database, but its %s is missing (was the directory's volume mounted?); "+
			"restore it, or start with --new-database to create a new, empty one", dir, FileName)
	}
	return lock, nil
}

// writeMarker records that dir holds a database, once it does.
func writeMarker(dir string) error {
	p := filepath.Join(dir, MarkerName)
	if _, err := os.Stat(p); err == nil {
		return nil
	}
	if err := os.WriteFile(p, []byte(markerText), 0o640); err != nil {
		return fmt.Errorf("sqlite: write %s: %w", p, err)
	}
	return nil
}

// lostDatabase answers writes and health checks once the database file has
// been removed or replaced under a running Store.
var lostDatabase = &connectd.Error{Code: connectd.EUNAVAILABLE,
	Message: "The database file " + FileName + " was removed or replaced while connectd was running; " +
		"writes are refused so that none is acknowledged into a file that is gone. Restart connectd."}

// checkFile reports lostDatabase once the path of the database no longer
// names the file the Store opened (deleted, or replaced by another file:
// SQLite keeps writing to the open, unlinked one, and every acknowledged
// write would be lost at the next start). It is sticky: a file put back
// later is not the one this process wrote to.
func (s *Store) checkFile() error {
	if s.memory || s.opened == nil {
		return nil
	}
	if s.lost.Load() {
		return lostDatabase
	}
	fi, err := os.Stat(s.path)
	if err == nil && os.SameFile(fi, s.opened) {
		return nil
	}
	if s.lost.CompareAndSwap(false, true) {
		s.log.Error("sqlite: the database file was removed or replaced; refusing writes", "path", s.path, "stat_err", err)
	}
	return lostDatabase
}

// storageFailure turns a write that failed because the disk cannot take it
// (full, read-only, an I/O error, the file gone) into EUNAVAILABLE naming
// the cause: a 503 the SDKs retry, and the reason health reports, instead
// of a 500 that reads as a bug in connectd. Other errors pass unchanged.
func storageFailure(err error) error {
	var se *sqlitedriver.Error
	if !errors.As(err, &se) {
		return err
	}
	var why string
	switch se.Code() & 0xff { // the primary result code
	case sqlite3.SQLITE_FULL:
		why = "the disk is full"
	case sqlite3.SQLITE_READONLY:
		why = "the database is read-only"
	case sqlite3.SQLITE_IOERR:
		why = "the disk reports an I/O error"
	case sqlite3.SQLITE_CANTOPEN:
		why = "the database file cannot be opened"
	default:
		return err
	}
	return connectd.Errorf(connectd.EUNAVAILABLE, "The store cannot write: %s (%v).", why, se)
}

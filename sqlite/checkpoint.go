package sqlite

import (
	"context"
	"database/sql"
	"time"
)

// Checkpoints copy the WAL back into the database file. SQLite's default
// runs one inside the commit that takes the WAL past 1,000 pages, on the
// writer connection, so every few dozen batches one write paid for copying
// them all (2.5 % of an UpdateContactAttributes load's CPU, all of it on
// the committer, which is the bottleneck). Instead a goroutine of its own
// connection runs PASSIVE checkpoints, which never block the writer or a
// reader, shortly after commits; the writer's own automatic checkpoint
// stays as the fallback at walFallbackPages, should the background ones
// fall behind (a long reader pinning the WAL, say), so the WAL stays
// bounded either way.
const (
	checkpointEvery  = 250 * time.Millisecond
	walFallbackPages = 8192 // 32 MiB of 4 KiB pages
)

// startCheckpointer opens the checkpointer's connection on dsn and runs it
// until stop is closed; done is closed when it has ended.
func (s *Store) startCheckpointer(dsn string) error {
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return err
	}
	db.SetMaxOpenConns(1)
	s.checkpointDone = make(chan struct{})
	go func() {
		defer close(s.checkpointDone)
		defer db.Close()
		tick := time.NewTicker(checkpointEvery)
		defer tick.Stop()
		var seen int64
		for {
			select {
			case <-s.closing:
				return
			case <-tick.C:
			}
			if n := s.batches.Load(); n != seen {
				seen = n
				if _, err := db.ExecContext(context.Background(), "PRAGMA wal_checkpoint(PASSIVE)"); err != nil {
					s.log.Warn("sqlite: background WAL checkpoint failed; the writer's own will run", "err", err)
				} else {
					s.checkpoints.Add(1)
				}
			}
		}
	}()
	return nil
}

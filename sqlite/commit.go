package sqlite

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// maxBatch bounds how many writes share one transaction, so that one commit
// never waits behind an unbounded queue.
const maxBatch = 256

// job is one write waiting for the committer.
type job struct {
	ctx  context.Context
	op   string
	fn   func(tx *txn) error
	done chan error
}

// errClosed answers writes that arrive after Close.
var errClosed = errors.New("sqlite: the store is closed")

// write runs fn as one atomic unit of work on the writer connection and
// returns once its effects are durable (or rejected). A domain *connectd.Error
// from fn is returned as-is, after its changes were rolled back, so a
// rejected request changes nothing; anything else is wrapped with op.
//
// Writes are group-committed: the committer goroutine takes every write that
// is waiting (up to maxBatch), runs each inside its own SAVEPOINT of one
// transaction, and commits once. With synchronous=FULL a commit costs an
// fsync, so under load one fsync covers many acknowledged writes instead of
// one each, while every write still sees the ones before it (they run one
// after another on one connection) and none is acknowledged before the
// commit that makes it durable.
func (s *Store) write(ctx context.Context, op string, fn func(tx *txn) error) error {
	j := &job{ctx: ctx, op: op, fn: fn, done: make(chan error, 1)}
	queued := time.NewTimer(s.queueWait) // see admission.go
	defer queued.Stop()
	select {
	case s.jobs <- j:
	case <-ctx.Done():
		return ctx.Err()
	case <-queued.C:
		return s.errQueueFull()
	case <-s.closing:
		return errClosed
	}
	return <-j.done // the committer always answers a job it took
}

// commitLoop is the committer goroutine; it ends when Close closes closing.
func (s *Store) commitLoop() {
	defer close(s.committerDone)
	for {
		var first *job
		select {
		case first = <-s.jobs:
		case <-s.closing:
			return
		}
		batch := []*job{first}
	drain:
		for len(batch) < maxBatch {
			select {
			case j := <-s.jobs:
				batch = append(batch, j)
			default:
				break drain
			}
		}
		s.runBatch(batch)
	}
}

// runBatch runs a batch in one transaction and answers every job.
func (s *Store) runBatch(batch []*job) {
	results := make([]error, len(batch))
	start := time.Now()
	err := s.runInTx(batch, results)
	// The cache takes the batch's rows only now that they are durable
	// and before any job is answered, so a read after the reply sees
	// them; after a failure it drops every row the batch touched, so
	// nothing of it can stay (cache.go).
	if err == nil {
		s.cache.apply(s.ov.batch.dirty, s.ov.batch.details, s.ov.batch.rows)
		s.commits.Committed(len(batch), start)
	} else {
		s.cache.apply(s.ov.everything(), s.ov.batch.details, nil)
	}
	s.ov.reset()
	for i, j := range batch {
		if err != nil && results[i] == nil {
			results[i] = err // the transaction failed: nothing of this job was kept
		}
		j.done <- storageFailure(results[i])
	}
}

// runInTx applies the jobs; results[i] gets job i's own error. The returned
// error is a failure of the whole transaction.
//
// A batch first runs without savepoints: a SAVEPOINT and RELEASE per job,
// and the copy of every page a job first touches into the savepoint's
// journal, cost about a tenth of the committer's CPU
// (BenchmarkUpdateAttributes), while a job that fails after it wrote
// something is rare (the Service checks a request before it writes). When
// one does, the whole transaction is rolled back and the batch runs again
// with a savepoint per job, which rolls back only that one; the Port lets a
// store run a unit of work more than once.
func (s *Store) runInTx(batch []*job, results []error) error {
	again, err := s.tryInTx(batch, results, false)
	if again {
		clear(results)
		s.ov.reset()
		_, err = s.tryInTx(batch, results, true)
	}
	return err
}

// tryInTx is one attempt of runInTx, with a savepoint per job or without;
// again is true when a job without one failed after writing, so the
// attempt was rolled back whole and must be made again with savepoints.
func (s *Store) tryInTx(batch []*job, results []error, savepoints bool) (again bool, err error) {
	// The transaction outlives any one request, so it gets its own context.
	ctx := context.Background()
	if err := s.checkFile(); err != nil {
		return false, err
	}
	sqlTx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("sqlite: begin: %w", err)
	}
	tx := &txn{tx: sqlTx, cache: s.writeStmts, ov: s.ov}
	defer tx.prepareMissed(ctx) // runs after the rollback below frees the connection
	defer sqlTx.Rollback()      //nolint:errcheck // a no-op after Commit
	single := len(batch) == 1
	for i, j := range batch {
		if err := j.ctx.Err(); err != nil {
			results[i] = err // the caller gave up while queued: skip it
			continue
		}
		if single { // no neighbours to protect: the transaction is the unit
			if err := j.fn(tx); err != nil {
				results[i] = wrap(j.op, err)
				return false, results[i]
			}
			s.ov.release()
			break
		}
		if !savepoints {
			s.ov.wrote = false
			if ferr := j.fn(tx); ferr != nil {
				if s.ov.wrote {
					return true, nil
				}
				results[i] = wrap(j.op, ferr)
				s.ov.rollback() // it read, at most: nothing to undo
				continue
			}
			s.ov.release()
			continue
		}
		if _, err := tx.ExecContext(ctx, "SAVEPOINT job"); err != nil {
			return false, fmt.Errorf("sqlite: savepoint: %w", err)
		}
		if ferr := j.fn(tx); ferr != nil {
			results[i] = wrap(j.op, ferr)
			if _, err := tx.ExecContext(ctx, "ROLLBACK TO job"); err != nil {
				return false, fmt.Errorf("sqlite: rollback to savepoint: %w", err)
			}
			s.ov.rollback() // the unit left nothing, in SQLite or in the cache
		} else {
			s.ov.release()
		}
		if _, err := tx.ExecContext(ctx, "RELEASE job"); err != nil {
			return false, fmt.Errorf("sqlite: release savepoint: %w", err)
		}
	}
	if err := s.flushOutbox(ctx, tx); err != nil {
		return false, fmt.Errorf("sqlite: outbox: %w", err)
	}
	if err := sqlTx.Commit(); err != nil {
		return false, fmt.Errorf("sqlite: commit: %w", err)
	}
	// The file may have gone while the batch ran: then it went into the
	// unlinked file, and must not be acknowledged.
	return false, s.checkFile()
}

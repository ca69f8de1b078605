package sqlite

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/connectd/connectd"
)

// TestReadWaitIsBounded: when every read connection is held, a View waits
// Options.ReadWait for one and then fails EBUSY, without running, instead
// of queueing in database/sql for as long as its caller's context lasts;
// once a connection is free again, Views run.
func TestReadWaitIsBounded(t *testing.T) {
	s, err := OpenWith(context.Background(), t.TempDir(), connectd.SystemClock{}, nil, Options{ReadWait: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	done := make(chan struct{})
	var held, wg sync.WaitGroup
	for range cap(s.readSlots) {
		held.Add(1)
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = s.View(context.Background(), "hold", func(connectd.Tx) error { held.Done(); <-done; return nil })
		}()
	}
	held.Wait()
	ran := false
	begin := time.Now()
	err = s.View(context.Background(), "late", func(connectd.Tx) error { ran = true; return nil })
	if connectd.ErrorCode(err) != connectd.EBUSY || ran {
		t.Fatalf("View with every read connection held: %v (ran %v), want EBUSY without running", err, ran)
	}
	if took := time.Since(begin); took > 5*time.Second {
		t.Errorf("EBUSY after %v: the wait is not bounded", took)
	}
	// A context that ends first ends the wait with its own error.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.View(ctx, "cancelled", func(connectd.Tx) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("View of a cancelled context: %v, want context.Canceled", err)
	}
	close(done)
	wg.Wait()
	if err := s.View(context.Background(), "after", func(connectd.Tx) error { return nil }); err != nil {
		t.Errorf("View after the holders left: %v", err)
	}
}

// TestQueueWaitIsBounded: a write the committer does not take within
// Options.QueueWait (it is busy with a long one) fails EBUSY and never
// runs; the long write still commits.
func TestQueueWaitIsBounded(t *testing.T) {
	s, err := OpenWith(context.Background(), t.TempDir(), connectd.SystemClock{}, nil, Options{QueueWait: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	started, release := make(chan struct{}), make(chan struct{})
	long := make(chan error, 1)
	go func() {
		long <- s.write(context.Background(), "long", func(tx *txn) error {
			close(started)
			<-release
			_, err := tx.ExecContext(context.Background(), "PRAGMA user_version = 7")
			return err
		})
	}()
	<-started
	ran := false
	err = s.write(context.Background(), "late", func(*txn) error { ran = true; return nil })
	if connectd.ErrorCode(err) != connectd.EBUSY || ran {
		t.Fatalf("write behind a busy committer: %v (ran %v), want EBUSY without running", err, ran)
	}
	close(release)
	if err := <-long; err != nil {
		t.Fatalf("the long write: %v", err)
	}
	var v int
	if err := s.reader.QueryRowContext(context.Background(), "PRAGMA user_version").Scan(&v); err != nil || v != 7 {
		t.Errorf("user_version = %d, %v; want the long write's 7", v, err)
	}
}

// TestCancelledWriteSparesItsBatch: a write whose caller gives up after
// the committer took it still runs its statements (they are detached from
// the cancellation) to its real outcome: cancelling a statement
// interrupts the connection, and an interrupted UPDATE rolls back the
// whole group commit's transaction, the neighbours' writes too.
func TestCancelledWriteSparesItsBatch(t *testing.T) {
	s, err := OpenWith(context.Background(), t.TempDir(), connectd.SystemClock{}, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	err = s.write(ctx, "cancelled mid-statement", func(tx *txn) error {
		cancel() // the client goes away while the job runs
		_, err := tx.ExecContext(ctx, "PRAGMA user_version = 9")
		return err
	})
	if err != nil {
		t.Fatalf("a write whose client left mid-job: %v, want its real outcome (committed)", err)
	}
	var v int
	if err := s.reader.QueryRowContext(context.Background(), "PRAGMA user_version").Scan(&v); err != nil || v != 9 {
		t.Errorf("user_version = %d, %v; want 9", v, err)
	}
}

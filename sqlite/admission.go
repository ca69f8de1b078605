package sqlite

import (
	"context"
	"time"

	"github.com/connectd/connectd"
)

// Bounded waits. Without them, under more load than the store can serve,
// every request queued for a read connection or for the writer until its
// client gave up (issue 18 measured 30 s client timeouts and no error at
// all from connectd); with them, the store answers EBUSY, which the api
// sends as 503 ServiceUnavailableException with Retry-After, and the
// SDKs retry.
const (
	// DefaultReadWait is how long a View waits for one of the read pool's
	// connections (Options.ReadWait).
	DefaultReadWait = time.Second
	// DefaultQueueWait is how long a write waits for the committer to take
	// it (Options.QueueWait). A write the committer took is always
	// answered with its outcome, however long that takes: it may have
	// committed.
	DefaultQueueWait = time.Second
)

// waits returns the bounded waits of opts, with their defaults.
func (opts Options) waits() (read, queue time.Duration) {
	read, queue = opts.ReadWait, opts.QueueWait
	if read <= 0 {
		read = DefaultReadWait
	}
	if queue <= 0 {
		queue = DefaultQueueWait
	}
	return read, queue
}

// enterRead takes one of the read slots, one per connection of the read
// pool, so that a View never queues inside database/sql, where the wait
// has no bound but the caller's context. It waits at most s.readWait.
// The in-memory store has no slots: its one connection is the writer's.
func (s *Store) enterRead(ctx context.Context) (release func(), err error) {
	if s.readSlots == nil {
		return func() {}, nil
	}
	select {
	case s.readSlots <- struct{}{}:
		return s.leaveRead, nil
	default:
	}
	t := time.NewTimer(s.readWait)
	defer t.Stop()
	select {
	case s.readSlots <- struct{}{}:
		return s.leaveRead, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-t.C:
		return nil, connectd.Errorf(connectd.EBUSY,
			"connectd is overloaded: all %d read connections of the store stayed busy for %v; retry later.", cap(s.readSlots), s.readWait)
	}
}

func (s *Store) leaveRead() { <-s.readSlots }

// errQueueFull answers a write the committer did not take within
// s.queueWait; nothing of it ran.
func (s *Store) errQueueFull() error {
	return connectd.Errorf(connectd.EBUSY,
		"connectd is overloaded: the store's writer did not take the write within %v; retry later.", s.queueWait)
}

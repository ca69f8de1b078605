package api

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// deadlineCtx is the client's context with connectd's request deadline
// (Admission.RequestTimeout), whose timer is only made when something
// waits on it: the first Done, or an Err or Value asked after the
// deadline. A GetContactAttributes answered from a store's cache waits on
// nothing, and context.WithDeadlineCause made for every request (its
// timer, its Done channel, its entry in the client context's children)
// was 7 allocations and about 1 µs of a request's 28 under load
// (BENCHMARKS.md, issue 18 session 7). Once made, the real context
// answers everything, so a wait, a child context (context.WithCancel
// finds the real one through Value, as for any context), Cause and Err
// behave exactly as WithDeadlineCause's with cause errDeadline.
type deadlineCtx struct {
	client context.Context
	at     time.Time
	once   sync.Once
	made   atomic.Bool // real is set
	// released is set by release: the request is done, and the context
	// ends as WithDeadlineCause's does when it is cancelled.
	released atomic.Bool
	real     context.Context
	stop     context.CancelFunc
}

// newDeadline returns client with the request deadline at; the request
// calls release when it is done.
func newDeadline(client context.Context, at time.Time) *deadlineCtx {
	return &deadlineCtx{client: client, at: at}
}

// get makes the real context, once.
func (c *deadlineCtx) get() context.Context {
	c.once.Do(c.make)
	return c.real
}

func (c *deadlineCtx) make() {
	c.real, c.stop = context.WithDeadlineCause(c.client, c.at, errDeadline)
	c.made.Store(true)
	if c.released.Load() {
		c.stop() // made after release (or while it ran): ended at once
	}
}

// release ends the context, as WithDeadlineCause's CancelFunc does: the
// real one is stopped if it was made, and is made stopped if anything
// asks for it later (a goroutine that outlived its request), so that Err
// is Canceled and children end at once. release and make each store
// their flag before they load the other's, so at least one of them stops
// a context made concurrently (stop may run twice; it is idempotent).
func (c *deadlineCtx) release() {
	c.released.Store(true)
	if c.made.Load() {
		c.stop()
	}
}

// Deadline is the earlier of the request's and the client's deadline.
func (c *deadlineCtx) Deadline() (time.Time, bool) {
	if d, ok := c.client.Deadline(); ok && d.Before(c.at) {
		return d, true
	}
	return c.at, true
}

// Done makes the real context: whoever asks for it waits on it.
func (c *deadlineCtx) Done() <-chan struct{} { return c.get().Done() }

// Err is the client's error, DeadlineExceeded once the deadline passed, or
// Canceled once released (the real context says so, with its cause).
func (c *deadlineCtx) Err() error {
	if c.made.Load() {
		return c.real.Err()
	}
	if err := c.client.Err(); err != nil {
		return err
	}
	if c.released.Load() || !time.Now().Before(c.at) {
		return c.get().Err()
	}
	return nil
}

// Value is the client's values until the real context is made, the
// deadline passed or the request is done: context.Cause asks Value for
// the context that holds the cause, which must be the real one then.
func (c *deadlineCtx) Value(key any) any {
	if c.made.Load() || c.released.Load() || !time.Now().Before(c.at) {
		return c.get().Value(key)
	}
	return c.client.Value(key)
}

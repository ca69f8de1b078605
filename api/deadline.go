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
	real   context.Context
	stop   context.CancelFunc
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
}

// release stops the real context's timer, if one was made. One made
// afterwards (by a goroutine that outlived its request) is
// WithDeadlineCause's, whose timer ends at the deadline.
func (c *deadlineCtx) release() {
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

// Err is the client's error, or DeadlineExceeded once the deadline passed
// (the real context says so, with its cause).
func (c *deadlineCtx) Err() error {
	if c.made.Load() {
		return c.real.Err()
	}
	if err := c.client.Err(); err != nil {
		return err
	}
	if !time.Now().Before(c.at) {
		return c.get().Err()
	}
	return nil
}

// Value is the client's values until the real context is made, or the
// deadline passed: context.Cause asks Value for the context that holds
// the cause, which must be the real one then.
func (c *deadlineCtx) Value(key any) any {
	if c.made.Load() || !time.Now().Before(c.at) {
		return c.get().Value(key)
	}
	return c.client.Value(key)
}

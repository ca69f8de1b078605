package api

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"
)

// Admission bounds the work connectd takes on at once, so that past what it
// can serve it answers at once with an error every AWS SDK retries (429,
// or 503 with Retry-After) instead of letting requests queue until their
// clients time out. Under 1,000 connections of mixed load, a few slow
// searches used to hold every connection of the SQLite read pool while
// reads queued behind them for tens of seconds (issue 18). The zero value
// means the defaults below.
type Admission struct {
	// RequestTimeout is the deadline of a Connect operation's work, from
	// the moment its request arrived: what is still waiting then (for a read
	// connection, for the writer, a query still running) gives up, and the
	// request gets 503 ServiceUnavailableException with Retry-After. A
	// write the committer has taken is always answered with its real
	// outcome. Zero means DefaultRequestTimeout; negative, no deadline.
	RequestTimeout time.Duration
	// Searches is how many Search* operations run at once (they are the
	// slow reads: a common attribute value can take a second on a large
	// store); zero means DefaultSearches, negative no limit.
	Searches int
	// QueueWait is how long a search waits for a slot before it is
	// refused with 429; zero means DefaultQueueWait. Once 4 × Searches are
	// waiting, more are refused at once.
	QueueWait time.Duration
}

// The defaults of Admission. DefaultSearches leaves at least half of the
// smallest read pool (SQLite's and pgxpool's both hold at least 4
// connections) to the quick reads; a 3 s deadline keeps every answer
// under the 5 s that issue 18 sets, with room for the HTTP exchange and a
// write the committer took just before the deadline.
const (
	DefaultRequestTimeout = 3 * time.Second
	DefaultSearches       = 2
	DefaultQueueWait      = time.Second
)

// withDefaults fills in the zero fields.
func (a Admission) withDefaults() Admission {
	if a.RequestTimeout == 0 {
		a.RequestTimeout = DefaultRequestTimeout
	}
	if a.Searches == 0 {
		a.Searches = DefaultSearches
	}
	if a.QueueWait <= 0 {
		a.QueueWait = DefaultQueueWait
	}
	return a
}

// gate lets at most cap(slots) requests of a class run at once, and at
// most maxWaiting wait for a slot, each for at most wait.
type gate struct {
	slots      chan struct{}
	waiting    atomic.Int64
	maxWaiting int64
	wait       time.Duration
}

// newGate returns the gate for limit concurrent requests; nil (no gate)
// for a negative limit.
func newGate(limit int, wait time.Duration) *gate {
	if limit < 0 {
		return nil
	}
	return &gate{slots: make(chan struct{}, limit), maxWaiting: 4 * int64(limit), wait: wait}
}

// enter takes a slot, waiting for one at most g.wait (less if ctx ends
// first). ok is false when no slot came free in time, or too many wait
// already: the caller answers 429 at once.
func (g *gate) enter(ctx context.Context) (release func(), ok bool) {
	if g == nil {
		return func() {}, true
	}
	select {
	case g.slots <- struct{}{}:
		return g.leave, true
	default:
	}
	if g.waiting.Add(1) > g.maxWaiting {
		g.waiting.Add(-1)
		return nil, false
	}
	defer g.waiting.Add(-1)
	t := time.NewTimer(g.wait)
	defer t.Stop()
	select {
	case g.slots <- struct{}{}:
		return g.leave, true
	case <-t.C:
		return nil, false
	case <-ctx.Done():
		return nil, false
	}
}

func (g *gate) leave() { <-g.slots }

// gateFor returns the gate of op's class: the searches, or none.
func (s *Server) gateFor(op string) *gate {
	if strings.HasPrefix(op, "Search") {
		return s.searches
	}
	return nil
}

// errDeadline is the cause of a request's context when its
// RequestTimeout passes.
var errDeadline = errors.New("connectd: the request deadline passed")

// excCanceled is the exception (and statusCanceled the status) recorded
// for a request whose client went away before its answer: nobody reads
// them, but the request log and metrics keep them apart from connectd's
// own failures. RequestCanceled is the error code aws-sdk-go gives a
// cancelled request; 499 is nginx's "client closed request".
const (
	excCanceled    = "RequestCanceled"
	statusCanceled = 499
)

// overloaded turns the error of an operation whose context ended into what
// the client should see: its own cancellation (nobody listens any more),
// or a 503 for connectd's deadline. Other errors pass unchanged, as do
// domain errors, which are the operation's own answer even when the
// context ended meanwhile.
func (s *Server) overloaded(client, ctx context.Context, op string, err error) error {
	if err == nil { // before we, whose address escapes: one allocation a request
		return nil
	}
	var we *wireError
	if errors.As(err, &we) {
		return err
	}
	if _, code, _ := s.model.toException(op, err); code < 500 {
		return err
	}
	switch {
	case client.Err() != nil:
		return &wireError{exc: excCanceled, status: statusCanceled, message: "The client closed the request before its answer.", cause: err}
	case errors.Is(context.Cause(ctx), errDeadline) && (errors.Is(err, context.DeadlineExceeded) || errors.Is(err, errDeadline)):
		// Only an error the deadline caused: a failure of connectd's own
		// that merely came late stays a 500, logged as an ERROR.
		return &wireError{exc: excUnavailable, message: fmt.Sprintf(
			"connectd could not finish %s within its %v request deadline (--request-timeout); it is overloaded, retry later.",
			op, s.admission.RequestTimeout), cause: fmt.Errorf("%w: %w", errDeadline, err)}
	}
	return err
}

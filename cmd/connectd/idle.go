package main

import (
	"context"
	"net/http"
	"runtime/debug"
	"sync/atomic"
	"time"
)

// Once serve has had no request for idleAfter, it returns the heap's free
// memory to the operating system, once for each idle spell (issue 18:
// "idle RSS stays under 64 MiB"). Under load the heap grows to gcPercent
// over what is live (the row caches hold up to --cache-mib's estimate of
// contacts), and Go gives the difference back slowly: with
// 16 MiB caches, 118–148 MiB of RSS 15–150 s after a load that updated
// 20,000 contacts, 86–88 MiB once freed (BENCHMARKS.md, "session 6").
// debug.FreeOSMemory collects and releases at once; when idle, its one
// collection costs nothing a request waits for.
const (
	idleAfter = 5 * time.Second
	idleCheck = time.Second
)

// idleTrim notes requests and frees memory when they stop. Requests only
// store two atomics: no lock on the path every request takes.
type idleTrim struct {
	free func() // debug.FreeOSMemory; a counter in tests

	last  atomic.Int64 // the latest request's start, in Unix nanoseconds
	freed atomic.Bool  // freed since last
}

func newIdleTrim(now time.Time) *idleTrim {
	t := &idleTrim{free: debug.FreeOSMemory}
	t.last.Store(now.UnixNano())
	return t
}

// wrap returns h noting each request.
func (t *idleTrim) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.saw(time.Now())
		h.ServeHTTP(w, r)
	})
}

func (t *idleTrim) saw(at time.Time) {
	t.last.Store(at.UnixNano())
	if t.freed.Load() {
		t.freed.Store(false)
	}
}

// check frees memory if no request came for idleAfter before now and it
// has not freed since the last one. A request that starts meanwhile at
// worst follows one collection it did not need.
func (t *idleTrim) check(now time.Time) {
	if now.UnixNano()-t.last.Load() >= int64(idleAfter) && t.freed.CompareAndSwap(false, true) {
		t.free()
	}
}

// run checks every idleCheck until ctx ends.
func (t *idleTrim) run(ctx context.Context) {
	tick := time.NewTicker(idleCheck)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-tick.C:
			t.check(now)
		}
	}
}

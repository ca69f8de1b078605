package main

import (
	"context"
	"net/http"
	"runtime/debug"
	"sync"
	"time"
)

// Once serve has had no request for idleAfter, it returns the heap's free
// memory to the operating system, once for each idle spell (issue 18:
// "idle RSS stays under 64 MiB"). Under load the heap grows to gcPercent
// over what is live (the row caches hold up to their DefaultCacheBytes
// estimate of contacts), and Go gives the difference back slowly: with
// 16 MiB caches, 118–148 MiB of RSS 15–150 s after a load that updated
// 20,000 contacts, 86–88 MiB once freed (BENCHMARKS.md, "session 6").
// debug.FreeOSMemory collects and releases at once; when idle, its one
// collection costs nothing a request waits for.
const (
	idleAfter = 5 * time.Second
	idleCheck = time.Second
)

// idleTrim notes requests and frees memory when they stop.
type idleTrim struct {
	free func() // debug.FreeOSMemory; a counter in tests

	mu    sync.Mutex
	last  time.Time // the latest request's start
	freed bool      // freed since last
}

func newIdleTrim(now time.Time) *idleTrim {
	return &idleTrim{free: debug.FreeOSMemory, last: now}
}

// wrap returns h noting each request.
func (t *idleTrim) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.saw(time.Now())
		h.ServeHTTP(w, r)
	})
}

func (t *idleTrim) saw(at time.Time) {
	t.mu.Lock()
	t.last, t.freed = at, false
	t.mu.Unlock()
}

// check frees memory if no request came for idleAfter before now and it
// has not freed since the last one.
func (t *idleTrim) check(now time.Time) {
	t.mu.Lock()
	due := !t.freed && now.Sub(t.last) >= idleAfter
	t.freed = t.freed || due
	t.mu.Unlock()
	if due {
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

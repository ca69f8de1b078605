package connectd

import (
	"sync/atomic"
	"time"
)

// CommitHook holds the function a store calls after each commit of a write
// transaction, with the number of writes it carried and the time it took,
// for metrics. The zero value calls nothing; it is safe for concurrent use.
type CommitHook struct {
	f atomic.Pointer[func(writes int, took time.Duration)]
}

// Set makes f the function to call; nil stops the calls.
func (h *CommitHook) Set(f func(writes int, took time.Duration)) {
	if f == nil {
		h.f.Store(nil)
		return
	}
	h.f.Store(&f)
}

// Committed reports a commit of writes writes that began at since.
func (h *CommitHook) Committed(writes int, since time.Time) {
	if f := h.f.Load(); f != nil {
		(*f)(writes, time.Since(since))
	}
}

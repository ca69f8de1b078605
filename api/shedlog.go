package api

import (
	"sync"
	"time"
)

// shedInterval is how often at most a shed request gets its own WARN line.
const shedInterval = time.Second

// shedLog limits the WARN lines of shed requests (503 for connectd's
// request deadline or a store too busy) to one per shedInterval: an
// overloaded connectd sheds thousands of requests a second, and a line
// for each cost CPU and log volume exactly when it has neither to spare.
// The requests between two lines are logged at DEBUG, and the next WARN
// line counts them; the metrics count every one.
type shedLog struct {
	mu         sync.Mutex
	last       time.Time
	suppressed int
}

// allow reports whether a request shed at now gets a WARN line, and if so
// how many shed requests since the last one did not.
func (l *shedLog) allow(now time.Time) (ok bool, suppressed int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.last.IsZero() && now.Sub(l.last) < shedInterval {
		l.suppressed++
		return false, 0
	}
	suppressed, l.suppressed, l.last = l.suppressed, 0, now
	return true, suppressed
}

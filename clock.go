package connectd

import (
	"sync"
	"time"
)

// Clock tells the time. Everything in connectd that writes a timestamp or
// decides by age (retention, the 2018 cut-off) asks a Clock, never time.Now,
// so that tests and the control plane can move time.
type Clock interface {
	Now() time.Time
}

// SystemClock is the real wall clock.
type SystemClock struct{}

// Now returns the current time.
func (SystemClock) Now() time.Time { return time.Now() }

// ManualClock is a Clock that stands still until it is set or advanced. It is
// safe for concurrent use. The zero value reads as the zero time.
type ManualClock struct {
	mu  sync.Mutex
	now time.Time
}

// NewManualClock returns a ManualClock reading t.
func NewManualClock(t time.Time) *ManualClock { return &ManualClock{now: t} }

// Now returns the clock's current reading.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set moves the clock to t.
func (c *ManualClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// Advance moves the clock forward by d (backward if d is negative).
func (c *ManualClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// OffsetClock is the wall clock shifted by an adjustable offset: set to an
// instant, it keeps running from there. connectd's control plane moves it
// (PUT /_connectd/clock); SigV4's skew check keeps using real time. It is
// safe for concurrent use; the zero value reads the system time.
type OffsetClock struct {
	mu     sync.Mutex
	offset time.Duration
}

// Now returns the system time plus the offset.
func (c *OffsetClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

// Set makes the clock read t now, and run on from there.
func (c *OffsetClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset = time.Until(t)
}

// Advance moves the clock forward by d (backward if d is negative).
func (c *OffsetClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
}

// Reset returns the clock to the system time.
func (c *OffsetClock) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset = 0
}

// Reset is a no-op: a manual clock has no system time to return to. It lets
// a ManualClock stand in wherever an OffsetClock's methods are expected.
func (c *ManualClock) Reset() {}

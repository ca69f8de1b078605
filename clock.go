package connectd

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Clock tells the time. Everything in connectd that writes a timestamp or
// decides by age (retention, the 2018 cut-off) asks a Clock, never time.Now,
// so that tests and the control plane can move time.
type Clock interface {
	Now() time.Time
}

// MovableClock is a Clock that the control plane can move. OffsetClock and
// ManualClock are two.
type MovableClock interface {
	Clock
	// Set makes the clock read t; it runs on from there.
	Set(t time.Time) error
	// Freeze makes the clock read t until it is moved again.
	Freeze(t time.Time) error
	// Advance moves the clock by d (back if d is negative); a frozen clock
	// stays frozen.
	Advance(d time.Duration) error
	// Reset returns the clock to the system time.
	Reset() error
	// Frozen reports whether the clock stands still.
	Frozen() bool
}

// MoveWatcher is a Clock that says when it is moved: the channel Moved
// returns is closed at the clock's next move (Set, Freeze, Advance,
// Reset). A flow's Wait action sleeps on it, so that moving the clock
// through the control plane ends the waits it passes at once.
type MoveWatcher interface {
	Moved() <-chan struct{}
}

// moveSignal is the channel a MoveWatcher hands out, closed and replaced
// at each move. Its owner guards it.
type moveSignal struct{ ch chan struct{} }

func (m *moveSignal) watch() <-chan struct{} {
	if m.ch == nil {
		m.ch = make(chan struct{})
	}
	return m.ch
}

func (m *moveSignal) fire() {
	if m.ch != nil {
		close(m.ch)
		m.ch = nil
	}
}

// SystemClock is the real wall clock.
type SystemClock struct{}

// Now returns the current time.
func (SystemClock) Now() time.Time { return time.Now() }

// ManualClock is a Clock that stands still until it is set or advanced, for
// tests. It is safe for concurrent use. The zero value reads as the zero
// time. Unlike OffsetClock it purges nothing when moved back.
type ManualClock struct {
	mu    sync.Mutex
	now   time.Time
	moved moveSignal
}

// NewManualClock returns a ManualClock reading t.
func NewManualClock(t time.Time) *ManualClock { return &ManualClock{now: t} }

// Now returns the clock's current reading.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set moves the clock to t. It never fails.
func (c *ManualClock) Set(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
	c.moved.fire()
	return nil
}

// Moved returns a channel closed at the clock's next move (MoveWatcher).
func (c *ManualClock) Moved() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.moved.watch()
}

// Freeze is Set: a manual clock always stands still.
func (c *ManualClock) Freeze(t time.Time) error { return c.Set(t) }

// Advance moves the clock forward by d (backward if d is negative). It
// never fails.
func (c *ManualClock) Advance(d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.moved.fire()
	return nil
}

// Reset is a no-op: a manual clock has no system time to return to. It lets
// a ManualClock stand in wherever an OffsetClock's methods are expected.
func (c *ManualClock) Reset() error { return nil }

// Frozen is true: a manual clock moves only when told.
func (c *ManualClock) Frozen() bool { return true }

// OffsetClock is the wall clock shifted by an adjustable offset: set to an
// instant, it keeps running from there (or stands still there, frozen).
// connectd's control plane moves it (PUT /_connectd/clock); SigV4's skew
// check keeps using real time. It is safe for concurrent use; the zero
// value reads the system time.
//
// Moving it back would bring contacts that had expired, but that the
// retention sweeper had not deleted yet, back to life; so a move back
// first runs the hook given to OnMoveBack (serve and connecttest give it
// the store's purge of every expired contact), with the clock frozen at its
// reading, so that nothing expires between the purge and the move.
type OffsetClock struct {
	moving sync.Mutex // held for a whole move, purge included
	mu     sync.Mutex // guards the fields below
	state  clockState
	back   func(context.Context) error
	moved  moveSignal
}

// clockState is what an OffsetClock reads: system time plus offset, or at.
type clockState struct {
	offset time.Duration
	frozen bool
	at     time.Time
}

func (s clockState) now() time.Time {
	if s.frozen {
		return s.at
	}
	return time.Now().Add(s.offset)
}

// OnMoveBack sets the hook that runs before the clock moves back; if it
// fails, the clock stays where it was and the move returns its error.
func (c *OffsetClock) OnMoveBack(f func(context.Context) error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.back = f
}

// Now returns the clock's reading.
func (c *OffsetClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state.now()
}

// Moved returns a channel closed at the clock's next move (MoveWatcher).
func (c *OffsetClock) Moved() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.moved.watch()
}

// Frozen reports whether the clock stands still.
func (c *OffsetClock) Frozen() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state.frozen
}

// Set makes the clock read t now, and run on from there.
func (c *OffsetClock) Set(t time.Time) error {
	return c.move(func(clockState) clockState { return clockState{offset: time.Until(t)} })
}

// Freeze makes the clock read t until it is moved again.
func (c *OffsetClock) Freeze(t time.Time) error {
	return c.move(func(clockState) clockState { return clockState{frozen: true, at: t} })
}

// Advance moves the clock forward by d (backward if d is negative); a
// frozen clock stays frozen.
func (c *OffsetClock) Advance(d time.Duration) error {
	return c.move(func(s clockState) clockState {
		if s.frozen {
			s.at = s.at.Add(d)
		} else {
			s.offset += d
		}
		return s
	})
}

// Reset returns the clock to the system time, running.
func (c *OffsetClock) Reset() error {
	return c.move(func(clockState) clockState { return clockState{} })
}

// move applies next to the clock's state, running the move-back hook first
// if the reading goes back.
func (c *OffsetClock) move(next func(clockState) clockState) error {
	c.moving.Lock()
	defer c.moving.Unlock()
	c.mu.Lock()
	old := c.state
	now := old.now()
	back := c.back
	if back == nil || !next(old).now().Before(now) {
		c.state = next(old)
		c.moved.fire()
		c.mu.Unlock()
		return nil
	}
	// Stand still at now while the hook purges what has expired by now.
	c.state = clockState{frozen: true, at: now}
	c.mu.Unlock()
	err := back(context.Background())
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil {
		c.state = old
		return fmt.Errorf("move the clock back: %w", err)
	}
	c.state = next(old)
	c.moved.fire()
	return nil
}

// PurgeAll returns a hook for OffsetClock.OnMoveBack that deletes every
// contact expired at the clock's reading, batch after batch.
func PurgeAll(p Purger, batch int) func(context.Context) error {
	return func(ctx context.Context) error {
		for {
			n, err := p.PurgeExpired(ctx, batch)
			if err != nil {
				return fmt.Errorf("purge expired contacts: %w", err)
			}
			if n < batch {
				return nil
			}
		}
	}
}

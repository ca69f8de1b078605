package connectd

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestOffsetClockMoveBackHook: the hook runs only for moves back, sees the
// clock frozen at its reading before the move, and a failing hook leaves
// the clock where it was.
func TestOffsetClockMoveBackHook(t *testing.T) {
	var c OffsetClock
	at := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := c.Freeze(at); err != nil {
		t.Fatal(err)
	}
	var calls int
	var seen time.Time
	var fail error
	c.OnMoveBack(func(context.Context) error {
		calls++
		seen = c.Now()
		return fail
	})
	if err := c.Advance(time.Hour); err != nil || calls != 0 {
		t.Fatalf("forward move: err %v, hook called %d times", err, calls)
	}
	if err := c.Advance(-time.Minute); err != nil || calls != 1 || !seen.Equal(at.Add(time.Hour)) {
		t.Fatalf("back move: err %v, %d calls, hook saw %v, want %v", err, calls, seen, at.Add(time.Hour))
	}
	fail = errors.New("store closed")
	before := c.Now()
	if err := c.Set(at); !errors.Is(err, fail) || !c.Now().Equal(before) || !c.Frozen() {
		t.Fatalf("failed hook: err %v, clock %v (frozen %v), want %v frozen", err, c.Now(), c.Frozen(), before)
	}
	fail = nil
	if err := c.Reset(); err != nil || calls != 3 || c.Frozen() {
		t.Fatalf("Reset from 2030 is a move back: err %v, %d calls, frozen %v", err, calls, c.Frozen())
	}
}

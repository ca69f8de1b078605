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

// TestClockMoved: each move of a movable clock closes the channel Moved
// gave out before it (a flow's Wait wakes on it), and only a move does.
func TestClockMoved(t *testing.T) {
	closed := func(ch <-chan struct{}) bool {
		select {
		case <-ch:
			return true
		default:
			return false
		}
	}
	offset := &OffsetClock{}
	offset.OnMoveBack(func(context.Context) error { return nil })
	manual := NewManualClock(time.Unix(1e9, 0))
	at := time.Unix(1.5e9, 0)
	for name, c := range map[string]interface {
		MovableClock
		MoveWatcher
	}{"offset": offset, "manual": manual} {
		for _, move := range []func() error{
			func() error { return c.Advance(time.Hour) },
			func() error { return c.Advance(-time.Hour) }, // back, through the hook
			func() error { return c.Set(at) },
			func() error { return c.Freeze(at) },
		} {
			ch := c.Moved()
			if closed(ch) {
				t.Fatalf("%s: Moved is closed before a move", name)
			}
			if err := move(); err != nil {
				t.Fatal(err)
			}
			if !closed(ch) {
				t.Fatalf("%s: a move left Moved open", name)
			}
		}
	}
	ch := offset.Moved()
	if err := offset.Reset(); err != nil || !closed(ch) {
		t.Fatalf("offset Reset: %v, closed %v", err, closed(ch))
	}
}

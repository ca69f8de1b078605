package api

import (
	"testing"
	"time"
)

// TestShedLogOneLineAPeriod: the first shed request gets a line, those
// within shedInterval of it do not, and the next line counts them.
func TestShedLogOneLineAPeriod(t *testing.T) {
	var l shedLog
	t0 := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	if ok, n := l.allow(t0); !ok || n != 0 {
		t.Fatalf("first: %v %d", ok, n)
	}
	for i := range 5 {
		if ok, _ := l.allow(t0.Add(time.Duration(i+1) * 100 * time.Millisecond)); ok {
			t.Fatalf("shed %d within the interval got a line", i)
		}
	}
	if ok, n := l.allow(t0.Add(shedInterval)); !ok || n != 5 {
		t.Fatalf("after the interval: %v %d, want a line counting 5", ok, n)
	}
	if ok, n := l.allow(t0.Add(3 * shedInterval)); !ok || n != 0 {
		t.Fatalf("a quiet period later: %v %d", ok, n)
	}
}

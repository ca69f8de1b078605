package api

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

type deadlineTestKey struct{}

// mustEnd fails t with why unless done closes within 5 s.
func mustEnd(t *testing.T, done <-chan struct{}, why string) {
	t.Helper()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal(why)
	}
}

// TestDeadlineUnwaitedStillEnds: a request deadline nobody waited on still
// reports its end through Err and Cause, as WithDeadlineCause's would.
func TestDeadlineUnwaitedStillEnds(t *testing.T) {
	client := context.WithValue(context.Background(), deadlineTestKey{}, "v")
	dc := newDeadline(client, time.Now().Add(20*time.Millisecond))
	defer dc.release()
	if err := dc.Err(); err != nil {
		t.Fatalf("Err before the deadline = %v", err)
	}
	if dc.made.Load() {
		t.Fatal("Err before the deadline made the timer")
	}
	if v := dc.Value(deadlineTestKey{}); v != "v" {
		t.Fatalf("Value = %v, want the client's", v)
	}
	time.Sleep(30 * time.Millisecond)
	if err := context.Cause(dc); !errors.Is(err, errDeadline) {
		t.Fatalf("Cause after the deadline, never waited on = %v, want errDeadline", err)
	}
	if err := dc.Err(); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Err after the deadline = %v, want DeadlineExceeded", err)
	}
	if v := dc.Value(deadlineTestKey{}); v != "v" {
		t.Fatalf("Value after the deadline = %v, want the client's", v)
	}
}

// TestDeadlineWaited: Done closes at the deadline, with errDeadline as its
// cause, and so does a child context made before.
func TestDeadlineWaited(t *testing.T) {
	dc := newDeadline(context.Background(), time.Now().Add(20*time.Millisecond))
	defer dc.release()
	child, cancel := context.WithCancel(dc)
	defer cancel()
	mustEnd(t, dc.Done(), "Done did not close at the deadline")
	<-child.Done()
	if err := context.Cause(child); !errors.Is(err, errDeadline) {
		t.Fatalf("child's Cause = %v, want errDeadline", err)
	}
	if err := dc.Err(); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Err = %v", err)
	}
}

// TestDeadlineClientGone: the client's cancellation shows whether or not
// anything waited yet, as Canceled, never as the deadline.
func TestDeadlineClientGone(t *testing.T) {
	for _, waited := range []bool{false, true} {
		client, cancel := context.WithCancel(context.Background())
		dc := newDeadline(client, time.Now().Add(time.Hour))
		if waited {
			_ = dc.Done()
		}
		cancel()
		if waited {
			<-dc.Done()
		}
		if err := dc.Err(); !errors.Is(err, context.Canceled) {
			t.Fatalf("waited %v: Err = %v, want Canceled", waited, err)
		}
		if err := context.Cause(dc); errors.Is(err, errDeadline) {
			t.Fatalf("waited %v: Cause = %v, the client's cancellation taken for the deadline", waited, err)
		}
		dc.release()
	}
}

// TestDeadlineEarlierClient: Deadline is the earlier of the two.
func TestDeadlineEarlierClient(t *testing.T) {
	soon := time.Now().Add(time.Minute)
	client, cancel := context.WithDeadline(context.Background(), soon)
	defer cancel()
	for at, want := range map[time.Time]time.Time{soon.Add(time.Hour): soon, soon.Add(-time.Second): soon.Add(-time.Second)} {
		dc := newDeadline(client, at)
		if got, ok := dc.Deadline(); !ok || !got.Equal(want) {
			t.Errorf("Deadline() = %v, %v; want %v", got, ok, want)
		}
		dc.release()
	}
}

// TestDeadlineReleased: release ends a context that was waited on (its
// timer stopped), as the CancelFunc of WithDeadlineCause does.
func TestDeadlineReleased(t *testing.T) {
	dc := newDeadline(context.Background(), time.Now().Add(time.Hour))
	done := dc.Done()
	dc.release()
	mustEnd(t, done, "release did not end the context")
	if err := dc.Err(); !errors.Is(err, context.Canceled) {
		t.Fatalf("Err after release = %v, want Canceled", err)
	}
}

// TestDeadlineConcurrentUse: goroutines sharing the context (go test
// -race) see one real context.
func TestDeadlineConcurrentUse(t *testing.T) {
	dc := newDeadline(context.Background(), time.Now().Add(30*time.Millisecond))
	defer dc.release()
	var wg sync.WaitGroup
	dones := make([]<-chan struct{}, 8)
	for i := range dones {
		wg.Go(func() {
			_ = dc.Err()
			_ = dc.Value(deadlineTestKey{})
			dones[i] = dc.Done()
		})
	}
	wg.Wait()
	for i := range dones {
		if dones[i] != dones[0] {
			t.Fatal("Done returned different channels")
		}
		<-dones[i]
	}
}

// TestDeadlineReleasedUnwaited: release ends a context nothing waited on
// too: Err is Canceled, and a child made afterwards (a goroutine that
// outlived its request) ends at once, not at the deadline.
func TestDeadlineReleasedUnwaited(t *testing.T) {
	dc := newDeadline(context.Background(), time.Now().Add(time.Hour))
	dc.release()
	if err := dc.Err(); !errors.Is(err, context.Canceled) {
		t.Fatalf("Err after release = %v, want Canceled", err)
	}
	child, stop := context.WithCancel(dc)
	defer stop()
	mustEnd(t, child.Done(), "a child made after release is live")
	if err := context.Cause(dc); errors.Is(err, errDeadline) {
		t.Fatalf("Cause after release = %v, the deadline", err)
	}
}

// TestDeadlineReleaseRacesFirstWait: a Done concurrent with release never
// leaves a live context behind (go test -race).
func TestDeadlineReleaseRacesFirstWait(t *testing.T) {
	for range 200 {
		dc := newDeadline(context.Background(), time.Now().Add(time.Hour))
		var wg sync.WaitGroup
		var done <-chan struct{}
		wg.Go(func() { done = dc.Done() })
		dc.release()
		wg.Wait()
		mustEnd(t, done, "the context made while release ran is live")
	}
}

package flow

import (
	"context"
	"time"

	"github.com/connectd/connectd"
)

// pollWithoutWatch is how often a Wait looks at a clock that cannot say
// when it is moved (a connectd.Clock that is no MoveWatcher).
const pollWithoutWatch = 100 * time.Millisecond

// wait runs Wait: "Pauses the flow for a specified duration, or until a
// specified event happens", TimeoutSeconds "a positive integer value no
// greater than 604800" or a JSONPath reference to one; when the time
// elapses "the run result is WaitCompleted", taken through the condition
// Equals WaitCompleted (else the action's NextAction). The duration is
// measured on the Runner's clock, which the control plane moves: the run
// is stored WAITING with the end of its wait, and moving the clock past
// that end resumes it at once. connectd has no participants, so the
// events (CustomerReturned, BotParticipantDisconnected) never happen:
// for a TASK "It always branches to Time Expired or Error" (the Wait
// block's page), and a CHAT contact behaves the same here.
func (x *execution) wait(ctx context.Context, d *data, a *connectd.FlowAction) outcome {
	raw := text(d.resolve(a.Parameters["TimeoutSeconds"]))
	params := map[string]any{"TimeoutSeconds": raw}
	if ev, ok := a.Parameters["Events"]; ok {
		params["Events"] = ev
	}
	secs, err := connectd.WaitTimeout(raw)
	if err != nil {
		return outcome{params: params, errType: "NoMatchingError", message: err.Error()}
	}
	// From the clock's reading at the stored precision, so that the stored
	// Until is the very instant the wait ends (a clock frozen at Until
	// ends it).
	until := x.r.now().Add(time.Duration(secs) * time.Second)
	x.log.Status = connectd.FlowRunWaiting
	x.log.Wait = &connectd.FlowRunWait{Identifier: a.Identifier, Until: until}
	x.save(ctx)
	stopped := x.sleepUntil(ctx, until)
	x.log.Status, x.log.Wait = connectd.FlowRunRunning, nil
	if stopped {
		return outcome{params: params, interrupted: true}
	}
	o := outcome{params: params, results: "WaitCompleted", next: conditionFor(a, "WaitCompleted")}
	// A contact stopped while its flow waited has no flow left to run.
	if c, err := x.contactNow(ctx); err == nil && !c.Active() {
		o.next, o.end, o.message = "", true, "The contact ended during the Wait; the flow ends with it."
	}
	return o
}

// sleepUntil returns once the Runner's clock reads until or later, true
// if ctx ended first (the Runner is closing). It wakes when the clock is
// moved (MoveWatcher) and when the time left would have run out on the
// wall clock, and looks again: a frozen clock moves only when told.
func (x *execution) sleepUntil(ctx context.Context, until time.Time) bool {
	clock := x.r.cfg.Clock
	watcher, _ := clock.(connectd.MoveWatcher)
	for {
		var moved <-chan struct{}
		if watcher != nil {
			moved = watcher.Moved() // before reading the clock: no move is missed
		}
		left := until.Sub(clock.Now())
		if left <= 0 {
			return false
		}
		if watcher == nil && left > pollWithoutWatch {
			left = pollWithoutWatch
		}
		t := time.NewTimer(left)
		select {
		case <-ctx.Done():
			t.Stop()
			return true
		case <-moved:
			t.Stop()
		case <-t.C:
		}
	}
}

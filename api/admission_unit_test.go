package api

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

// TestOverloadedOnlyForTheDeadlinesErrors: past the request deadline, an
// error the deadline caused is a 503 ServiceUnavailableException, but a
// failure of connectd's own that merely came late is passed on as it is
// (a 500, logged as an ERROR), not disguised as an overload.
func TestOverloadedOnlyForTheDeadlinesErrors(t *testing.T) {
	s := New(Config{Admission: Admission{RequestTimeout: time.Millisecond}})
	client := context.Background()
	std, cancel := context.WithDeadlineCause(client, time.Now().Add(-time.Second), errDeadline)
	defer cancel()
	// dispatch's deadline, past and never waited on: Cause must still
	// name the deadline.
	lazy := newDeadline(client, time.Now().Add(-time.Second))
	defer lazy.release()
	const op = "GetContactAttributes"
	for name, ctx := range map[string]context.Context{"WithDeadlineCause": std, "deadlineCtx": lazy} {
		late := errors.New("the store broke")
		if got := s.overloaded(client, ctx, op, late); got != late {
			t.Errorf("%s: a late failure of connectd's own became %v", name, got)
		}
		var we *wireError
		got := s.overloaded(client, ctx, op, fmt.Errorf("read: %w", context.DeadlineExceeded))
		if !errors.As(got, &we) || we.exc != excUnavailable || !errors.Is(got, errDeadline) {
			t.Errorf("%s: an error of the deadline: %v, want a 503 %s", name, got, excUnavailable)
		}
	}
}

package connectd_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/connectd/connectd"
)

// busyPort refuses every unit of work as an overloaded store does.
type busyPort struct{ calls atomic.Int32 }

func (p *busyPort) Update(ctx context.Context, op string, fn func(connectd.Tx) error) error {
	p.calls.Add(1)
	return connectd.Errorf(connectd.EBUSY, "the writer did not take the write within 1s")
}

func (p *busyPort) View(ctx context.Context, op string, fn func(connectd.Tx) error) error {
	return p.Update(ctx, op, fn)
}

// syncBuffer is a bytes.Buffer that the backfill goroutine and the test
// may use at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// TestBackfillBusyStoreIsAWarning checks that a backfill batch the store
// is too busy to take is logged as a warning, not an ERROR, and tried
// again soon rather than at the next interval (an hour here).
func TestBackfillBusyStoreIsAWarning(t *testing.T) {
	port := &busyPort{}
	svc := connectd.NewService(port, connectd.NewManualClock(time.Unix(0, 0)))
	var out syncBuffer
	log := slog.New(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { defer close(done); svc.IndexSearchKeys(ctx, time.Hour, log) }()
	deadline := time.Now().Add(30 * time.Second)
	for port.calls.Load() < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("the backfill tried %d times in 30s; want a retry after a busy store", port.calls.Load())
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
	logs := out.String()
	if strings.Contains(logs, "level=ERROR") {
		t.Errorf("a busy store was logged as an ERROR:\n%s", logs)
	}
	if !strings.Contains(logs, "level=WARN") || !strings.Contains(logs, "store is busy") {
		t.Errorf("no warning that the backfill was put off:\n%s", logs)
	}
}

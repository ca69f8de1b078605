package outbox_test

import (
	"context"
	"maps"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/outbox"
)

// markCounting wraps a real store's Port and counts the entries its units
// of work mark (Tx.MarkOutbox), so a test can tell the deliverer wrote an
// entry again even when the state it writes is the one already stored.
type markCounting struct {
	connectd.Port
	marked *atomic.Int64
}

func (p markCounting) Update(ctx context.Context, op string, fn func(connectd.Tx) error) error {
	return p.Port.Update(ctx, op, func(tx connectd.Tx) error { return fn(markCountingTx{tx, p.marked}) })
}

type markCountingTx struct {
	connectd.Tx
	marked *atomic.Int64
}

func (tx markCountingTx) MarkOutbox(ctx context.Context, e *connectd.OutboxEntry) error {
	tx.marked.Add(1)
	return tx.Tx.MarkOutbox(ctx, e)
}

// TestWrittenNoDestinationNeverTouched: entries the Service wrote
// NO_DESTINATION (serve with contact events off, an instance without a
// storage config) are neither delivered nor marked by the deliverer, even
// one whose sinks are all there: not sent, not written again, and the
// pending gauge reads 0. A record written after a stream is configured is
// delivered and marked, once.
func TestWrittenNoDestinationNeverTouched(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var marked atomic.Int64
	svc := connectd.NewService(markCounting{e.store, &marked}, e.clock)
	svc.SetDelivery(connectd.Delivery{})
	e.svc = svc
	st := newStub(t)
	obs := newCounts()
	var streams atomic.Pointer[[]outbox.Target]
	streams.Store(&[]outbox.Target{})
	targets := func(context.Context, string) ([]outbox.Target, error) { return *streams.Load(), nil }
	d := outbox.New(svc, targets, outbox.NewSinks(stubConfig(st.srv.URL), true), e.clock, e.logger(), outbox.Config{Observer: obs})

	e.endedTask("c-1")
	if err := d.Pass(e.ctx); err != nil {
		t.Fatal(err)
	}
	want := []string{"CONTACT_EVENT:NO_DESTINATION", "CONTACT_EVENT:NO_DESTINATION", "CONTACT_RECORD:NO_DESTINATION",
		"CONTACT_EVENT:NO_DESTINATION"}
	if got := e.states(); !slices.Equal(got, want) {
		t.Fatalf("states = %q, want %q", got, want)
	}
	if n := marked.Load(); n != 0 {
		t.Fatalf("the deliverer marked %d entries written NO_DESTINATION, want 0", n)
	}
	if n := len(st.received()); n != 0 || d.Delivered() != 0 {
		t.Fatalf("%d calls to the sinks (%d delivered) for entries written NO_DESTINATION, want none", n, d.Delivered())
	}
	if want := map[string]int{"CONTACT_RECORD": 0, "CONTACT_EVENT": 0}; !maps.Equal(obs.pending, want) {
		t.Errorf("pending gauge = %v, want %v", obs.pending, want)
	}

	// The instance gains a stream (in the store, which the Service reads
	// when it writes the record, and in the deliverer's targets).
	const arn = "arn:aws:kinesis:us-east-1:111122223333:stream/late"
	if err := svc.AssociateStorageConfig(e.ctx, owner, &connectd.StorageConfig{InstanceID: "inst-1", AssociationID: "k",
		ResourceType: connectd.ResourceContactTraceRecords, StorageType: connectd.StorageKinesisStream, StreamARN: arn,
		Document: []byte(`{"StorageType":"KINESIS_STREAM"}`)}); err != nil {
		t.Fatal(err)
	}
	streams.Store(&[]outbox.Target{{Type: outbox.TargetKinesisStream, ARN: arn}})
	if err := svc.UpdateAttributes(e.ctx, owner, "inst-1", "c-1", connectd.Attributes{"after": "stream"}); err != nil {
		t.Fatal(err)
	}
	if err := d.Pass(e.ctx); err != nil {
		t.Fatal(err)
	}
	want = append(want, "CONTACT_EVENT:NO_DESTINATION", "CONTACT_RECORD:DELIVERED")
	if got := e.states(); !slices.Equal(got, want) {
		t.Fatalf("after the stream: states = %q, want %q", got, want)
	}
	calls := st.received()
	if marked.Load() != 1 || len(calls) != 1 || calls[0].Target != "Kinesis_20131202.PutRecord" {
		t.Fatalf("after the stream: %d marked, calls %v; want the one new record sent and marked", marked.Load(), calls)
	}
	if rec := decode(t, calls[0].Body["Data"]); rec["Attributes"].(map[string]any)["after"] != "stream" {
		t.Errorf("sent record = %v, want the one the update wrote", rec)
	}
}

package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/connectd/connectd"
)

// states describes entries as "KIND contact [eventType] STATE" lines.
func states(t *testing.T, es []*connectd.OutboxEntry) []string {
	t.Helper()
	out := kinds(t, es)
	for i, e := range es {
		out[i] += " " + string(e.State)
	}
	return out
}

func wantStates(t *testing.T, es []*connectd.OutboxEntry, want ...string) {
	t.Helper()
	if got := states(t, es); !slices.Equal(got, want) {
		t.Fatalf("outbox = %q\nwant     %q", got, want)
	}
}

// testOutboxNoDestinationAtWrite: with a Delivery known (serve's, contact
// events off), the entries nothing can take are written NO_DESTINATION in
// their INSERT: every event, and a record of an instance without a
// CONTACT_TRACE_RECORDS storage config (a config of another resource type
// takes no records). They read back so, the deliverer's PendingOutbox
// never returns them, and a config associated later receives only the
// records written from then on.
func testOutboxNoDestinationAtWrite(t *testing.T, f *fixture) {
	f.svc.SetDelivery(connectd.Delivery{})
	transcripts := &connectd.StorageConfig{InstanceID: f.inst.ID, AssociationID: "s3", ResourceType: "CHAT_TRANSCRIPTS",
		StorageType: "S3", Document: []byte(`{"StorageType":"S3","S3Config":{"BucketName":"b"}}`)}
	if err := f.svc.AssociateStorageConfig(f.ctx, f.owner, transcripts); err != nil {
		t.Fatal(err)
	}
	c := f.contact()
	if err := f.svc.StopContact(f.ctx, f.owner, f.inst.ID, c.ID); err != nil {
		t.Fatal(err)
	}
	wantStates(t, f.outbox(0),
		"CONTACT_EVENT "+c.ID+" INITIATED NO_DESTINATION", "CONTACT_EVENT "+c.ID+" CONNECTED_TO_SYSTEM NO_DESTINATION",
		"CONTACT_RECORD "+c.ID+" NO_DESTINATION", "CONTACT_EVENT "+c.ID+" DISCONNECTED NO_DESTINATION")
	for _, e := range f.outbox(0) {
		if e.Attempts != 0 || !e.DeliveredAt.IsZero() || !e.NextAttempt.IsZero() || e.LastError != "" || e.CreatedAt.IsZero() {
			t.Errorf("entry %d: attempts %d, delivered %v, next %v, error %q, created %v; want a fresh entry set aside",
				e.Seq, e.Attempts, e.DeliveredAt, e.NextAttempt, e.LastError, e.CreatedAt)
		}
	}
	if p, err := f.svc.PendingOutbox(f.ctx, 10); err != nil || len(p) != 0 {
		t.Fatalf("PendingOutbox = %d entries, %v; want none", len(p), err)
	}

	// A stream now: the record the next change writes goes to it; the
	// one of before does not.
	if err := f.svc.AssociateStorageConfig(f.ctx, f.owner, streamConfig(f, "k", "arn:aws:kinesis:us-east-1:111122223333:stream/s")); err != nil {
		t.Fatal(err)
	}
	after := f.lastSeq()
	f.clock.Advance(time.Second)
	f.update(c.ID, connectd.Attributes{"late": "1"})
	es := f.outbox(after)
	wantStates(t, es, "CONTACT_EVENT "+c.ID+" CONTACT_DATA_UPDATED NO_DESTINATION", "CONTACT_RECORD "+c.ID+" PENDING")
	pending, err := f.svc.PendingOutbox(f.ctx, 10)
	if err != nil || len(pending) != 1 || pending[0].Seq != es[1].Seq {
		t.Fatalf("PendingOutbox = %v, %v; want only the record written with the stream", pending, err)
	}
	if a := recordOf(t, pending[0])["Attributes"].(map[string]any); a["late"] != "1" {
		t.Errorf("pending record's Attributes = %v", a)
	}
	if s := f.outbox(0)[2].State; s != connectd.OutboxNoDestination {
		t.Errorf("the record written before the stream is now %s, want NO_DESTINATION still", s)
	}

	// The cap counts only what was waiting for delivery as dropped
	// undelivered: of the 6 entries, trimming to 1 drops 5, none PENDING.
	if dropped, err := f.svc.TrimOutbox(f.ctx, 1); err != nil || dropped != 0 {
		t.Fatalf("TrimOutbox(1) = %d, %v; want 0 pending dropped", dropped, err)
	}
	if left := f.outbox(0); len(left) != 1 || left[0].State != connectd.OutboxPending {
		t.Fatalf("after trimming: %q, want the pending record", states(t, left))
	}
}

// testOutboxEventsWithSink: with contact events on, events are written
// PENDING; a record still follows the instance's storage configs.
func testOutboxEventsWithSink(t *testing.T, f *fixture) {
	f.svc.SetDelivery(connectd.Delivery{Events: true})
	c := f.contact()
	f.update(c.ID, connectd.Attributes{"a": "1"})
	if err := f.svc.StopContact(f.ctx, f.owner, f.inst.ID, c.ID); err != nil {
		t.Fatal(err)
	}
	wantStates(t, f.outbox(0),
		"CONTACT_EVENT "+c.ID+" INITIATED PENDING", "CONTACT_EVENT "+c.ID+" CONNECTED_TO_SYSTEM PENDING",
		"CONTACT_EVENT "+c.ID+" CONTACT_DATA_UPDATED PENDING",
		"CONTACT_RECORD "+c.ID+" NO_DESTINATION", "CONTACT_EVENT "+c.ID+" DISCONNECTED PENDING")
}

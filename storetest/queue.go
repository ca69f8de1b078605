package storetest

import (
	"testing"
	"time"

	"github.com/connectd/connectd"
)

// queueTests cover Service.EnqueueFromFlow (TransferContactToQueue) and
// the EnqueueTimestamp every store keeps.
var queueTests = []storeTest{
	{"Enqueue", testEnqueue},
	{"ExportImportReset", testEnqueueSnapshot},
}

func testEnqueue(t *testing.T, f *fixture) {
	c := f.contact()
	f.clock.Advance(time.Minute)
	if err := f.svc.EnqueueFromFlow(f.ctx, f.owner, f.inst.ID, c.ID, "q-7"); err != nil {
		t.Fatalf("EnqueueFromFlow: %v", err)
	}
	got := f.find(c.ID)
	if got.QueueID != "q-7" {
		t.Fatalf("QueueID %q", got.QueueID)
	}
	wantNear(t, "EnqueueTimestamp", got.EnqueueTimestamp, f.clock.Now())
	wantNear(t, "LastUpdateTimestamp", got.LastUpdateTimestamp, f.clock.Now())
	// Queued once: a second enqueue is refused and changes nothing.
	f.clock.Advance(time.Minute)
	wantCode(t, f.svc.EnqueueFromFlow(f.ctx, f.owner, f.inst.ID, c.ID, "q-8"), connectd.EINVALIDREQUEST)
	again := f.find(c.ID)
	if again.QueueID != "q-7" || !again.EnqueueTimestamp.Equal(got.EnqueueTimestamp) {
		t.Fatalf("after a refused enqueue: %q at %v", again.QueueID, again.EnqueueTimestamp)
	}
	// An ended contact, or another owner's, is not queued.
	ended := f.contact()
	if err := f.svc.StopContact(f.ctx, f.owner, f.inst.ID, ended.ID); err != nil {
		t.Fatal(err)
	}
	wantCode(t, f.svc.EnqueueFromFlow(f.ctx, f.owner, f.inst.ID, ended.ID, "q-7"), connectd.ENOTACTIVE)
	other := connectd.Owner{AccountID: "999988887777", Region: "us-east-1"}
	wantCode(t, f.svc.EnqueueFromFlow(f.ctx, other, f.inst.ID, ended.ID, "q-7"), connectd.ENOTFOUND)
	if got := f.find(ended.ID); !got.EnqueueTimestamp.IsZero() {
		t.Fatalf("an ended contact was queued at %v", got.EnqueueTimestamp)
	}
}

// testEnqueueSnapshot: export, reset and import keep EnqueueTimestamp;
// an imported EnqueueTimestamp without a QueueId is refused.
func testEnqueueSnapshot(t *testing.T, f *fixture) {
	c := f.contact()
	if err := f.svc.EnqueueFromFlow(f.ctx, f.owner, f.inst.ID, c.ID, "q-1"); err != nil {
		t.Fatal(err)
	}
	before := f.find(c.ID)
	f.exportResetImport()
	after := f.find(c.ID)
	wantSameContact(t, after, before)
	if after.EnqueueTimestamp.IsZero() {
		t.Fatal("import lost EnqueueTimestamp")
	}
	snap, err := f.svc.Export(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, sc := range snap.Contacts {
		sc.QueueID = ""
	}
	if err := f.svc.Reset(f.ctx); err != nil {
		t.Fatal(err)
	}
	wantCode(t, f.svc.Import(f.ctx, snap), connectd.EINVALID)
}

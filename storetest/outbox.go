package storetest

import (
	"encoding/json"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/connectd/connectd"
)

// outboxTests hold the outbox to the Service's promise: every record and
// event is written by the change that causes it, in its unit of work, and
// nothing by a request that fails.
var outboxTests = []storeTest{
	{"StartWritesEvents", testOutboxStart},
	{"StopWritesRecordThenEvent", testOutboxStop},
	{"RejectedChangeWritesNothing", testOutboxRejected},
	{"AttributesOfEndedContactRecordAgain", testOutboxAttributes},
	{"TagsAnnounced", testOutboxTags},
	{"DeleteContactDataRecordsAgain", testOutboxDeleteContactData},
	{"TransferRecordsOldContact", testOutboxTransfer},
	{"DeliveryState", testOutboxDeliveryState},
	{"TrimKeepsNewest", testOutboxTrim},
	{"ConcurrentTrimsKeepTheCap", testOutboxConcurrentTrims},
	{"PerInstanceAndReset", testOutboxInstances},
	{"NoDestinationAtWrite", testOutboxNoDestinationAtWrite},
	{"EventsWithSink", testOutboxEventsWithSink},
}

// outbox returns the fixture instance's entries after seq `after`.
func (f *fixture) outbox(after int64) []*connectd.OutboxEntry {
	f.t.Helper()
	es, err := f.svc.Outbox(f.ctx, f.inst.ID, after, 1000)
	if err != nil {
		f.t.Fatalf("Outbox: %v", err)
	}
	return es
}

// lastSeq returns the seq of the fixture instance's newest entry, or 0.
func (f *fixture) lastSeq() int64 {
	f.t.Helper()
	es := f.outbox(0)
	if len(es) == 0 {
		return 0
	}
	return es[len(es)-1].Seq
}

// kinds describes entries as "KIND contact [eventType]" lines.
func kinds(t *testing.T, es []*connectd.OutboxEntry) []string {
	t.Helper()
	var out []string
	for _, e := range es {
		s := string(e.Kind) + " " + e.ContactID
		if e.Kind == connectd.OutboxEvent {
			s += " " + eventOf(t, e)["eventType"].(string)
		}
		out = append(out, s)
	}
	return out
}

// eventOf decodes an event entry's detail.
func eventOf(t *testing.T, e *connectd.OutboxEntry) map[string]any {
	t.Helper()
	var ev map[string]any
	if err := json.Unmarshal(e.Payload, &ev); err != nil {
		t.Fatalf("event %d: %v", e.Seq, err)
	}
	return ev["detail"].(map[string]any)
}

// recordOf decodes a record entry.
func recordOf(t *testing.T, e *connectd.OutboxEntry) map[string]any {
	t.Helper()
	var rec map[string]any
	if err := json.Unmarshal(e.Payload, &rec); err != nil {
		t.Fatalf("record %d: %v", e.Seq, err)
	}
	return rec
}

func wantKinds(t *testing.T, es []*connectd.OutboxEntry, want ...string) {
	t.Helper()
	if got := kinds(t, es); !slices.Equal(got, want) {
		t.Fatalf("outbox = %q, want %q", got, want)
	}
	for i := 1; i < len(es); i++ {
		if es[i].Seq <= es[i-1].Seq {
			t.Fatalf("seq %d after %d: not increasing", es[i].Seq, es[i-1].Seq)
		}
	}
	for _, e := range es {
		if e.State != connectd.OutboxPending || e.InstanceID == "" || e.CreatedAt.IsZero() {
			t.Fatalf("entry %d: state %s, instance %q, created %v; want a PENDING entry", e.Seq, e.State, e.InstanceID, e.CreatedAt)
		}
	}
}

func testOutboxStart(t *testing.T, f *fixture) {
	task := f.contact()
	voice := f.contact(func(c *connectd.Contact) {
		c.Channel, c.InitiationMethod, c.QueueID = connectd.ChannelVoice, connectd.InitiationOutbound, "q-1"
	})
	es := f.outbox(0)
	wantKinds(t, es,
		"CONTACT_EVENT "+task.ID+" INITIATED", "CONTACT_EVENT "+task.ID+" CONNECTED_TO_SYSTEM",
		"CONTACT_EVENT "+voice.ID+" INITIATED", "CONTACT_EVENT "+voice.ID+" QUEUED")
	d := eventOf(t, es[3])
	if d["queueInfo"].(map[string]any)["queueArn"] != f.inst.ARN()+"/queue/q-1" || d["channel"] != "VOICE" {
		t.Errorf("QUEUED detail = %v", d)
	}
}

func testOutboxStop(t *testing.T, f *fixture) {
	c := f.contact(withAttrs(connectd.Attributes{"a": "1"}))
	after := f.lastSeq()
	f.clock.Advance(time.Minute)
	if err := f.svc.StopContact(f.ctx, f.owner, f.inst.ID, c.ID); err != nil {
		t.Fatal(err)
	}
	es := f.outbox(after)
	wantKinds(t, es, "CONTACT_RECORD "+c.ID, "CONTACT_EVENT "+c.ID+" DISCONNECTED")
	rec := recordOf(t, es[0])
	for _, k := range connectd.ContactRecordFields() {
		if _, ok := rec[k]; !ok {
			t.Errorf("record lacks %s", k)
		}
	}
	stopped := start.Add(time.Minute).Format("2006-01-02T15:04:05.000Z")
	for k, want := range map[string]any{
		"ContactId": c.ID, "InstanceARN": f.inst.ARN(), "AWSAccountId": f.owner.AccountID,
		"DisconnectTimestamp": stopped, "LastUpdateTimestamp": stopped, "DisconnectReason": "API",
		"Channel": "TASK", "InitialContactId": nil,
	} {
		if rec[k] != want {
			t.Errorf("record %s = %v, want %v", k, rec[k], want)
		}
	}
	if a := rec["Attributes"].(map[string]any); len(a) != 1 || a["a"] != "1" {
		t.Errorf("record Attributes = %v, want the chain's map", a)
	}
	if d := eventOf(t, es[1]); d["disconnectTimestamp"] != stopped {
		t.Errorf("DISCONNECTED detail = %v", d)
	}
}

func testOutboxRejected(t *testing.T, f *fixture) {
	c := f.contact()
	if err := f.svc.StopContact(f.ctx, f.owner, f.inst.ID, c.ID); err != nil {
		t.Fatal(err)
	}
	after := f.lastSeq()
	wantCode(t, f.svc.StopContact(f.ctx, f.owner, f.inst.ID, c.ID), connectd.ENOTACTIVE)
	wantCode(t, f.svc.UpdateAttributes(f.ctx, f.owner, f.inst.ID, c.ID, connectd.Attributes{"": "x"}), connectd.EINVALID)
	_, err := f.svc.CreateContact(f.ctx, f.owner, &connectd.Contact{InstanceID: f.inst.ID, ID: c.ID,
		Channel: connectd.ChannelTask, InitiationMethod: connectd.InitiationAPI})
	wantCode(t, err, connectd.ECONFLICT)
	if es := f.outbox(after); len(es) != 0 {
		t.Fatalf("rejected requests wrote %q", kinds(t, es))
	}
}

func testOutboxAttributes(t *testing.T, f *fixture) {
	c := f.contact(withAttrs(connectd.Attributes{"a": "1"}))
	after := f.lastSeq()
	f.update(c.ID, connectd.Attributes{"b": "2"})
	es := f.outbox(after)
	wantKinds(t, es, "CONTACT_EVENT "+c.ID+" CONTACT_DATA_UPDATED")
	if p := eventOf(t, es[0])["updatedProperties"]; len(p.([]any)) != 1 || p.([]any)[0] != "UserDefinedAttributes" {
		t.Errorf("updatedProperties = %v", p)
	}
	if err := f.svc.StopContact(f.ctx, f.owner, f.inst.ID, c.ID); err != nil {
		t.Fatal(err)
	}
	after = f.lastSeq()
	f.clock.Advance(time.Second)
	f.update(c.ID, connectd.Attributes{"c": "3"})
	es = f.outbox(after)
	wantKinds(t, es, "CONTACT_EVENT "+c.ID+" CONTACT_DATA_UPDATED", "CONTACT_RECORD "+c.ID)
	rec := recordOf(t, es[1])
	if a := rec["Attributes"].(map[string]any); len(a) != 3 || a["c"] != "3" {
		t.Errorf("record sent again has Attributes %v, want all three keys", a)
	}
	if rec["LastUpdateTimestamp"] != start.Add(time.Second).Format("2006-01-02T15:04:05.000Z") {
		t.Errorf("LastUpdateTimestamp = %v, want the update's time, for consumers' deduplication", rec["LastUpdateTimestamp"])
	}
}

func testOutboxTags(t *testing.T, f *fixture) {
	c := f.contact()
	after := f.lastSeq()
	if err := f.svc.TagContact(f.ctx, f.owner, f.inst.ID, c.ID, map[string]string{"team": "red"}); err != nil {
		t.Fatal(err)
	}
	es := f.outbox(after)
	wantKinds(t, es, "CONTACT_EVENT "+c.ID+" CONTACT_DATA_UPDATED")
	d := eventOf(t, es[0])
	if d["tags"].(map[string]any)["team"] != "red" || d["updatedProperties"].([]any)[0] != "Tags" {
		t.Errorf("detail = %v", d)
	}
}

func testOutboxTransfer(t *testing.T, f *fixture) {
	old := f.contact(withAttrs(connectd.Attributes{"a": "1"}))
	after := f.lastSeq()
	nc := f.transfer(old.ID, "after-transfer", "")
	es := f.outbox(after)
	wantKinds(t, es,
		"CONTACT_EVENT "+nc.ID+" INITIATED", "CONTACT_EVENT "+nc.ID+" CONNECTED_TO_SYSTEM",
		"CONTACT_EVENT "+nc.ID+" QUEUED",
		"CONTACT_RECORD "+old.ID, "CONTACT_EVENT "+old.ID+" DISCONNECTED")
	rec := recordOf(t, es[3])
	if rec["NextContactId"] != nc.ID || rec["TransferCompletedTimestamp"] == nil || rec["DisconnectReason"] != nil {
		t.Errorf("old contact's record: NextContactId %v, TransferCompletedTimestamp %v, DisconnectReason %v",
			rec["NextContactId"], rec["TransferCompletedTimestamp"], rec["DisconnectReason"])
	}
	if d := eventOf(t, es[0]); d["previousContactId"] != old.ID || d["initialContactId"] != old.ID {
		t.Errorf("INITIATED of the new contact = %v", d)
	}
	// The record an update sends again repeats how the contact ended.
	again := f.lastSeq()
	if err := f.svc.UpdateAttributes(f.ctx, f.owner, f.inst.ID, old.ID, connectd.Attributes{"a": "2"}); err != nil {
		t.Fatal(err)
	}
	for _, e := range f.outbox(again) {
		if e.Kind != connectd.OutboxRecord || e.ContactID != old.ID {
			continue
		}
		re := recordOf(t, e)
		if re["NextContactId"] != nc.ID || re["TransferCompletedTimestamp"] != rec["TransferCompletedTimestamp"] || re["DisconnectReason"] != nil {
			t.Errorf("old contact's record sent again: NextContactId %v, TransferCompletedTimestamp %v (first %v), DisconnectReason %v",
				re["NextContactId"], re["TransferCompletedTimestamp"], rec["TransferCompletedTimestamp"], re["DisconnectReason"])
		}
		return
	}
	t.Error("an update of the transferred contact sent no record again")
}

func testOutboxDeliveryState(t *testing.T, f *fixture) {
	f.contact()
	f.contact()
	pending, err := f.svc.PendingOutbox(f.ctx, 10)
	if err != nil || len(pending) != 4 {
		t.Fatalf("PendingOutbox = %d entries, %v; want 4", len(pending), err)
	}
	at := start.Add(time.Hour)
	pending[0].State, pending[0].DeliveredAt = connectd.OutboxDelivered, at
	pending[1].Attempts, pending[1].LastError, pending[1].NextAttempt = 2, "503 from the sink", at
	pending[2].State = connectd.OutboxNoDestination
	if err := f.svc.MarkOutbox(f.ctx, pending[:3]); err != nil {
		t.Fatal(err)
	}
	left, err := f.svc.PendingOutbox(f.ctx, 10)
	if err != nil || len(left) != 2 || left[0].Seq != pending[1].Seq || left[1].Seq != pending[3].Seq {
		t.Fatalf("after marking, pending = %v, %v; want entries %d and %d", left, err, pending[1].Seq, pending[3].Seq)
	}
	if e := left[0]; e.Attempts != 2 || e.LastError != "503 from the sink" || !e.NextAttempt.Equal(at) {
		t.Errorf("retried entry reads back as attempts %d, error %q, next %v", e.Attempts, e.LastError, e.NextAttempt)
	}
	all := f.outbox(0)
	if all[0].State != connectd.OutboxDelivered || !all[0].DeliveredAt.Equal(at) || all[2].State != connectd.OutboxNoDestination {
		t.Errorf("states = %s (delivered %v), %s; want DELIVERED at %v, NO_DESTINATION", all[0].State, all[0].DeliveredAt, all[2].State, at)
	}
}

func testOutboxTrim(t *testing.T, f *fixture) {
	for range 3 {
		f.contact() // two events each
	}
	all := f.outbox(0)
	all[0].State = connectd.OutboxDelivered
	if err := f.svc.MarkOutbox(f.ctx, all[:1]); err != nil {
		t.Fatal(err)
	}
	dropped, err := f.svc.TrimOutbox(f.ctx, 4)
	if err != nil || dropped != 1 {
		t.Fatalf("TrimOutbox(4) = %d, %v; want 1 undelivered dropped (of 2 dropped)", dropped, err)
	}
	if left := f.outbox(0); len(left) != 4 || left[0].Seq != all[2].Seq {
		t.Fatalf("after trimming to 4: %d entries from seq %d; want the newest 4", len(left), left[0].Seq)
	}
	if dropped, err := f.svc.TrimOutbox(f.ctx, 4); err != nil || dropped != 0 {
		t.Fatalf("TrimOutbox under the cap = %d, %v; want 0", dropped, err)
	}
	f.contact()
	if left := f.outbox(0); left[len(left)-1].Seq <= all[len(all)-1].Seq {
		t.Fatal("a seq was reused after trimming")
	}
	if dropped, err := f.svc.TrimOutbox(f.ctx, 0); err != nil || dropped != 6 || len(f.outbox(0)) != 0 {
		t.Fatalf("TrimOutbox(0) = %d, %v, %d left; want all 6 dropped", dropped, err, len(f.outbox(0)))
	}
}

// testOutboxConcurrentTrims: trims at once (as several replicas run them)
// drop only the excess: the newest keep entries stay. On PostgreSQL each
// trim's count and cutoff are two READ COMMITTED snapshots; unserialised,
// a second trim deleted the excess again from what the first left.
func testOutboxConcurrentTrims(t *testing.T, f *fixture) {
	for range 15 {
		f.contact() // two events each
	}
	all := f.outbox(0)
	const keep = 10
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			if _, err := f.svc.TrimOutbox(f.ctx, keep); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	left := f.outbox(0)
	if len(left) != keep || left[0].Seq != all[len(all)-keep].Seq {
		t.Fatalf("after 8 trims at once to %d of %d: %d entries left; want the newest %d", keep, len(all), len(left), keep)
	}
}

func testOutboxInstances(t *testing.T, f *fixture) {
	other := f.instance(f.owner, "inst-other", "other")
	f.contact()
	if _, err := f.svc.CreateContact(f.ctx, f.owner, &connectd.Contact{InstanceID: other.ID, ID: "x",
		Channel: connectd.ChannelChat, InitiationMethod: connectd.InitiationAPI}); err != nil {
		t.Fatal(err)
	}
	if es := f.outbox(0); len(es) != 2 || es[0].InstanceID != f.inst.ID {
		t.Fatalf("instance's outbox = %q", kinds(t, es))
	}
	all, err := f.svc.Outbox(f.ctx, "", 0, 100)
	if err != nil || len(all) != 4 {
		t.Fatalf("every instance's outbox = %d entries, %v; want 4", len(all), err)
	}
	if page, err := f.svc.Outbox(f.ctx, "", all[1].Seq, 1); err != nil || len(page) != 1 || page[0].Seq != all[2].Seq {
		t.Fatalf("page after %d = %v, %v", all[1].Seq, page, err)
	}
	if err := f.svc.Reset(f.ctx); err != nil {
		t.Fatal(err)
	}
	if all, _ := f.svc.Outbox(f.ctx, "", 0, 100); len(all) != 0 {
		t.Fatalf("Reset left %d outbox entries", len(all))
	}
}

// testOutboxDeleteContactData: deleting contact data changes an ended
// contact, so its record is sent again, with the deleted field's
// counterpart (CUSTOMER_ENDPOINT: CustomerEndpoint) null there and in every
// later record; a deletion that changes nothing sends nothing.
func testOutboxDeleteContactData(t *testing.T, f *fixture) {
	c := f.contact(withAttrs(connectd.Attributes{"a": "1"}))
	if err := f.svc.StopContact(f.ctx, f.owner, f.inst.ID, c.ID); err != nil {
		t.Fatal(err)
	}
	after := f.lastSeq()
	f.clock.Advance(time.Second)
	if err := f.svc.DeleteContactData(f.ctx, f.owner, f.inst.ID, c.ID, []string{"CUSTOMER_ENDPOINT"}); err != nil {
		t.Fatal(err)
	}
	es := f.outbox(after)
	wantKinds(t, es, "CONTACT_RECORD "+c.ID)
	rec := recordOf(t, es[0])
	if v, ok := rec["CustomerEndpoint"]; !ok || v != nil {
		t.Errorf("record after deletion: CustomerEndpoint %v (present %v), want null", v, ok)
	}
	if a := rec["Attributes"].(map[string]any); len(a) != 1 || a["a"] != "1" {
		t.Errorf("record after deletion has Attributes %v, want the chain's map", a)
	}
	if rec["LastUpdateTimestamp"] != start.Add(time.Second).Format("2006-01-02T15:04:05.000Z") {
		t.Errorf("LastUpdateTimestamp = %v, want the deletion's time", rec["LastUpdateTimestamp"])
	}

	after = f.lastSeq()
	if err := f.svc.DeleteContactData(f.ctx, f.owner, f.inst.ID, c.ID, []string{"CUSTOMER_ENDPOINT"}); err != nil {
		t.Fatal(err)
	}
	if es := f.outbox(after); len(es) != 0 {
		t.Errorf("deleting a deleted field again wrote %q", kinds(t, es))
	}
	f.update(c.ID, connectd.Attributes{"b": "2"})
	es = f.outbox(after)
	wantKinds(t, es, "CONTACT_EVENT "+c.ID+" CONTACT_DATA_UPDATED", "CONTACT_RECORD "+c.ID)
	if v, ok := recordOf(t, es[1])["CustomerEndpoint"]; !ok || v != nil {
		t.Errorf("later record: CustomerEndpoint %v (present %v), want null", v, ok)
	}
}

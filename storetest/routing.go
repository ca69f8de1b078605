package storetest

import (
	"testing"
	"time"

	"github.com/connectd/connectd"
)

func testUpdateSchedule(t *testing.T, f *fixture) {
	sched := f.contact(func(c *connectd.Contact) { c.ScheduledTimestamp = start.Add(time.Hour) })
	plain := f.contact()
	later := start.Add(48 * time.Hour)
	if err := f.svc.UpdateContactSchedule(f.ctx, f.owner, f.inst.ID, sched.ID, later); err != nil {
		t.Fatal(err)
	}
	if got := f.find(sched.ID); !got.ScheduledTimestamp.Equal(later) || !got.LastUpdateTimestamp.Equal(start) {
		t.Fatalf("after the update: ScheduledTimestamp %v LastUpdateTimestamp %v", got.ScheduledTimestamp, got.LastUpdateTimestamp)
	}
	f.wantIDs("search by the new scheduled time", f.query(func(q *connectd.SearchQuery) {
		q.TimeRange, q.Start, q.End = connectd.TimeScheduled, later, later
	}), sched.ID)
	wantCode(t, f.svc.UpdateContactSchedule(f.ctx, f.owner, f.inst.ID, sched.ID, start.Add(-2*time.Minute)), connectd.EINVALID)
	wantCode(t, f.svc.UpdateContactSchedule(f.ctx, f.owner, f.inst.ID, sched.ID, start.Add(connectd.MaxScheduleAhead+time.Second)), connectd.EINVALID)
	if got := f.find(sched.ID); !got.ScheduledTimestamp.Equal(later) {
		t.Fatalf("a refused update changed ScheduledTimestamp to %v", got.ScheduledTimestamp)
	}
	wantCode(t, f.svc.UpdateContactSchedule(f.ctx, f.owner, f.inst.ID, plain.ID, later), connectd.EINVALIDREQUEST)
	wantCode(t, f.svc.UpdateContactSchedule(f.ctx, f.owner, f.inst.ID, "missing", later), connectd.ENOTFOUND)
}

func testUpdateRoutingData(t *testing.T, f *fixture) {
	c := f.contact()
	prio, adj := int64(2), int64(-30)
	if err := f.svc.UpdateContactRoutingData(f.ctx, f.owner, f.inst.ID, c.ID, connectd.RoutingData{QueuePriority: &prio}); err != nil {
		t.Fatal(err)
	}
	if r := f.find(c.ID).State.Routing; r == nil || r.QueuePriority == nil || *r.QueuePriority != 2 || r.QueueTimeAdjustmentSeconds != nil {
		t.Fatalf("routing after priority = %+v", r)
	}
	steps := []byte(`[{"Expiry":{"DurationInSeconds":30}}]`)
	if err := f.svc.UpdateContactRoutingData(f.ctx, f.owner, f.inst.ID, c.ID, connectd.RoutingData{QueueTimeAdjustmentSeconds: &adj, RoutingSteps: steps}); err != nil {
		t.Fatal(err)
	}
	r := f.find(c.ID).State.Routing
	if r == nil || r.QueuePriority != nil || r.QueueTimeAdjustmentSeconds == nil || *r.QueueTimeAdjustmentSeconds != -30 {
		t.Fatalf("routing after adjustment = %+v", r)
	}
	if string(r.RoutingSteps) != `[{"Expiry": {"DurationInSeconds": 30}}]` && string(r.RoutingSteps) != string(steps) {
		t.Fatalf("steps = %s", r.RoutingSteps)
	}
	wantCode(t, f.svc.UpdateContactRoutingData(f.ctx, f.owner, f.inst.ID, c.ID, connectd.RoutingData{QueuePriority: &prio, QueueTimeAdjustmentSeconds: &adj}), connectd.EINVALID)
	wantCode(t, f.svc.UpdateContactRoutingData(f.ctx, f.owner, f.inst.ID, c.ID, connectd.RoutingData{}), connectd.EINVALID)
	if err := f.svc.StopContact(f.ctx, f.owner, f.inst.ID, c.ID); err != nil {
		t.Fatal(err)
	}
	wantCode(t, f.svc.UpdateContactRoutingData(f.ctx, f.owner, f.inst.ID, c.ID, connectd.RoutingData{QueuePriority: &prio}), connectd.ECONFLICT)
}

func testOutboundEmail(t *testing.T, f *fixture) {
	c := f.contact(func(c *connectd.Contact) {
		c.Channel, c.InitiationMethod = connectd.ChannelEmail, connectd.InitiationOutbound
	})
	if _, err := f.svc.StartOutboundEmailContact(f.ctx, f.owner, f.inst.ID, c.ID, "t1"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.StartOutboundEmailContact(f.ctx, f.owner, f.inst.ID, c.ID, "t1"); err != nil {
		t.Fatalf("retry: %v", err)
	}
	_, err := f.svc.StartOutboundEmailContact(f.ctx, f.owner, f.inst.ID, c.ID, "t2")
	wantCode(t, err, connectd.EINVALIDREQUEST)
	if st := f.find(c.ID).State; st == nil || !st.EmailSentAt.Equal(start) || st.EmailSentToken != "t1" {
		t.Fatalf("state = %+v", st)
	}
	inbound := f.contact(func(c *connectd.Contact) { c.Channel = connectd.ChannelEmail })
	_, err = f.svc.StartOutboundEmailContact(f.ctx, f.owner, f.inst.ID, inbound.ID, "t3")
	wantCode(t, err, connectd.EINVALIDREQUEST)
}

func testDeleteContactData(t *testing.T, f *fixture) {
	c := f.contact()
	wantCode(t, f.svc.DeleteContactData(f.ctx, f.owner, f.inst.ID, c.ID, []string{"CUSTOMER_ENDPOINT"}), connectd.ENOTTERMINATED)
	if err := f.svc.StopContact(f.ctx, f.owner, f.inst.ID, c.ID); err != nil {
		t.Fatal(err)
	}
	wantCode(t, f.svc.DeleteContactData(f.ctx, f.owner, f.inst.ID, c.ID, []string{"EMAIL_SUBJECT"}), connectd.EINVALID)
	for range 2 { // the second time is a no-op
		if err := f.svc.DeleteContactData(f.ctx, f.owner, f.inst.ID, c.ID, []string{"CUSTOMER_ENDPOINT"}); err != nil {
			t.Fatal(err)
		}
	}
	if st := f.find(c.ID).State; st == nil || len(st.Redacted) != 1 || st.Redacted[0] != "CUSTOMER_ENDPOINT" {
		t.Fatalf("state = %+v", st)
	}
	f.exportResetImport()
	if st := f.find(c.ID).State; st == nil || len(st.Redacted) != 1 {
		t.Fatalf("state after export and import = %+v", st)
	}
}

func testBatchPutContact(t *testing.T, f *fixture) {
	good, bad := f.newContact(), f.newContact(withAttrs(connectd.Attributes{"bad key": "x"}))
	good.ClientToken = "batch/1"
	res, err := f.svc.BatchPutContact(f.ctx, f.owner, f.inst.ID, []*connectd.Contact{good, bad})
	if err != nil || len(res) != 2 || res[0].Err != nil || connectd.ErrorCode(res[1].Err) != connectd.EINVALID {
		t.Fatalf("results = %+v, %v", res, err)
	}
	f.find(good.ID) // kept although the second item failed
	retry := f.newContact()
	retry.ClientToken = "batch/1"
	res, err = f.svc.BatchPutContact(f.ctx, f.owner, f.inst.ID, []*connectd.Contact{retry})
	if err != nil || res[0].Err != nil || res[0].Contact.ID != good.ID {
		t.Fatalf("retry = %+v, %v; want contact %s", res, err, good.ID)
	}
	_, err = f.svc.BatchPutContact(f.ctx, f.owner, "missing", []*connectd.Contact{f.newContact()})
	wantCode(t, err, connectd.ENOTFOUND)
}

func testPersistentAssociation(t *testing.T, f *fixture) {
	chat := func(c *connectd.Contact) { c.Channel = connectd.ChannelChat }
	c1 := f.contact(chat)
	c2 := f.contact(chat, withPrevious(c1.ID))
	c3 := f.contact(chat, withPrevious(c2.ID))
	for i, c := range []*connectd.Contact{c1, c3, c2} { // c2 ends last
		f.clock.Set(start.Add(time.Duration(i+1) * time.Minute))
		if err := f.svc.StopContact(f.ctx, f.owner, f.inst.ID, c.ID); err != nil {
			t.Fatal(err)
		}
	}
	cur := f.contact(chat)
	got, err := f.svc.CreatePersistentContactAssociation(f.ctx, f.owner, f.inst.ID, cur.ID, c1.ID, connectd.RehydrateEntirePastSession)
	if err != nil || got != c2.ID {
		t.Fatalf("ENTIRE_PAST_SESSION = %q, %v; want the last ended contact %s", got, err, c2.ID)
	}
	if st := f.find(cur.ID).State; st == nil || st.ContinuedFrom != c2.ID {
		t.Fatalf("state = %+v", st)
	}
	if again, err := f.svc.CreatePersistentContactAssociation(f.ctx, f.owner, f.inst.ID, cur.ID, c1.ID, connectd.RehydrateEntirePastSession); err != nil || again != c2.ID {
		t.Fatalf("asked again = %q, %v", again, err)
	}
	_, err = f.svc.CreatePersistentContactAssociation(f.ctx, f.owner, f.inst.ID, cur.ID, c3.ID, connectd.RehydrateFromSegment)
	wantCode(t, err, connectd.EINVALIDREQUEST) // already associated with another
	other := f.contact(chat)
	if got, err := f.svc.CreatePersistentContactAssociation(f.ctx, f.owner, f.inst.ID, other.ID, c3.ID, connectd.RehydrateFromSegment); err != nil || got != c3.ID {
		t.Fatalf("FROM_SEGMENT = %q, %v", got, err)
	}
	_, err = f.svc.CreatePersistentContactAssociation(f.ctx, f.owner, f.inst.ID, f.contact(chat).ID, c2.ID, connectd.RehydrateEntirePastSession)
	wantCode(t, err, connectd.EINVALID)
	_, err = f.svc.CreatePersistentContactAssociation(f.ctx, f.owner, f.inst.ID, f.contact(chat).ID, other.ID, connectd.RehydrateFromSegment)
	wantCode(t, err, connectd.EINVALIDREQUEST) // the source has not ended
	_, err = f.svc.CreatePersistentContactAssociation(f.ctx, f.owner, f.inst.ID, f.contact().ID, c3.ID, connectd.RehydrateFromSegment)
	wantCode(t, err, connectd.EINVALIDREQUEST) // the current contact is a task
}

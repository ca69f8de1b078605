package storetest

import (
	"strings"
	"testing"
	"time"

	"github.com/connectd/connectd"
)

var contactTests = []storeTest{
	{"RoundTrip", testContactRoundTrip},
	{"FindUnknown", testContactFindUnknown},
	{"PreviousJoinsChain", testContactPrevious},
	{"PreviousQuota", testContactPreviousQuota},
	{"UnknownPreviousOrRelated", testContactUnknownLinks},
	{"RelatedCopiesOnce", testContactRelated},
	{"InvalidAttributesCreateNothing", testContactInvalidAttributes},
	{"ClientTokenReplay", testContactClientToken},
}

var stopTests = []storeTest{
	{"SetsDisconnectTimestamp", testStop},
	{"Unknown", func(t *testing.T, f *fixture) {
		wantCode(t, f.svc.StopContact(f.ctx, f.owner, f.inst.ID, "no-such-contact"), connectd.ENOTFOUND)
		c := f.contact()
		wantCode(t, f.svc.StopContact(f.ctx, f.owner, "no-such-instance", c.ID), connectd.ENOTFOUND)
	}},
}

func testContactRoundTrip(t *testing.T, f *fixture) {
	// Sub-millisecond parts: stores keep at least millisecond precision.
	f.clock.Advance(456789 * time.Nanosecond)
	now := f.clock.Now()
	in := f.newContact(func(c *connectd.Contact) {
		c.Channel = connectd.ChannelChat
		c.InitiationMethod = connectd.InitiationInbound
		c.Name = "Order 1234"
		c.Description = "Customer asks about delivery — bitte zurückrufen"
		c.QueueID = "queue-7"
		c.ClientToken = "token-round-trip"
		c.InitiationTimestamp = now.Add(-time.Hour - 123456789*time.Nanosecond)
		c.ScheduledTimestamp = now.Add(2*time.Hour + 987654321*time.Nanosecond)
		c.Attributes = connectd.Attributes{"orderId": "1234", "customer": "Zoë", "drop": ""}
	})
	got, err := f.svc.CreateContact(f.ctx, f.owner, in)
	if err != nil {
		t.Fatal(err)
	}
	want := *in
	want.InitialContactID = in.ID
	want.Attributes = connectd.Attributes{"orderId": "1234", "customer": "Zoë"}
	wantNear(t, "InitiationTimestamp", got.InitiationTimestamp, in.InitiationTimestamp)
	wantNear(t, "ScheduledTimestamp", got.ScheduledTimestamp, in.ScheduledTimestamp)
	wantNear(t, "LastUpdateTimestamp", got.LastUpdateTimestamp, now)
	want.InitiationTimestamp, want.ScheduledTimestamp = got.InitiationTimestamp, got.ScheduledTimestamp
	want.LastUpdateTimestamp = got.LastUpdateTimestamp
	wantSameContact(t, got, &want)
	if !got.Active() || !got.IsInitial() {
		t.Errorf("new contact: Active %v, IsInitial %v; want both", got.Active(), got.IsInitial())
	}
	// FindContact returns exactly what CreateContact did.
	wantSameContact(t, f.find(in.ID), got)

	// A zero InitiationTimestamp means now.
	f.clock.Advance(time.Minute)
	c := f.contact()
	wantNear(t, "default InitiationTimestamp", c.InitiationTimestamp, f.clock.Now())
	if !c.ScheduledTimestamp.IsZero() || !c.DisconnectTimestamp.IsZero() {
		t.Errorf("unset timestamps = %v, %v; want zero", c.ScheduledTimestamp, c.DisconnectTimestamp)
	}
	wantSameContact(t, f.find(c.ID), c)
}

func testContactFindUnknown(t *testing.T, f *fixture) {
	c := f.contact()
	_, err := f.svc.FindContact(f.ctx, f.owner, f.inst.ID, "no-such-contact")
	wantCode(t, err, connectd.ENOTFOUND)
	_, err = f.svc.FindContact(f.ctx, f.owner, "no-such-instance", c.ID)
	wantCode(t, err, connectd.ENOTFOUND)
	other := f.instance(f.owner, "inst-other", "other")
	_, err = f.svc.FindContact(f.ctx, f.owner, other.ID, c.ID)
	wantCode(t, err, connectd.ENOTFOUND)
	_, err = f.svc.CreateContact(f.ctx, f.owner, &connectd.Contact{
		InstanceID: "no-such-instance", ID: "x", Channel: connectd.ChannelTask, InitiationMethod: connectd.InitiationAPI,
	})
	wantCode(t, err, connectd.ENOTFOUND)
}

func testContactPrevious(t *testing.T, f *fixture) {
	a := f.contact(withAttrs(connectd.Attributes{"a": "1"}))
	b := f.contact(withPrevious(a.ID), withAttrs(connectd.Attributes{"b": "2"}))
	c := f.contact(withPrevious(b.ID))
	for _, m := range []*connectd.Contact{b, c} {
		if m.InitialContactID != a.ID || m.IsInitial() {
			t.Fatalf("%s: InitialContactID = %q, want %q", m.ID, m.InitialContactID, a.ID)
		}
	}
	if c.PreviousContactID != b.ID {
		t.Errorf("PreviousContactID = %q, want %q", c.PreviousContactID, b.ID)
	}
	want := connectd.Attributes{"a": "1", "b": "2"}
	wantAttrs(t, "created member's attributes", b.Attributes, want)
	check := func(want connectd.Attributes) {
		t.Helper()
		for _, id := range []string{a.ID, b.ID, c.ID} {
			got := f.find(id)
			wantAttrs(t, "FindContact("+id+").Attributes", got.Attributes, want)
			if got.InitialContactID != a.ID {
				t.Errorf("FindContact(%s).InitialContactID = %q, want %q", id, got.InitialContactID, a.ID)
			}
		}
		wantAttrs(t, "GetAttributes(initial)", f.attrs(a.ID), want)
	}
	check(want)
	f.update(a.ID, connectd.Attributes{"c": "3", "a": ""})
	check(connectd.Attributes{"b": "2", "c": "3"})
}

func testContactPreviousQuota(t *testing.T, f *fixture) {
	p := f.contact()
	var linked []*connectd.Contact
	for range connectd.MaxTasksPerPreviousContact {
		linked = append(linked, f.contact(withPrevious(p.ID)))
	}
	over := f.newContact(withPrevious(p.ID))
	_, err := f.svc.CreateContact(f.ctx, f.owner, over)
	wantCode(t, err, connectd.EQUOTA)
	_, err = f.svc.FindContact(f.ctx, f.owner, f.inst.ID, over.ID)
	wantCode(t, err, connectd.ENOTFOUND)
	// The quota is per PreviousContactId, not per chain.
	f.contact(withPrevious(linked[0].ID))
}

func testContactUnknownLinks(t *testing.T, f *fixture) {
	other := f.instance(f.owner, "inst-other", "other")
	elsewhere, err := f.svc.CreateContact(f.ctx, f.owner, &connectd.Contact{
		InstanceID: other.ID, ID: "contact-elsewhere", Channel: connectd.ChannelTask, InitiationMethod: connectd.InitiationAPI,
	})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		opt  func(*connectd.Contact)
	}{
		{"UnknownPrevious", withPrevious("no-such-contact")},
		{"UnknownRelated", withRelated("no-such-contact")},
		{"PreviousInOtherInstance", withPrevious(elsewhere.ID)},
		{"RelatedInOtherInstance", withRelated(elsewhere.ID)},
	}
	for _, tc := range cases {
		c := f.newContact(tc.opt)
		_, err := f.svc.CreateContact(f.ctx, f.owner, c)
		if connectd.ErrorCode(err) != connectd.ENOTFOUND {
			t.Errorf("%s: error %v, want ENOTFOUND", tc.name, err)
		}
		if _, err := f.svc.FindContact(f.ctx, f.owner, f.inst.ID, c.ID); connectd.ErrorCode(err) != connectd.ENOTFOUND {
			t.Errorf("%s: rejected contact was stored (FindContact err %v)", tc.name, err)
		}
	}
}

func testContactRelated(t *testing.T, f *fixture) {
	r := f.contact(withAttrs(connectd.Attributes{"x": "1", "keep": "k"}))
	n := f.contact(withRelated(r.ID), withAttrs(connectd.Attributes{"y": "2", "x": "9"}))
	if n.InitialContactID != n.ID || n.RelatedContactID != r.ID {
		t.Fatalf("related contact: InitialContactID %q, RelatedContactID %q; want own id %q and %q",
			n.InitialContactID, n.RelatedContactID, n.ID, r.ID)
	}
	// Request attributes are merged on top of the copied ones.
	wantAttrs(t, "new contact's attributes", f.attrs(n.ID), connectd.Attributes{"x": "9", "keep": "k", "y": "2"})
	wantAttrs(t, "related contact's attributes", f.attrs(r.ID), connectd.Attributes{"x": "1", "keep": "k"})
	// Later updates to either side do not propagate.
	f.update(r.ID, connectd.Attributes{"z": "3"})
	f.update(n.ID, connectd.Attributes{"w": "4", "keep": ""})
	wantAttrs(t, "related after updates", f.attrs(r.ID), connectd.Attributes{"x": "1", "keep": "k", "z": "3"})
	wantAttrs(t, "new after updates", f.attrs(n.ID), connectd.Attributes{"x": "9", "y": "2", "w": "4"})
	// Relating to a chain member copies its chain's map.
	m := f.contact(withPrevious(r.ID))
	l := f.contact(withRelated(m.ID))
	wantAttrs(t, "copy of a member's chain map", f.attrs(l.ID), f.attrs(r.ID))
}

func testContactInvalidAttributes(t *testing.T, f *fixture) {
	a := f.contact(withAttrs(connectd.Attributes{"a": "1"}))
	cases := []struct {
		name  string
		attrs connectd.Attributes
		prev  string
	}{
		{"BadKey", connectd.Attributes{"good": "1", "bad key": "2"}, ""},
		{"EmptyKey", connectd.Attributes{"": "v"}, ""},
		{"TooLarge", connectd.Attributes{"k": strings.Repeat("x", connectd.MaxAttributesBytes)}, ""},
		{"BadKeyJoiningChain", connectd.Attributes{"bad.key": "2"}, a.ID},
		{"TooLargeJoiningChain", connectd.Attributes{"big": strings.Repeat("x", connectd.MaxAttributesBytes-4)}, a.ID},
	}
	for _, tc := range cases {
		c := f.newContact(withAttrs(tc.attrs), withPrevious(tc.prev))
		_, err := f.svc.CreateContact(f.ctx, f.owner, c)
		if connectd.ErrorCode(err) != connectd.EINVALID {
			t.Errorf("%s: error %v, want EINVALID", tc.name, err)
		}
		if _, err := f.svc.FindContact(f.ctx, f.owner, f.inst.ID, c.ID); connectd.ErrorCode(err) != connectd.ENOTFOUND {
			t.Errorf("%s: rejected contact was stored (FindContact err %v)", tc.name, err)
		}
	}
	wantAttrs(t, "chain map after rejected joins", f.attrs(a.ID), connectd.Attributes{"a": "1"})
}

func testContactClientToken(t *testing.T, f *fixture) {
	first := f.contact(func(c *connectd.Contact) { c.ClientToken = "token-1" }, withAttrs(connectd.Attributes{"a": "1"}))
	f.clock.Advance(time.Second)
	retry := f.newContact(func(c *connectd.Contact) { c.ClientToken = "token-1"; c.Name = "different" })
	got, err := f.svc.CreateContact(f.ctx, f.owner, retry)
	if err != nil {
		t.Fatal(err)
	}
	wantSameContact(t, got, first)
	_, err = f.svc.FindContact(f.ctx, f.owner, f.inst.ID, retry.ID)
	wantCode(t, err, connectd.ENOTFOUND)

	// The same token in another instance starts a new contact.
	other := f.instance(f.owner, "inst-other", "other")
	c, err := f.svc.CreateContact(f.ctx, f.owner, &connectd.Contact{
		InstanceID: other.ID, ID: "contact-other", ClientToken: "token-1",
		Channel: connectd.ChannelTask, InitiationMethod: connectd.InitiationAPI,
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.ID != "contact-other" || c.InstanceID != other.ID {
		t.Fatalf("other instance, same token: got contact %s/%s, want a new one", c.InstanceID, c.ID)
	}
	// A different token in the same instance starts a new contact.
	if c := f.contact(func(c *connectd.Contact) { c.ClientToken = "token-2" }); c.ID == first.ID {
		t.Fatalf("a new token returned the first contact")
	}
}

func testStop(t *testing.T, f *fixture) {
	c := f.contact()
	f.clock.Advance(5*time.Minute + 250*time.Millisecond)
	if err := f.svc.StopContact(f.ctx, f.owner, f.inst.ID, c.ID); err != nil {
		t.Fatal(err)
	}
	got := f.find(c.ID)
	wantNear(t, "DisconnectTimestamp", got.DisconnectTimestamp, f.clock.Now())
	wantNear(t, "LastUpdateTimestamp", got.LastUpdateTimestamp, f.clock.Now())
	if got.Active() {
		t.Error("stopped contact is still active")
	}
	wantNear(t, "InitiationTimestamp", got.InitiationTimestamp, c.InitiationTimestamp)
	f.clock.Advance(time.Minute)
	err := f.svc.StopContact(f.ctx, f.owner, f.inst.ID, c.ID)
	wantCode(t, err, connectd.ENOTACTIVE)
	if again := f.find(c.ID); !again.DisconnectTimestamp.Equal(got.DisconnectTimestamp) {
		t.Errorf("second stop moved DisconnectTimestamp to %v", again.DisconnectTimestamp)
	}
	// Stopping one contact of a chain leaves the others active.
	a := f.contact()
	b := f.contact(withPrevious(a.ID))
	if err := f.svc.StopContact(f.ctx, f.owner, f.inst.ID, a.ID); err != nil {
		t.Fatal(err)
	}
	if !f.find(b.ID).Active() {
		t.Error("stopping the initial contact stopped its chain member")
	}
}

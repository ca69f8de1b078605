package storetest

import (
	"strings"
	"testing"
	"time"

	"github.com/connectd/connectd"
)

var attributeTests = []storeTest{
	{"MergeAndRemove", testAttrMerge},
	{"SizeLimit", testAttrSize},
	{"BadKeyChangesNothing", testAttrBadKey},
	{"InvalidUTF8ChangesNothing", testAttrInvalidUTF8},
	{"OnlyInitialContact", testAttrNotFound},
	{"CompletedContact", testAttrCompleted},
	{"BeforeAPIRelease", testAttrBeforeRelease},
}

func testAttrMerge(t *testing.T, f *fixture) {
	c := f.contact(withAttrs(connectd.Attributes{"a": "1", "b": "2"}))
	steps := []struct {
		update connectd.Attributes
		want   connectd.Attributes
	}{
		{connectd.Attributes{"b": "20", "c": "3"}, connectd.Attributes{"a": "1", "b": "20", "c": "3"}},
		{connectd.Attributes{"a": ""}, connectd.Attributes{"b": "20", "c": "3"}},
		{connectd.Attributes{}, connectd.Attributes{"b": "20", "c": "3"}},
		{nil, connectd.Attributes{"b": "20", "c": "3"}},
		{connectd.Attributes{"never-set": ""}, connectd.Attributes{"b": "20", "c": "3"}},
		{connectd.Attributes{"b": "", "c": ""}, connectd.Attributes{}},
	}
	for _, s := range steps {
		f.clock.Advance(time.Second)
		f.update(c.ID, s.update)
		wantAttrs(t, "after update", f.attrs(c.ID), s.want)
		wantAttrs(t, "FindContact after update", f.find(c.ID).Attributes, s.want)
	}
	// A real change moves LastUpdateTimestamp.
	f.clock.Advance(time.Minute)
	f.update(c.ID, connectd.Attributes{"d": "4"})
	wantNear(t, "LastUpdateTimestamp", f.find(c.ID).LastUpdateTimestamp, f.clock.Now())
}

func testAttrSize(t *testing.T, f *fixture) {
	// "€" is 3 UTF-8 bytes: key "big" (3) + 10,921 × 3 + 2 = 32,768 bytes.
	exact := strings.Repeat("€", 10921) + "ab"
	if n := len("big") + len(exact); n != connectd.MaxAttributesBytes {
		t.Fatalf("test data is %d bytes", n)
	}
	c := f.contact()
	f.update(c.ID, connectd.Attributes{"big": exact})
	if got := f.attrs(c.ID); got["big"] != exact || got.Size() != connectd.MaxAttributesBytes {
		t.Fatalf("exactly %d bytes: stored %d bytes", connectd.MaxAttributesBytes, got.Size())
	}
	over := []connectd.Attributes{
		{"big": exact + "c"}, // 32,769
		{"x": "y"},           // 32,770
		{"x": "y", "big": strings.Repeat("€", 10921) + "a"}, // 32,769
	}
	for _, u := range over {
		err := f.svc.UpdateAttributes(f.ctx, f.owner, f.inst.ID, c.ID, u)
		wantCode(t, err, connectd.EINVALID)
		wantAttrs(t, "after rejected update", f.attrs(c.ID), connectd.Attributes{"big": exact})
	}
	// Removing in the same update makes room.
	f.update(c.ID, connectd.Attributes{"big": "", "x": "y"})
	wantAttrs(t, "after removal", f.attrs(c.ID), connectd.Attributes{"x": "y"})

	// 32,769 bytes on an empty map: rejected, still empty.
	d := f.contact()
	err := f.svc.UpdateAttributes(f.ctx, f.owner, f.inst.ID, d.ID, connectd.Attributes{"big": exact + "c"})
	wantCode(t, err, connectd.EINVALID)
	wantAttrs(t, "after rejected update", f.attrs(d.ID), nil)
}

func testAttrBadKey(t *testing.T, f *fixture) {
	c := f.contact(withAttrs(connectd.Attributes{"a": "1"}))
	updates := []connectd.Attributes{
		{"good": "1", "bad key": "2"},
		{"good": "1", "": "2"},
		{"good": "1", "ключ": "2"},
		{"a": "", "b.c": "2"},
	}
	for _, u := range updates {
		err := f.svc.UpdateAttributes(f.ctx, f.owner, f.inst.ID, c.ID, u)
		wantCode(t, err, connectd.EINVALID)
		wantAttrs(t, "after rejected update", f.attrs(c.ID), connectd.Attributes{"a": "1"})
	}
}

func testAttrNotFound(t *testing.T, f *fixture) {
	a := f.contact(withAttrs(connectd.Attributes{"a": "1"}))
	b := f.contact(withPrevious(a.ID))
	cases := []struct{ name, instance, contact string }{
		{"ChainMember", f.inst.ID, b.ID},
		{"UnknownContact", f.inst.ID, "no-such-contact"},
		{"UnknownInstance", "no-such-instance", a.ID},
	}
	for _, tc := range cases {
		_, err := f.svc.GetAttributes(f.ctx, f.owner, tc.instance, tc.contact)
		if connectd.ErrorCode(err) != connectd.ENOTFOUND {
			t.Errorf("%s: GetAttributes error %v, want ENOTFOUND", tc.name, err)
		}
		err = f.svc.UpdateAttributes(f.ctx, f.owner, tc.instance, tc.contact, connectd.Attributes{"a": "2"})
		if connectd.ErrorCode(err) != connectd.ENOTFOUND {
			t.Errorf("%s: UpdateAttributes error %v, want ENOTFOUND", tc.name, err)
		}
	}
	wantAttrs(t, "chain map", f.attrs(a.ID), connectd.Attributes{"a": "1"})
}

func testAttrCompleted(t *testing.T, f *fixture) {
	c := f.contact(withAttrs(connectd.Attributes{"a": "1"}))
	if err := f.svc.StopContact(f.ctx, f.owner, f.inst.ID, c.ID); err != nil {
		t.Fatal(err)
	}
	f.update(c.ID, connectd.Attributes{"outcome": "resolved"})
	wantAttrs(t, "completed contact", f.attrs(c.ID), connectd.Attributes{"a": "1", "outcome": "resolved"})
}

func testAttrBeforeRelease(t *testing.T, f *fixture) {
	release := connectd.APIRelease()
	f.clock.Set(release.AddDate(0, 0, 8))
	old := f.contact(func(c *connectd.Contact) {
		c.InitiationTimestamp = release.Add(-time.Millisecond)
	}, withAttrs(connectd.Attributes{"a": "1"}))
	err := f.svc.UpdateAttributes(f.ctx, f.owner, f.inst.ID, old.ID, connectd.Attributes{"a": "2"})
	wantCode(t, err, connectd.EINVALIDREQUEST)
	wantAttrs(t, "pre-release contact", f.attrs(old.ID), connectd.Attributes{"a": "1"})
	// From the release day on, updates work.
	onDay := f.contact(func(c *connectd.Contact) { c.InitiationTimestamp = release })
	f.update(onDay.ID, connectd.Attributes{"a": "2"})
}

// testAttrInvalidUTF8: a value that is not UTF-8 (only a Go caller can
// pass one) is refused, naming its key, and changes nothing: stored, its
// bytes would become U+FFFD, 3 bytes each, past what the limit measured.
func testAttrInvalidUTF8(t *testing.T, f *fixture) {
	c := f.contact(withAttrs(connectd.Attributes{"a": "1"}))
	for _, u := range []connectd.Attributes{
		{"a": "2", "b": strings.Repeat("\xff", 20000)},
		{"b": "ok", "c": "caf\xc3"}, // a cut multi-byte sequence
	} {
		err := f.svc.UpdateAttributes(f.ctx, f.owner, f.inst.ID, c.ID, u)
		wantCode(t, err, connectd.EINVALID)
		if err != nil && !strings.Contains(err.Error(), "UTF-8") {
			t.Errorf("error %q does not say the value is not UTF-8", err)
		}
		wantAttrs(t, "after a refused update", f.attrs(c.ID), connectd.Attributes{"a": "1"})
	}
	// A new contact's map goes through the same merge: none is created.
	_, err := f.svc.CreateContact(f.ctx, f.owner, &connectd.Contact{InstanceID: f.inst.ID, ID: "c-not-utf8",
		Channel: connectd.ChannelTask, InitiationMethod: connectd.InitiationAPI, Attributes: connectd.Attributes{"x": "\xff"}})
	wantCode(t, err, connectd.EINVALID)
	_, err = f.svc.GetAttributes(f.ctx, f.owner, f.inst.ID, "c-not-utf8")
	wantCode(t, err, connectd.ENOTFOUND)
}

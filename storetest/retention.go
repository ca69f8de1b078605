package storetest

import (
	"testing"
	"time"

	"github.com/connectd/connectd"
)

var retentionTests = []storeTest{
	{"ExpiredContactsAreGone", testRetentionExpired},
	{"ExpiredInitialTakesChainMap", testRetentionChainMap},
	{"PurgeInBatches", testRetentionPurge},
}

func testRetentionExpired(t *testing.T, f *fixture) {
	c := f.contact(withAttrs(connectd.Attributes{"a": "1"}))
	m := f.contact(withPrevious(c.ID))
	// On the boundary the contact is still retained ...
	f.clock.Set(c.InitiationTimestamp.AddDate(0, connectd.RetentionMonths, 0))
	f.find(c.ID)
	// ... one millisecond later it is gone from every method, whether or
	// not it has been purged.
	f.clock.Advance(time.Millisecond)
	for _, id := range []string{c.ID, m.ID} {
		_, err := f.svc.FindContact(f.ctx, f.owner, f.inst.ID, id)
		wantCode(t, err, connectd.ENOTFOUND)
	}
	_, err := f.svc.GetAttributes(f.ctx, f.owner, f.inst.ID, c.ID)
	wantCode(t, err, connectd.ENOTFOUND)
	err = f.svc.UpdateAttributes(f.ctx, f.owner, f.inst.ID, c.ID, connectd.Attributes{"a": "2"})
	wantCode(t, err, connectd.ENOTFOUND)
	wantCode(t, f.svc.StopContact(f.ctx, f.owner, f.inst.ID, c.ID), connectd.ENOTFOUND)
	for _, opt := range []func(*connectd.Contact){withPrevious(c.ID), withRelated(c.ID)} {
		_, err = f.svc.CreateContact(f.ctx, f.owner, f.newContact(opt))
		wantCode(t, err, connectd.ENOTFOUND)
	}
	if _, err := f.svc.FindInstance(f.ctx, f.owner, f.inst.ID); err != nil {
		t.Fatalf("the instance must outlive its contacts: %v", err)
	}
}

func testRetentionChainMap(t *testing.T, f *fixture) {
	a := f.contact(withAttrs(connectd.Attributes{"a": "1"}))
	f.clock.Set(start.AddDate(1, 0, 0))
	b := f.contact(withPrevious(a.ID))
	wantAttrs(t, "member before expiry", b.Attributes, connectd.Attributes{"a": "1"})
	// The chain map belongs to the initial contact and expires with it.
	f.clock.Set(start.AddDate(0, connectd.RetentionMonths, 1))
	got := f.find(b.ID)
	wantAttrs(t, "member after the initial contact expired", got.Attributes, nil)
}

func testRetentionPurge(t *testing.T, f *fixture) {
	var old []*connectd.Contact
	for range 25 {
		old = append(old, f.contact(withAttrs(connectd.Attributes{"a": "1"})))
	}
	f.clock.Set(start.AddDate(1, 0, 0))
	var fresh []*connectd.Contact
	for range 5 {
		fresh = append(fresh, f.contact(withPrevious(old[0].ID)))
	}
	if n, err := f.svc.PurgeExpired(f.ctx, 10); err != nil || n != 0 {
		t.Fatalf("PurgeExpired before anything expired = %d, %v; want 0", n, err)
	}
	f.clock.Set(start.AddDate(0, connectd.RetentionMonths, 1))
	for _, want := range []int{10, 10, 5, 0} {
		n, err := f.svc.PurgeExpired(f.ctx, 10)
		if err != nil || n != want {
			t.Fatalf("PurgeExpired(10) = %d, %v; want %d", n, err, want)
		}
	}
	for _, c := range fresh {
		f.find(c.ID)
	}
	for _, c := range old {
		_, err := f.svc.FindContact(f.ctx, f.owner, f.inst.ID, c.ID)
		wantCode(t, err, connectd.ENOTFOUND)
	}
	// A purged id may be used again.
	f.contact(func(c *connectd.Contact) { c.ID = old[0].ID })
}

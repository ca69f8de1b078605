package storetest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/connectd/connectd"
)

var concurrencyTests = []storeTest{
	{"NoLostUpdates", testConcurrentKeys},
	{"SizeLimitUnderContention", testConcurrentSize},
	{"PreviousQuotaUnderContention", testConcurrentQuota},
	{"ClientTokenUnderContention", testConcurrentToken},
}

func testConcurrentKeys(t *testing.T, f *fixture) {
	const n = 64
	c := f.contact()
	errs := make([]error, n)
	Parallel(n, func(i int) {
		errs[i] = f.svc.UpdateAttributes(f.ctx, f.owner, f.inst.ID, c.ID,
			connectd.Attributes{fmt.Sprintf("key%02d", i): fmt.Sprint(i)})
	})
	for i, err := range errs {
		if err != nil {
			t.Errorf("update %d: %v", i, err)
		}
	}
	got := f.attrs(c.ID)
	for i := range n {
		if k := fmt.Sprintf("key%02d", i); got[k] != fmt.Sprint(i) {
			t.Errorf("%s = %q, want %q: an update was lost", k, got[k], fmt.Sprint(i))
		}
	}
	if len(got) != n {
		t.Errorf("map has %d keys, want %d", len(got), n)
	}
}

func testConcurrentSize(t *testing.T, f *fixture) {
	// Each update adds 3 + 5,000 bytes: six fit in 32,768, sixteen do not.
	const n = 16
	c := f.contact()
	value := strings.Repeat("v", 5000)
	errs := make([]error, n)
	Parallel(n, func(i int) {
		errs[i] = f.svc.UpdateAttributes(f.ctx, f.owner, f.inst.ID, c.ID,
			connectd.Attributes{fmt.Sprintf("k%02d", i): value})
	})
	got := f.attrs(c.ID)
	acked := 0
	for i, err := range errs {
		k := fmt.Sprintf("k%02d", i)
		switch connectd.ErrorCode(err) {
		case "":
			acked++
			if got[k] != value {
				t.Errorf("acknowledged key %s is missing", k)
			}
		case connectd.EINVALID:
			if _, ok := got[k]; ok {
				t.Errorf("rejected key %s is present", k)
			}
		default:
			t.Errorf("update %d: %v", i, err)
		}
	}
	if got.Size() > connectd.MaxAttributesBytes {
		t.Errorf("map holds %d bytes, over the limit", got.Size())
	}
	if len(got) != acked || acked != connectd.MaxAttributesBytes/5003 {
		t.Errorf("%d updates acknowledged, %d keys stored; want %d of each", acked, len(got), connectd.MaxAttributesBytes/5003)
	}
}

func testConcurrentQuota(t *testing.T, f *fixture) {
	const n = 20
	p := f.contact()
	contacts := make([]*connectd.Contact, n)
	for i := range contacts {
		contacts[i] = f.newContact(withPrevious(p.ID))
	}
	errs := make([]error, n)
	Parallel(n, func(i int) {
		_, errs[i] = f.svc.CreateContact(f.ctx, f.owner, contacts[i])
	})
	if created := Succeeded(t, "create", errs, connectd.EQUOTA); created != connectd.MaxTasksPerPreviousContact {
		t.Errorf("%d contacts linked to one previous contact, want %d", created, connectd.MaxTasksPerPreviousContact)
	}
}

func testConcurrentToken(t *testing.T, f *fixture) {
	const n = 16
	contacts := make([]*connectd.Contact, n)
	for i := range contacts {
		contacts[i] = f.newContact(func(c *connectd.Contact) { c.ClientToken = "same-token" })
	}
	got := make([]*connectd.Contact, n)
	errs := make([]error, n)
	Parallel(n, func(i int) {
		got[i], errs[i] = f.svc.CreateContact(f.ctx, f.owner, contacts[i])
	})
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("create %d: %v", i, errs[i])
		}
		if got[i].ID != got[0].ID {
			t.Fatalf("one token started contacts %s and %s", got[0].ID, got[i].ID)
		}
	}
}

package storetest

import (
	"testing"
	"time"

	"github.com/connectd/connectd"
)

var instanceTests = []storeTest{
	{"CreateAndFind", testInstanceCreateFind},
	{"FindUnknown", func(t *testing.T, f *fixture) {
		_, err := f.svc.FindInstance(f.ctx, f.owner, "no-such-instance")
		wantCode(t, err, connectd.ENOTFOUND)
	}},
	{"ListPagesByID", testInstanceList},
	{"OwnerIsolation", testInstanceOwners},
	{"AliasUniquePerOwner", testInstanceAlias},
	{"DeleteRemovesContacts", testInstanceDelete},
	{"ConcurrentWrites", testInstanceConcurrentWrites},
}

func testInstanceCreateFind(t *testing.T, f *fixture) {
	in := &connectd.Instance{
		ID:                     "inst-full",
		Owner:                  f.owner,
		Alias:                  "full-alias",
		IdentityManagementType: connectd.IdentityExistingDirectory,
		DirectoryID:            "d-1234567890",
		InboundCallsEnabled:    true,
		OutboundCallsEnabled:   true,
		Status:                 connectd.InstanceStatusActive,
		CreatedTime:            start.Add(-1500 * time.Millisecond),
		Tags:                   map[string]string{"team": "crm", "env": "ci"},
	}
	if err := f.svc.CreateInstance(f.ctx, in); err != nil {
		t.Fatal(err)
	}
	got, err := f.svc.FindInstance(f.ctx, f.owner, in.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != in.ID || got.Owner != in.Owner || got.Alias != in.Alias ||
		got.IdentityManagementType != in.IdentityManagementType || got.DirectoryID != in.DirectoryID ||
		got.InboundCallsEnabled != in.InboundCallsEnabled || got.OutboundCallsEnabled != in.OutboundCallsEnabled ||
		got.Status != in.Status {
		t.Errorf("FindInstance = %+v, want %+v", got, in)
	}
	wantNear(t, "CreatedTime", got.CreatedTime, in.CreatedTime)
	wantAttrs(t, "Tags", got.Tags, in.Tags)
}

func testInstanceList(t *testing.T, f *fixture) {
	// f.inst is "inst-main"; add four more out of order, and one of
	// another owner that sorts among them.
	for _, id := range []string{"inst-d", "inst-b", "inst-a", "inst-c"} {
		f.instance(f.owner, id, "")
	}
	f.instance(connectd.Owner{AccountID: "444455556666", Region: f.owner.Region}, "inst-bb", "")
	pages := []struct {
		after string
		limit int
		want  []string
	}{
		{"", 2, []string{"inst-a", "inst-b"}},
		{"inst-b", 2, []string{"inst-c", "inst-d"}},
		{"inst-d", 2, []string{"inst-main"}},
		{"inst-main", 2, nil},
		{"", 10, []string{"inst-a", "inst-b", "inst-c", "inst-d", "inst-main"}},
	}
	for _, p := range pages {
		got, err := f.svc.ListInstances(f.ctx, f.owner, p.after, p.limit)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, inst := range got {
			ids = append(ids, inst.ID)
		}
		if len(ids) != len(p.want) {
			t.Fatalf("ListInstances(after %q, limit %d) = %v, want %v", p.after, p.limit, ids, p.want)
		}
		for i := range ids {
			if ids[i] != p.want[i] {
				t.Fatalf("ListInstances(after %q, limit %d) = %v, want %v", p.after, p.limit, ids, p.want)
			}
		}
	}
}

func testInstanceOwners(t *testing.T, f *fixture) {
	c := f.contact(withAttrs(connectd.Attributes{"a": "1"}))
	others := []struct {
		name  string
		owner connectd.Owner
	}{
		{"OtherAccount", connectd.Owner{AccountID: "444455556666", Region: f.owner.Region}},
		{"OtherRegion", connectd.Owner{AccountID: f.owner.AccountID, Region: "eu-west-2"}},
	}
	for _, o := range others {
		t.Run(o.name, func(t *testing.T) {
			_, err := f.svc.FindInstance(f.ctx, o.owner, f.inst.ID)
			wantCode(t, err, connectd.ENOTFOUND)
			list, err := f.svc.ListInstances(f.ctx, o.owner, "", 100)
			if err != nil || len(list) != 0 {
				t.Fatalf("ListInstances by another owner = %v, %v; want none", list, err)
			}
			_, err = f.svc.FindContact(f.ctx, o.owner, f.inst.ID, c.ID)
			wantCode(t, err, connectd.ENOTFOUND)
			_, err = f.svc.GetAttributes(f.ctx, o.owner, f.inst.ID, c.ID)
			wantCode(t, err, connectd.ENOTFOUND)
			err = f.svc.UpdateAttributes(f.ctx, o.owner, f.inst.ID, c.ID, connectd.Attributes{"a": "2"})
			wantCode(t, err, connectd.ENOTFOUND)
			err = f.svc.StopContact(f.ctx, o.owner, f.inst.ID, c.ID)
			wantCode(t, err, connectd.ENOTFOUND)
			_, err = f.svc.CreateContact(f.ctx, o.owner, f.newContact())
			wantCode(t, err, connectd.ENOTFOUND)
			wantCode(t, f.svc.DeleteInstance(f.ctx, o.owner, f.inst.ID), connectd.ENOTFOUND)
		})
	}
	// Nothing the other owners tried changed anything.
	got := f.find(c.ID)
	wantAttrs(t, "attributes", got.Attributes, connectd.Attributes{"a": "1"})
	if !got.Active() {
		t.Error("contact was stopped by another owner")
	}
}

func testInstanceAlias(t *testing.T, f *fixture) {
	otherAccount := connectd.Owner{AccountID: "444455556666", Region: f.owner.Region}
	otherRegion := connectd.Owner{AccountID: f.owner.AccountID, Region: "ap-southeast-2"}
	err := f.svc.CreateInstance(f.ctx, newInstance(f.owner, "inst-dup", f.inst.Alias))
	wantCode(t, err, connectd.EINVALIDREQUEST)
	if _, err := f.svc.FindInstance(f.ctx, f.owner, "inst-dup"); connectd.ErrorCode(err) != connectd.ENOTFOUND {
		t.Fatalf("rejected instance was stored (FindInstance err %v)", err)
	}
	f.instance(otherAccount, "inst-other-account", f.inst.Alias)
	f.instance(otherRegion, "inst-other-region", f.inst.Alias)
	// Instances without an alias never collide.
	f.instance(f.owner, "inst-noalias-1", "")
	f.instance(f.owner, "inst-noalias-2", "")
	if err := f.svc.DeleteInstance(f.ctx, f.owner, f.inst.ID); err != nil {
		t.Fatal(err)
	}
	f.instance(f.owner, "inst-reuse", f.inst.Alias)
}

func testInstanceDelete(t *testing.T, f *fixture) {
	a := f.contact(withAttrs(connectd.Attributes{"a": "1"}))
	b := f.contact(withPrevious(a.ID))
	keep := f.instance(f.owner, "inst-keep", "keep")
	kept, err := f.svc.CreateContact(f.ctx, f.owner, &connectd.Contact{
		InstanceID: keep.ID, ID: a.ID, Channel: connectd.ChannelVoice, InitiationMethod: connectd.InitiationInbound,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.svc.DeleteInstance(f.ctx, f.owner, f.inst.ID); err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.FindInstance(f.ctx, f.owner, f.inst.ID)
	wantCode(t, err, connectd.ENOTFOUND)
	for _, id := range []string{a.ID, b.ID} {
		_, err := f.svc.FindContact(f.ctx, f.owner, f.inst.ID, id)
		wantCode(t, err, connectd.ENOTFOUND)
	}
	_, err = f.svc.GetAttributes(f.ctx, f.owner, f.inst.ID, a.ID)
	wantCode(t, err, connectd.ENOTFOUND)
	wantCode(t, f.svc.DeleteInstance(f.ctx, f.owner, f.inst.ID), connectd.ENOTFOUND)
	// A contact with the same id in another instance is untouched.
	if _, err := f.svc.FindContact(f.ctx, f.owner, keep.ID, kept.ID); err != nil {
		t.Fatalf("contact of another instance: %v", err)
	}
}

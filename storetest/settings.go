package storetest

import (
	"testing"

	"github.com/connectd/connectd"
)

// contactAPITests are the suite's tests of the contact API's later
// operations and the state they keep (issue 19).
var contactAPITests = []storeTest{
	{"InstanceSettings", testInstanceSettings},
	{"UKMobileDestination", testUKMobileDestination},
	{"ListAssociatedContacts", testListAssociated},
	{"PauseResume", testPauseResume},
	{"UpdateContactSchedule", testUpdateSchedule},
	{"UpdateContactRoutingData", testUpdateRoutingData},
	{"StartOutboundEmailContact", testOutboundEmail},
	{"DeleteContactData", testDeleteContactData},
	{"BatchPutContact", testBatchPutContact},
	{"CreatePersistentContactAssociation", testPersistentAssociation},
	{"ResourceTagsAndDataSets", testResourceTags},
}

func testInstanceSettings(t *testing.T, f *fixture) {
	st, err := f.svc.InstanceSettings(f.ctx, f.inst.ID)
	if err != nil || st.AllowUKMobileDestinations || len(st.AnalyticsDataSets) != 0 {
		t.Fatalf("default settings = %+v, %v", st, err)
	}
	allow := func(st *connectd.InstanceSettings) {
		st.AllowUKMobileDestinations = true
		st.AnalyticsDataSets = []connectd.AnalyticsDataSet{{DataSetID: "ds1", TargetAccountID: "111122223333"}}
	}
	if _, err := f.svc.ChangeInstanceSettings(f.ctx, f.inst.ID, allow); err != nil {
		t.Fatal(err)
	}
	if st, err = f.svc.InstanceSettings(f.ctx, f.inst.ID); err != nil || !st.AllowUKMobileDestinations || len(st.AnalyticsDataSets) != 1 {
		t.Fatalf("saved settings = %+v, %v", st, err)
	}
	_, err = f.svc.ChangeInstanceSettings(f.ctx, "no-such-instance", allow)
	wantCode(t, err, connectd.ENOTFOUND)
	// Export carries them; import after a reset restores them.
	snap := f.exportResetImport()
	if got := snap.Settings[f.inst.ID]; got == nil || !got.AllowUKMobileDestinations || got.AnalyticsDataSets[0].DataSetID != "ds1" {
		t.Fatalf("exported settings = %+v", got)
	}
	if st, err = f.svc.InstanceSettings(f.ctx, f.inst.ID); err != nil || !st.AllowUKMobileDestinations {
		t.Fatalf("imported settings = %+v, %v", st, err)
	}
	// They go with their instance.
	if err := f.svc.DeleteInstance(f.ctx, f.owner, f.inst.ID); err != nil {
		t.Fatal(err)
	}
	again := f.instance(f.owner, f.inst.ID, "again")
	if st, err = f.svc.InstanceSettings(f.ctx, again.ID); err != nil || st.AllowUKMobileDestinations {
		t.Fatalf("settings of a re-created instance = %+v, %v; want the defaults", st, err)
	}
}

func testUKMobileDestination(t *testing.T, f *fixture) {
	_, err := f.svc.StartOutboundVoiceContact(f.ctx, f.owner, f.newContact(), "+447700900123")
	wantCode(t, err, connectd.EDESTINATION)
	if _, err := f.svc.StartOutboundVoiceContact(f.ctx, f.owner, f.newContact(), "+14155550100"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.ChangeInstanceSettings(f.ctx, f.inst.ID, func(st *connectd.InstanceSettings) { st.AllowUKMobileDestinations = true }); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.StartOutboundVoiceContact(f.ctx, f.owner, f.newContact(), "+447700900123"); err != nil {
		t.Fatal(err)
	}
}

func testResourceTags(t *testing.T, f *fixture) {
	arn := f.inst.ARN()
	if err := f.svc.TagResource(f.ctx, f.owner, arn, map[string]string{"team": "a", "env": "dev"}); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.UntagResource(f.ctx, f.owner, arn, []string{"env"}); err != nil {
		t.Fatal(err)
	}
	inst, err := f.svc.FindInstance(f.ctx, f.owner, f.inst.ID)
	if err != nil || len(inst.Tags) != 1 || inst.Tags["team"] != "a" {
		t.Fatalf("instance tags = %v, %v", inst.Tags, err)
	}
	wantCode(t, f.svc.TagResource(f.ctx, f.owner, arn, map[string]string{"Aws:x": "1"}), connectd.EINVALID)
	wantCode(t, f.svc.TagResource(f.ctx, connectd.Owner{AccountID: "999999999999", Region: "us-east-1"}, arn, map[string]string{"a": "1"}), connectd.ENOTFOUND)
	sets, err := f.svc.AssociateAnalyticsDataSets(f.ctx, f.owner, f.inst.ID, "", []string{"b", "a"})
	if err != nil || len(sets) != 2 || sets[0].TargetAccountID != f.owner.AccountID {
		t.Fatalf("associate = %+v, %v", sets, err)
	}
	removed, missing, err := f.svc.DisassociateAnalyticsDataSets(f.ctx, f.owner, f.inst.ID, "", []string{"b", "c"})
	if err != nil || len(removed) != 1 || len(missing) != 1 {
		t.Fatalf("disassociate = %v %v %v", removed, missing, err)
	}
	if got, err := f.svc.AnalyticsDataSets(f.ctx, f.owner, f.inst.ID, ""); err != nil || len(got) != 1 || got[0].DataSetID != "a" {
		t.Fatalf("data sets = %+v, %v", got, err)
	}
}

// exportResetImport exports the store, resets it and imports the export,
// so that a test can check what survives the round trip.
func (f *fixture) exportResetImport() *connectd.Snapshot {
	f.t.Helper()
	snap, err := f.svc.Export(f.ctx)
	if err != nil {
		f.t.Fatal(err)
	}
	if err := f.svc.Reset(f.ctx); err != nil {
		f.t.Fatal(err)
	}
	if err := f.svc.Import(f.ctx, snap); err != nil {
		f.t.Fatal(err)
	}
	return snap
}

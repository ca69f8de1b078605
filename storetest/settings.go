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
	snap, err := f.svc.Export(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := snap.Settings[f.inst.ID]; got == nil || !got.AllowUKMobileDestinations || got.AnalyticsDataSets[0].DataSetID != "ds1" {
		t.Fatalf("exported settings = %+v", got)
	}
	if err := f.svc.Reset(f.ctx); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.Import(f.ctx, snap); err != nil {
		t.Fatal(err)
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

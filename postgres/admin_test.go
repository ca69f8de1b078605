package postgres_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/internal/pgtest"
)

// TestExportImportReset round-trips a data set through Export and Import
// into another database, checks that a failed import changes nothing, and
// that Reset empties the store.
func TestExportImportReset(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	clock := connectd.NewManualClock(time.Date(2026, 5, 6, 7, 8, 9, 123456789, time.UTC))
	src := open(t, pgtest.DSN(t), clock)
	seed(t, src)
	for _, c := range []*connectd.Contact{
		{ID: "c-2", PreviousContactID: "c-1", Attributes: connectd.Attributes{"b": "2"}},
		{ID: "c-3", RelatedContactID: "c-1", ClientToken: "tok", Name: "related", ScheduledTimestamp: clock.Now().Add(time.Hour)},
	} {
		c.InstanceID, c.Channel, c.InitiationMethod = "inst-1", connectd.ChannelTask, connectd.InitiationAPI
		if _, err := connectd.NewService(src, clock).CreateContact(ctx, owner, c); err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Second)
	}
	if err := connectd.NewService(src, clock).StopContact(ctx, owner, "inst-1", "c-3"); err != nil {
		t.Fatal(err)
	}
	snap, err := connectd.NewService(src, clock).Export(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Instances) != 1 || len(snap.Contacts) != 3 {
		t.Fatalf("export has %d instances and %d contacts, want 1 and 3", len(snap.Instances), len(snap.Contacts))
	}

	dst := open(t, pgtest.DSN(t), clock)
	if err := connectd.NewService(dst, clock).Import(ctx, snap); err != nil {
		t.Fatal(err)
	}
	again, err := connectd.NewService(dst, clock).Export(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(snap, again) {
		t.Fatalf("export after import differs:\n%+v\nwant\n%+v", again, snap)
	}
	// A second import collides with the first and changes nothing.
	snap.Contacts = append(snap.Contacts, &connectd.Contact{InstanceID: "inst-1", ID: "c-new",
		Channel: connectd.ChannelTask, InitiationMethod: connectd.InitiationAPI, InitiationTimestamp: clock.Now()})
	if err := connectd.NewService(dst, clock).Import(ctx, snap); connectd.ErrorCode(err) != connectd.EINVALID {
		t.Fatalf("second import: %v, want EINVALID", err)
	}
	if _, err := connectd.NewService(dst, clock).FindContact(ctx, owner, "inst-1", "c-new"); connectd.ErrorCode(err) != connectd.ENOTFOUND {
		t.Fatalf("a contact of the failed import was stored: %v", err)
	}
	if err := connectd.NewService(dst, clock).Reset(ctx); err != nil {
		t.Fatal(err)
	}
	if empty, err := connectd.NewService(dst, clock).Export(ctx); err != nil || len(empty.Instances)+len(empty.Contacts) != 0 {
		t.Fatalf("after Reset: %+v, %v", empty, err)
	}
}

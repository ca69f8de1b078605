package postgres_test

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/internal/pgtest"
	"github.com/connectd/connectd/postgres"
)

// TestFastUpdateSeesOtherReplicasDetails: a contact's tags changed by
// another replica after this one cached the contact make this replica's
// next attribute update fall back to the locked path (TagContact rewrites
// the contact row, whose xmin the attempt checks), so its event names the
// new tags and its map keeps the other replica's keys.
func TestFastUpdateSeesOtherReplicasDetails(t *testing.T) {
	t.Parallel()
	dsn := pgtest.DSN(t)
	a, b := open(t, dsn, connectd.SystemClock{}), open(t, dsn, connectd.SystemClock{})
	seed(t, a)
	svcA, svcB := service(a), service(b)
	ctx := t.Context()
	if err := svcA.UpdateAttributes(ctx, owner, "inst-1", "c-1", connectd.Attributes{"x": "1"}); err != nil {
		t.Fatal(err)
	}
	if n, _ := postgres.CacheUsage(a); n != 1 {
		t.Fatalf("store a caches %d rows after its update, want 1", n)
	}
	if err := svcB.TagContact(ctx, owner, "inst-1", "c-1", map[string]string{"team": "blue"}); err != nil {
		t.Fatal(err)
	}
	if err := svcA.UpdateAttributes(ctx, owner, "inst-1", "c-1", connectd.Attributes{"y": "2"}); err != nil {
		t.Fatal(err)
	}
	if got := lastEventTags(t, svcA); got["team"] != "blue" {
		t.Errorf("the update's event has tags %v, want team=blue (tagged by the other replica first)", got)
	}
	// And the map: b's write of it, then a's again.
	if err := svcB.UpdateAttributes(ctx, owner, "inst-1", "c-1", connectd.Attributes{"z": "3"}); err != nil {
		t.Fatal(err)
	}
	if err := svcA.UpdateAttributes(ctx, owner, "inst-1", "c-1", connectd.Attributes{"w": "4"}); err != nil {
		t.Fatal(err)
	}
	got, err := svcB.GetAttributes(ctx, owner, "inst-1", "c-1")
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{"a": "1", "b": "2", "x": "1", "y": "2", "z": "3", "w": "4"} {
		if got[k] != v {
			t.Errorf("map %v lacks %s=%s", got, k, v)
		}
	}
}

// lastEventTags returns the tags of the newest pending contact event.
func lastEventTags(t *testing.T, svc *connectd.Service) map[string]string {
	t.Helper()
	entries, err := svc.PendingOutbox(t.Context(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	for i := len(entries) - 1; i >= 0; i-- {
		if entries[i].Kind != connectd.OutboxEvent {
			continue
		}
		var ev struct {
			Detail struct {
				Tags map[string]string `json:"tags"`
			} `json:"detail"`
		}
		if err := json.Unmarshal(entries[i].Payload, &ev); err != nil {
			t.Fatal(err)
		}
		return ev.Detail.Tags
	}
	t.Fatal("no contact event pending")
	return nil
}

// TestFastUpdatesOfOneChainOnTwoReplicas: 64 concurrent updates of one
// chain, half through each of two replicas whose caches race each other's
// writes, lose no key.
func TestFastUpdatesOfOneChainOnTwoReplicas(t *testing.T) {
	t.Parallel()
	dsn := pgtest.DSN(t)
	a, b := open(t, dsn, connectd.SystemClock{}), open(t, dsn, connectd.SystemClock{})
	seed(t, a)
	svcs := []*connectd.Service{service(a), service(b)}
	ctx := t.Context()
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 64 {
		wg.Go(func() {
			errs <- svcs[i%2].UpdateAttributes(ctx, owner, "inst-1", "c-1", connectd.Attributes{fmt.Sprintf("k%02d", i): "v"})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	got, err := svcs[0].GetAttributes(ctx, owner, "inst-1", "c-1")
	if err != nil {
		t.Fatal(err)
	}
	for i := range 64 {
		if k := fmt.Sprintf("k%02d", i); got[k] != "v" {
			t.Errorf("key %s lost: map has %d keys", k, len(got))
		}
	}
}

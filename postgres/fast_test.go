package postgres_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"strings"
	"sync"
	"testing"
	"time"

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
	a, _, svcA, svcB := twoReplicas(t)
	ctx := t.Context()
	mustUpdate(t, svcA, connectd.Attributes{"x": "1"})
	if n, _ := postgres.CacheUsage(a); n != 1 {
		t.Fatalf("store a caches %d rows after its update, want 1", n)
	}
	if err := svcB.TagContact(ctx, owner, "inst-1", "c-1", map[string]string{"team": "blue"}); err != nil {
		t.Fatal(err)
	}
	mustUpdate(t, svcA, connectd.Attributes{"y": "2"})
	if got := lastEventTags(t, svcA); got["team"] != "blue" {
		t.Errorf("the update's event has tags %v, want team=blue (tagged by the other replica first)", got)
	}
	// And the map: b's write of it, then a's again.
	mustUpdate(t, svcB, connectd.Attributes{"z": "3"})
	mustUpdate(t, svcA, connectd.Attributes{"w": "4"})
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

// twoReplicas opens two stores on one fresh database, seeded through the
// first, and their Services.
func twoReplicas(t *testing.T) (a, b *postgres.Store, svcA, svcB *connectd.Service) {
	t.Helper()
	dsn := pgtest.DSN(t)
	a, b = open(t, dsn, connectd.SystemClock{}), open(t, dsn, connectd.SystemClock{})
	seed(t, a)
	return a, b, service(a), service(b)
}

// oneReplica opens a store on a fresh database, seeded, and its Service.
func oneReplica(t *testing.T) (*postgres.Store, *connectd.Service) {
	t.Helper()
	s := open(t, pgtest.DSN(t), connectd.SystemClock{})
	seed(t, s)
	return s, service(s)
}

// mustUpdate merges attrs into c-1's map through svc.
func mustUpdate(t *testing.T, svc *connectd.Service, attrs connectd.Attributes) {
	t.Helper()
	if err := svc.UpdateAttributes(t.Context(), owner, "inst-1", "c-1", attrs); err != nil {
		t.Fatal(err)
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
	_, _, svcA, svcB := twoReplicas(t)
	svcs := []*connectd.Service{svcA, svcB}
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
	// One event an update, none twice: the seed's update and the 64.
	entries, err := svcs[0].PendingOutbox(ctx, 1000)
	if err != nil {
		t.Fatal(err)
	}
	updated := 0
	for _, e := range entries {
		if e.Kind == connectd.OutboxEvent && strings.Contains(string(e.Payload), `"CONTACT_DATA_UPDATED"`) {
			updated++
		}
	}
	if updated != 65 {
		t.Errorf("%d CONTACT_DATA_UPDATED events, want 65 (the seed's update and the 64)", updated)
	}
}

// TestFastUpdatesKeepTheSearchIndex: updates through the optimistic
// attempt fire the members trigger as any write of a map does, so while the
// instance has no registered search key they index nothing, and once a
// search has registered one, each of them is indexed and a search after
// the update finds the new value at once, through the index, not the old
// one.
func TestFastUpdatesKeepTheSearchIndex(t *testing.T) {
	t.Parallel()
	s, svc := oneReplica(t)
	ctx := t.Context()
	update := func(v string) { t.Helper(); mustUpdate(t, svc, connectd.Attributes{"k": v}) }
	search := func(v string) int64 {
		t.Helper()
		q := &connectd.SearchQuery{InstanceID: "inst-1", TimeRange: connectd.TimeInitiation,
			Start: time.Now().Add(-time.Hour), End: time.Now().Add(time.Hour),
			Attributes: &connectd.AttributeCriteria{Criteria: []connectd.AttributeCriterion{{Key: "k", Values: []string{v}}}}}
		page, err := svc.SearchContacts(ctx, owner, q)
		if err != nil {
			t.Fatal(err)
		}
		return page.TotalCount
	}
	update("v1") // the locked path: no key yet, the trigger skips
	update("v2") // the optimistic attempt, skipping too
	if pairs, err := s.IndexedPairs(ctx, "inst-1"); err != nil || pairs["k"] != 0 {
		t.Fatalf("index pairs of k before any search = %v, %v; want none", pairs, err)
	}
	if n := search("v2"); n != 1 { // registers k, read from the maps
		t.Fatalf("search k=v2 found %d contacts, want 1", n)
	}
	if _, err := svc.BackfillSearchIndex(ctx); err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"v3", "v4", "v5"} {
		before := postgres.FastCommits(s)
		update(v) // optimistic: the cache holds the row since v2
		if postgres.FastCommits(s) != before+1 {
			t.Fatalf("the update to k=%s was not optimistic", v)
		}
		if pairs, err := s.IndexedPairs(ctx, "inst-1"); err != nil || pairs["k"] != 1 {
			t.Fatalf("index pairs of k after k=%s = %v, %v; want 1", v, pairs, err)
		}
		if n := search(v); n != 1 {
			t.Errorf("search k=%s right after the update found %d contacts, want 1", v, n)
		}
		if n := search("v2"); n != 0 {
			t.Errorf("search k=v2 after k=%s found %d contacts, want 0", v, n)
		}
	}
}

// TestFastUpdateAfterUntagElsewhere: removing a contact's last tag through
// another replica (its details row deleted) also makes this replica's
// next update fall back, so its event shows no tags.
func TestFastUpdateAfterUntagElsewhere(t *testing.T) {
	t.Parallel()
	a, _, svcA, svcB := twoReplicas(t)
	ctx := t.Context()
	if err := svcA.TagContact(ctx, owner, "inst-1", "c-1", map[string]string{"team": "blue"}); err != nil {
		t.Fatal(err)
	}
	mustUpdate(t, svcA, connectd.Attributes{"x": "1"})
	if got := lastEventTags(t, svcA); got["team"] != "blue" {
		t.Fatalf("event tags %v, want team=blue", got)
	}
	if err := svcB.UntagContact(ctx, owner, "inst-1", "c-1", []string{"team"}); err != nil {
		t.Fatal(err)
	}
	stale := postgres.FastStale(a)
	mustUpdate(t, svcA, connectd.Attributes{"y": "2"})
	if postgres.FastStale(a) != stale+1 {
		t.Error("the update after the untag did not find its cached row moved on")
	}
	if got := lastEventTags(t, svcA); len(got) != 0 {
		t.Errorf("the update's event has tags %v, want none (untagged by the other replica first)", got)
	}
}

// TestFastAttemptsBackOffAcrossReplicas: when two replicas take turns
// updating one contact, each one's cached row is always stale, and after
// a few such attempts they stop trying (but for the odds' probes), so an
// update costs the locked path's round trips, not one more.
func TestFastAttemptsBackOffAcrossReplicas(t *testing.T) {
	t.Parallel()
	a, b, svcA, svcB := twoReplicas(t)
	svcs := []*connectd.Service{svcA, svcB}
	ctx := t.Context()
	const n = 200
	for i := range n {
		if err := svcs[i%2].UpdateAttributes(ctx, owner, "inst-1", "c-1", connectd.Attributes{fmt.Sprint("k", i): "v"}); err != nil {
			t.Fatal(err)
		}
	}
	stale := postgres.FastStale(a) + postgres.FastStale(b)
	if limit := int64(2 + n/postgres.ProbeEvery + 4); stale > limit {
		t.Errorf("%d of %d alternating updates made a stale attempt, want at most %d", stale, n, limit)
	}
	if stale == 0 {
		t.Error("no attempt was stale: the test does not alternate")
	}
	got, err := svcs[1].GetAttributes(ctx, owner, "inst-1", "c-1")
	if err != nil || len(got) != n+2 {
		t.Errorf("map has %d keys, %v; want %d", len(got), err, n+2)
	}
}

// TestCachedMapIsTheStoredMap: a map of invalid UTF-8, which only a Go
// caller can pass (the HTTP API refuses such a body), would be stored with
// U+FFFD, 3 bytes each, longer than the map the cache would hold; Merge
// refuses it, on the optimistic path as on the locked one, and the
// cached map stays the stored one.
func TestCachedMapIsTheStoredMap(t *testing.T) {
	t.Parallel()
	s, svc := oneReplica(t)
	ctx := t.Context()
	mustUpdate(t, svc, connectd.Attributes{"x": "1"}) // cached: the next update is optimistic
	err := svc.UpdateAttributes(ctx, owner, "inst-1", "c-1", connectd.Attributes{"x": strings.Repeat("\xff", 10000)})
	if connectd.ErrorCode(err) != connectd.EINVALID {
		t.Fatalf("invalid UTF-8: %v, want EINVALID", err)
	}
	mustUpdate(t, svc, connectd.Attributes{"y": "2", "z": "caf\u00e9 \U0001F600"})
	got, gerr := svc.GetAttributes(ctx, owner, "inst-1", "c-1")
	if gerr != nil || got["x"] != "1" || got["y"] != "2" {
		t.Fatalf("map %v, %v; want x=1 and y=2 among its keys", got, gerr)
	}
	if postgres.FastCommits(s) == 0 {
		t.Fatal("no update took the optimistic path")
	}
	if cached := postgres.CachedMap(s, "inst-1", "c-1"); !maps.Equal(cached, got) {
		t.Errorf("the cache holds %v after an optimistic commit, the database %v", cached, got)
	}
}

// TestNoFastUpdatesWithoutFlushedCommits: a session whose commits do not
// wait for their flush (synchronous_commit = off) may see a crash lose
// them and their transaction ids come round again, so the store keeps no
// row cache there: every update takes the locked path.
func TestNoFastUpdatesWithoutFlushedCommits(t *testing.T) {
	t.Parallel()
	s := open(t, pgtest.WithParam(pgtest.DSN(t), "synchronous_commit", "off"), connectd.SystemClock{})
	wantOnlyLockedUpdates(t, s, "with synchronous_commit = off")
}

// wantOnlyLockedUpdates seeds s, updates c-1 three times, and fails t
// unless every update was applied and none took the optimistic path.
func wantOnlyLockedUpdates(t *testing.T, s *postgres.Store, why string) {
	t.Helper()
	seed(t, s)
	svc := service(s)
	for _, v := range []string{"1", "2", "3"} {
		mustUpdate(t, svc, connectd.Attributes{"k": v})
	}
	if n := postgres.FastCommits(s); n != 0 {
		t.Errorf("%d optimistic updates %s, want none", n, why)
	}
	if got, err := svc.GetAttributes(t.Context(), owner, "inst-1", "c-1"); err != nil || got["k"] != "3" {
		t.Errorf("GetAttributes = %v, %v; want k=3", got, err)
	}
}

// TestFastUpdateRefusedByTheServer: when the server refuses the optimistic
// statement (here a trigger on the outbox raises, as a constraint or an
// operator's trigger would), the statement kept nothing, the locked path
// runs and gives the server's refusal, the map is unchanged, and once the
// cause is gone the update goes through.
func TestFastUpdateRefusedByTheServer(t *testing.T) {
	t.Parallel()
	s, svc := oneReplica(t)
	ctx := t.Context()
	mustUpdate(t, svc, connectd.Attributes{"k": "before"}) // cached
	exec := func(sql string) {
		t.Helper()
		if err := postgres.ExecForTest(ctx, s, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	exec(`CREATE FUNCTION refuse_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN RAISE EXCEPTION 'outbox refused for the test'; END $$`)
	exec(`CREATE TRIGGER refuse_outbox BEFORE INSERT ON outbox FOR EACH ROW EXECUTE FUNCTION refuse_outbox()`)
	fast, stale := postgres.FastCommits(s), postgres.FastStale(s)
	err := svc.UpdateAttributes(ctx, owner, "inst-1", "c-1", connectd.Attributes{"k": "refused"})
	if err == nil || !strings.Contains(err.Error(), "outbox refused for the test") {
		t.Fatalf("UpdateAttributes with the outbox refused = %v, want the server's refusal", err)
	}
	if postgres.FastCommits(s) != fast || postgres.FastStale(s) != stale {
		t.Error("the refused statement counted as a commit or as a stale row")
	}
	if got, err := svc.GetAttributes(ctx, owner, "inst-1", "c-1"); err != nil || got["k"] != "before" {
		t.Fatalf("GetAttributes after the refusal = %v, %v; want k=before", got, err)
	}
	exec(`DROP TRIGGER refuse_outbox ON outbox`)
	mustUpdate(t, svc, connectd.Attributes{"k": "after"})
	if got, err := svc.GetAttributes(ctx, owner, "inst-1", "c-1"); err != nil || got["k"] != "after" {
		t.Fatalf("GetAttributes after the cause went = %v, %v; want k=after", got, err)
	}
}

// TestNoFastUpdatesWithoutACache: OpenWith's CacheBytes < 0 turns the row
// cache off (connectd serve --cache-mib 0), so every update takes the
// locked path and is still applied; the default cap is DefaultCacheBytes.
func TestNoFastUpdatesWithoutACache(t *testing.T) {
	t.Parallel()
	dsn := pgtest.DSN(t)
	s, err := postgres.OpenWith(t.Context(), dsn, connectd.SystemClock{}, nil, postgres.Options{CacheBytes: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if s.CacheCap() != 0 {
		t.Fatalf("CacheCap = %d, want 0", s.CacheCap())
	}
	wantOnlyLockedUpdates(t, s, "without a cache")
	if d := open(t, dsn, connectd.SystemClock{}); d.CacheCap() != postgres.DefaultCacheBytes {
		t.Errorf("Open's CacheCap = %d, want %d", d.CacheCap(), postgres.DefaultCacheBytes)
	}
}

package storetest

import (
	"context"
	"maps"
	"slices"
	"testing"

	"github.com/connectd/connectd"
)

// pairCounter is what a store offers tests to count its search index's
// rows per key (both stores have it).
type pairCounter interface {
	IndexedPairs(ctx context.Context, instanceID string) (map[string]int, error)
}

// wantPairs fails unless the search index holds, for the fixture's
// instance, exactly want pairs of each key.
func (f *fixture) wantPairs(what string, want map[string]int) {
	f.t.Helper()
	pc, ok := f.port.(pairCounter)
	if !ok {
		f.t.Skip("the store cannot count its index's rows")
	}
	got, err := pc.IndexedPairs(f.ctx, f.inst.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	if !maps.Equal(got, want) {
		f.t.Fatalf("%s: the index holds %v pairs, want %v", what, got, want)
	}
}

// keyState returns the instance's registration of key in the index.
func (f *fixture) keyState(key string) (k connectd.IndexedKey, registered bool) {
	f.t.Helper()
	err := f.port.View(f.ctx, "test", func(tx connectd.Tx) error {
		ks, err := tx.IndexedKeys(f.ctx, f.inst.ID, []string{key})
		if len(ks) == 1 {
			k, registered = ks[0], true
		}
		return err
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return k, registered
}

// searchOnce returns the ids one search finds, without running the
// backfill (wantIDs runs it).
func (f *fixture) searchOnce(q *connectd.SearchQuery) []string {
	f.t.Helper()
	ids := f.searchIDs(q, 100)
	slices.Sort(ids)
	return ids
}

func (f *fixture) backfill() int {
	f.t.Helper()
	n, err := f.svc.BackfillSearchIndex(f.ctx)
	if err != nil {
		f.t.Fatal(err)
	}
	return n
}

// testSearchNewKey: a key no search has named costs writes no index row;
// the first search on it finds past contacts at once (from the maps), and
// the backfill then indexes that key, and only it.
func testSearchNewKey(t *testing.T, f *fixture) {
	a := f.contact(withAttrs(connectd.Attributes{"tier": "gold", "lang": "en"}))
	member := f.contact(withPrevious(a.ID))
	b := f.contact(withAttrs(connectd.Attributes{"tier": "silver", "lang": "en"}))
	f.update(b.ID, connectd.Attributes{"lang": "fr"})
	f.wantPairs("before any search", map[string]int{})
	if _, ok := f.keyState("tier"); ok {
		t.Fatal("tier is registered before any search named it")
	}

	gold := f.query(attrCriteria(connectd.MatchAll, "tier", "gold"))
	if got, want := f.searchOnce(gold), []string{a.ID, member.ID}; !slices.Equal(got, want) {
		t.Fatalf("first search on a new key: found %v, want %v", got, want)
	}
	if k, ok := f.keyState("tier"); !ok || k.Ready {
		t.Fatalf("after the first search: registered %v, ready %v; want registered, pending", ok, k.Ready)
	}
	f.wantPairs("before the backfill", map[string]int{})
	if n := f.backfill(); n != 1 {
		t.Fatalf("the backfill made %d keys ready, want 1", n)
	}
	if k, _ := f.keyState("tier"); !k.Ready {
		t.Fatal("tier is not ready after the backfill")
	}
	f.wantPairs("after the backfill", map[string]int{"tier": 2})
	if got, want := f.searchOnce(gold), []string{a.ID, member.ID}; !slices.Equal(got, want) {
		t.Fatalf("from the index: found %v, want %v", got, want)
	}
	f.update(b.ID, connectd.Attributes{"lang": "de", "tier": "gold"})
	f.wantPairs("after writes of an indexed and an unindexed key", map[string]int{"tier": 2})
	f.wantIDs("the index follows the write", gold, a.ID, member.ID, b.ID)
	if n := f.backfill(); n != 0 {
		t.Fatalf("a second backfill made %d keys ready, want 0", n)
	}
}

// testSearchConfiguredKeys: an instance's configured searchable keys are
// indexed from the first write, without a backfill; configured after
// contacts exist, they are backfilled.
func testSearchConfiguredKeys(t *testing.T, f *fixture) {
	if err := f.svc.SetSearchableKeys(f.ctx, f.inst.ID, []string{"tier"}); err != nil {
		t.Fatal(err)
	}
	if k, ok := f.keyState("tier"); !ok || !k.Ready {
		t.Fatalf("a configured key of an empty instance: registered %v, ready %v; want both", ok, k.Ready)
	}
	c := f.contact(withAttrs(connectd.Attributes{"tier": "gold", "lang": "en"}))
	f.wantPairs("the first write", map[string]int{"tier": 1})
	if got := f.searchOnce(f.query(attrCriteria(connectd.MatchAll, "tier", "gold"))); !slices.Equal(got, []string{c.ID}) {
		t.Fatalf("found %v, want [%s]", got, c.ID)
	}

	if err := f.svc.SetSearchableKeys(f.ctx, f.inst.ID, []string{"lang", "tier"}); err != nil {
		t.Fatal(err)
	}
	if k, ok := f.keyState("lang"); !ok || k.Ready {
		t.Fatalf("a key configured over existing contacts: registered %v, ready %v; want registered, pending", ok, k.Ready)
	}
	f.wantIDs("a configured key before and after its backfill", f.query(attrCriteria(connectd.MatchAll, "lang", "en")), c.ID)
	f.wantPairs("after the backfill", map[string]int{"tier": 1, "lang": 1})
	// Allowing every key again keeps what is indexed.
	if err := f.svc.SetSearchableKeys(f.ctx, f.inst.ID, nil); err != nil {
		t.Fatal(err)
	}
	f.wantPairs("every key allowed again", map[string]int{"tier": 1, "lang": 1})
}

// testSearchWritesDuringBackfill writes chains on both sides of the
// backfill's position while it is under way: whatever was committed after
// the registration is indexed by the write itself, what came before by the
// backfill, and a search finds the current values throughout.
func testSearchWritesDuringBackfill(t *testing.T, f *fixture) {
	var cs []*connectd.Contact
	for _, v := range []string{"v1", "v2", "v3", "v4"} {
		cs = append(cs, f.contact(withAttrs(connectd.Attributes{"tier": v})))
	}
	search := func(v string) *connectd.SearchQuery { return f.query(attrCriteria(connectd.MatchAll, "tier", v)) }
	if got := f.searchOnce(search("v3")); !slices.Equal(got, []string{cs[2].ID}) {
		t.Fatalf("found %v, want [%s]", got, cs[2].ID)
	}
	// One batch of one contact, by hand: the backfill is past cs[0] only.
	err := f.port.Update(f.ctx, "test backfill", func(tx connectd.Tx) error {
		last, err := tx.BackfillIndexedKey(f.ctx, f.inst.ID, "tier", "", 1)
		if err != nil {
			return err
		}
		if last != cs[0].ID {
			t.Errorf("the first batch ended at %q, want %q", last, cs[0].ID)
		}
		return tx.SetIndexedKeyProgress(f.ctx, connectd.IndexedKey{InstanceID: f.inst.ID, Key: "tier", After: last})
	})
	if err != nil {
		t.Fatal(err)
	}
	f.wantPairs("one batch", map[string]int{"tier": 1})
	f.update(cs[0].ID, connectd.Attributes{"tier": "n1"}) // behind the backfill
	f.update(cs[2].ID, connectd.Attributes{"tier": "n3"}) // ahead of it
	fresh := f.contact(withAttrs(connectd.Attributes{"tier": "n5"}))
	f.wantPairs("writes after the registration", map[string]int{"tier": 3})
	if got := f.searchOnce(search("v3")); len(got) != 0 {
		t.Fatalf("an old value is still found: %v", got)
	}
	if got := f.searchOnce(search("n3")); !slices.Equal(got, []string{cs[2].ID}) {
		t.Fatalf("before the key is ready: found %v, want [%s]", got, cs[2].ID)
	}
	if n := f.backfill(); n != 1 {
		t.Fatalf("the backfill made %d keys ready, want 1", n)
	}
	f.wantPairs("after the backfill", map[string]int{"tier": 5})
	for v, want := range map[string]string{"n1": cs[0].ID, "v2": cs[1].ID, "n3": cs[2].ID, "v4": cs[3].ID, "n5": fresh.ID} {
		f.wantIDs("value "+v, search(v), want)
	}
	f.wantIDs("old value v1", search("v1"))
}

// testSearchIndexKeysLifecycle: an import indexes the snapshot's searchable
// keys as its contacts go in, an export carries them, a purge takes the
// purged chains' rows, and a reset or DeleteInstance forgets the keys.
func testSearchIndexKeysLifecycle(t *testing.T, f *fixture) {
	other := "inst-imported"
	err := f.svc.Import(f.ctx, &connectd.Snapshot{
		Instances: []*connectd.Instance{newInstance(f.owner, other, "imported")},
		Contacts: []*connectd.Contact{{InstanceID: other, ID: "imp-1", Channel: connectd.ChannelVoice,
			InitiationMethod: connectd.InitiationInbound, InitiationTimestamp: start,
			Attributes: connectd.Attributes{"tier": "gold", "lang": "en"}}},
		SearchableKeys: map[string][]string{other: {"tier"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	main := f.inst
	f.inst = &connectd.Instance{ID: other, Owner: f.owner}
	f.wantPairs("imported", map[string]int{"tier": 1})
	if k, ok := f.keyState("tier"); !ok || !k.Ready {
		t.Fatalf("an imported searchable key: registered %v, ready %v; want both", ok, k.Ready)
	}
	snap, err := f.svc.Export(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := snap.SearchableKeys[other]; !slices.Equal(got, []string{"tier"}) {
		t.Fatalf("exported SearchableKeys %v, want [tier]", got)
	}
	if _, ok := snap.SearchableKeys[main.ID]; ok {
		t.Fatalf("an instance allowing every key exported SearchableKeys %v", snap.SearchableKeys[main.ID])
	}
	wantCode(t, f.svc.Import(f.ctx, &connectd.Snapshot{SearchableKeys: map[string][]string{"nowhere": {"a"}}}), connectd.EINVALID)

	// A purge deletes the expired chain's rows.
	f.inst = main
	f.wantIDs("a search registers tier in the empty instance", f.query(attrCriteria(connectd.MatchAll, "tier", "gold")))
	f.contact(withAttrs(connectd.Attributes{"tier": "gold"}))
	f.wantPairs("a new chain", map[string]int{"tier": 1})
	f.clock.Set(start.AddDate(0, connectd.RetentionMonths, 1))
	if _, err := f.svc.PurgeExpired(f.ctx, 100); err != nil {
		t.Fatal(err)
	}
	f.wantPairs("after the purge", map[string]int{})

	// DeleteInstance forgets its keys: the new instance of the same id
	// indexes nothing until a search names them again.
	if err := f.svc.DeleteInstance(f.ctx, f.owner, main.ID); err != nil {
		t.Fatal(err)
	}
	f.inst = f.instance(f.owner, main.ID, "again")
	f.contact(withAttrs(connectd.Attributes{"tier": "gold"}))
	f.wantPairs("after DeleteInstance", map[string]int{})
	if _, ok := f.keyState("tier"); ok {
		t.Fatal("tier is still registered after DeleteInstance")
	}

	if err := f.svc.Reset(f.ctx); err != nil {
		t.Fatal(err)
	}
	f.inst = f.instance(f.owner, other, "after-reset")
	f.contact(withAttrs(connectd.Attributes{"tier": "gold"}))
	f.wantPairs("after reset", map[string]int{})
	if _, ok := f.keyState("tier"); ok {
		t.Fatal("tier is still registered after reset")
	}
}

package sqlite

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/connectd/connectd"
)

// checkCache fails unless every entry of the row cache is what the database
// holds for its row: the rule that it keeps committed state only, checked
// against SQLite itself through the read pool, bypassing the cache.
func checkCache(t *testing.T, s *Store) {
	t.Helper()
	for _, m := range cacheMismatches(t, s) {
		t.Error(m)
	}
}

// cacheMismatches is how the row cache differs from the database.
func cacheMismatches(t *testing.T, s *Store) []string {
	t.Helper()
	s.cache.mu.Lock()
	entries := make([]*entry, 0, len(s.cache.rows))
	for _, e := range s.cache.rows {
		entries = append(entries, e)
	}
	s.cache.mu.Unlock()
	r := &rows{s: s, q: s.reader}
	var out []string
	for _, e := range entries {
		k := rowKey{e.c.InstanceID, e.c.ID}
		got, err := r.readRow(context.Background(), k) // t.Context() has ended in a Cleanup
		if err != nil {
			t.Fatal(err)
		}
		if got == nil {
			out = append(out, fmt.Sprintf("cache holds %v, which the database does not", k))
			continue
		}
		if got.rowid != e.rowid || got.version != e.version || got.hasDetails != e.hasDetails || !reflect.DeepEqual(got.c, e.c) {
			out = append(out, fmt.Sprintf("cache holds %v as\n%+v v%d details %v, the database as\n%+v v%d details %v",
				k, e.c, e.version, e.hasDetails, got.c, got.version, got.hasDetails))
		}
	}
	return out
}

// version reads a row's attributes_version from SQLite.
func version(t *testing.T, s *Store, instanceID, id string) int64 {
	t.Helper()
	var v int64
	err := s.read.QueryRowContext(t.Context(), `SELECT attributes_version FROM contacts WHERE instance_id = ? AND id = ?`,
		instanceID, id).Scan(&v)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// seeded opens a store in a temporary directory, closed with t, with
// storetest.Seed's instance and contact c-1 (a=1, b=2).
func seeded(t *testing.T) (*Store, *connectd.Service) {
	t.Helper()
	s := openDir(t, t.TempDir(), connectd.SystemClock{})
	t.Cleanup(func() { s.Close() })
	seed(t, s)
	return s, service(s)
}

// cachedCount is how many entries the cache holds.
func cachedCount(s *Store) int { n, _ := s.cache.stats(); return n }

func newContact(t *testing.T, svc *connectd.Service, id string, m connectd.Attributes) {
	t.Helper()
	c := &connectd.Contact{InstanceID: "inst-1", ID: id, Channel: connectd.ChannelVoice,
		InitiationMethod: connectd.InitiationInbound, Attributes: m}
	if _, err := svc.CreateContact(t.Context(), owner, c); err != nil {
		t.Fatal(err)
	}
}

func getAttrs(t *testing.T, svc *connectd.Service, id string) connectd.Attributes {
	t.Helper()
	m, err := svc.GetAttributes(t.Context(), owner, "inst-1", id)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestAttributesVersionCountsEveryWrite(t *testing.T) {
	s := openDir(t, t.TempDir(), connectd.SystemClock{})
	defer s.Close()
	seed(t, s) // one CreateContact, one UpdateAttributes
	svc := service(s)
	if v := version(t, s, "inst-1", "c-1"); v != 1 {
		t.Fatalf("version after one update = %d, want 1", v)
	}
	for i := range 3 {
		if err := svc.UpdateAttributes(t.Context(), owner, "inst-1", "c-1", connectd.Attributes{"k": fmt.Sprint(i)}); err != nil {
			t.Fatal(err)
		}
	}
	// A statement that writes the map without bumping the counter (any
	// path the store's own statements do not cover) is bumped by the
	// trigger of migration 0011.
	err := s.write(t.Context(), "raw write", func(tx *txn) error {
		_, err := tx.ExecContext(t.Context(), `UPDATE contacts SET attributes = '{"z":"1"}' WHERE id = 'c-1'`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if v := version(t, s, "inst-1", "c-1"); v != 5 {
		t.Fatalf("version after five writes = %d, want 5", v)
	}
	if m := getAttrs(t, svc, "c-1"); !maps.Equal(m, connectd.Attributes{"z": "1"}) {
		t.Fatalf("map after a raw write = %v, want the raw write's", m)
	}
	checkCache(t, s)
}

// TestCacheServesWritesAfterTheyCommit: a read after a successful update
// sees it, from memory, and the cached row carries the database's version.
func TestCacheServesWritesAfterTheyCommit(t *testing.T) {
	s, svc := seeded(t)
	for i := range 5 {
		if err := svc.UpdateAttributes(t.Context(), owner, "inst-1", "c-1", connectd.Attributes{"n": fmt.Sprint(i)}); err != nil {
			t.Fatal(err)
		}
		if got := getAttrs(t, svc, "c-1")["n"]; got != fmt.Sprint(i) {
			t.Fatalf("after update %d: n = %q", i, got)
		}
		if s.cache.get(rowKey{"inst-1", "c-1"}) == nil {
			t.Fatal("the updated row is not cached")
		}
		checkCache(t, s)
	}
}

// TestCacheForgetsRolledBackUnits runs a batch whose first unit writes a
// map and is rolled back to its savepoint, and whose second reads the
// same row: neither that unit nor the cache may keep what was rolled back.
// Then the same with a batch of one, which the whole transaction's
// rollback undoes.
func TestCacheForgetsRolledBackUnits(t *testing.T) {
	s, svc := seeded(t)
	getAttrs(t, svc, "c-1") // cached
	want := connectd.Attributes{"a": "1", "b": "2"}
	rejected := connectd.Errorf(connectd.EINVALID, "rejected on purpose")
	writeThenFail := func(tx connectd.Tx) error {
		if _, err := tx.LockContact(t.Context(), owner, "inst-1", "c-1"); err != nil {
			return err
		}
		if err := tx.SetChainMap(t.Context(), "inst-1", "c-1", connectd.Attributes{"rolled": "back"}, time.Now()); err != nil {
			return err
		}
		return rejected
	}
	var seen connectd.Attributes
	readBack := func(tx connectd.Tx) error {
		c, err := tx.LockContact(t.Context(), owner, "inst-1", "c-1")
		if err == nil {
			seen = c.Attributes
		}
		return err
	}
	mk := func(fn func(connectd.Tx) error) *job {
		return &job{ctx: t.Context(), op: "test", done: make(chan error, 1),
			fn: func(tx *txn) error { return fn(&rows{s: s, q: tx, w: tx}) }}
	}
	batch := []*job{mk(writeThenFail), mk(readBack)}
	s.runBatch(batch)
	if err := <-batch[0].done; !errors.Is(err, rejected) {
		t.Fatalf("first unit: %v, want the rejection", err)
	}
	if err := <-batch[1].done; err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(seen, want) {
		t.Errorf("the next unit of the batch read %v, want %v", seen, want)
	}
	if m := getAttrs(t, svc, "c-1"); !maps.Equal(m, want) {
		t.Errorf("after the rollback: %v, want %v", m, want)
	}
	checkCache(t, s)

	if err := s.Update(t.Context(), "alone", writeThenFail); !errors.Is(err, rejected) {
		t.Fatalf("batch of one: %v, want the rejection", err)
	}
	if m := getAttrs(t, svc, "c-1"); !maps.Equal(m, want) {
		t.Errorf("after the rollback of a batch of one: %v, want %v", m, want)
	}
	checkCache(t, s)
}

// TestCacheFollowsEveryWritePath warms the cache, changes the rows through
// each path that writes contacts, and checks after each that the cache
// holds only what the database does and that reads see the change.
func TestCacheFollowsEveryWritePath(t *testing.T) {
	s := openDir(t, t.TempDir(), connectd.NewManualClock(time.Now()))
	defer s.Close()
	seed(t, s)
	svc := service(s)
	newContact(t, svc, "c-2", connectd.Attributes{"x": "1"})
	warm := func() {
		t.Helper()
		for _, id := range []string{"c-1", "c-2"} {
			if _, err := svc.FindContact(t.Context(), owner, "inst-1", id); err != nil && connectd.ErrorCode(err) != connectd.ENOTFOUND {
				t.Fatal(err)
			}
		}
	}
	step := func(name string, fn func() error, check func()) {
		t.Helper()
		warm()
		if err := fn(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		checkCache(t, s)
		check()
		checkCache(t, s)
	}
	step("a raw statement the cache does not know", func() error {
		return s.write(t.Context(), "raw", func(tx *txn) error {
			_, err := tx.ExecContext(t.Context(), `UPDATE contacts SET attributes = '{"raw":"1"}', name = 'raw' WHERE id = 'c-2'`)
			return err
		})
	}, func() {
		c, err := svc.FindContact(t.Context(), owner, "inst-1", "c-2")
		if err != nil || c.Name != "raw" || c.Attributes["raw"] != "1" {
			t.Errorf("after a raw write: %+v, %v", c, err)
		}
	})
	name := "renamed"
	step("UpdateContact", func() error {
		return svc.UpdateContact(t.Context(), owner, "inst-1", "c-1", &connectd.ContactUpdate{Name: &name})
	}, func() {
		if c, err := svc.FindContact(t.Context(), owner, "inst-1", "c-1"); err != nil || c.Name != name {
			t.Errorf("after UpdateContact: %+v, %v", c, err)
		}
	})
	step("StopContact", func() error { return svc.StopContact(t.Context(), owner, "inst-1", "c-1") }, func() {
		if c, err := svc.FindContact(t.Context(), owner, "inst-1", "c-1"); err != nil || c.Active() {
			t.Errorf("after StopContact: %+v, %v", c, err)
		}
	})
	snap, err := svc.Export(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	step("Reset", func() error { return svc.Reset(t.Context()) }, func() {
		if _, err := svc.FindContact(t.Context(), owner, "inst-1", "c-1"); connectd.ErrorCode(err) != connectd.ENOTFOUND {
			t.Errorf("after Reset: %v, want ENOTFOUND", err)
		}
		if cachedCount(s) != 0 {
			t.Errorf("after Reset the cache holds %d rows", cachedCount(s))
		}
	})
	for _, c := range snap.Contacts {
		if c.ID == "c-2" {
			c.Attributes = connectd.Attributes{"imported": "yes"}
		}
	}
	step("Import", func() error { return svc.Import(t.Context(), snap) }, func() {
		if m := getAttrs(t, svc, "c-2"); !maps.Equal(m, connectd.Attributes{"imported": "yes"}) {
			t.Errorf("after Import: %v", m)
		}
	})
	step("DeleteInstance", func() error { return svc.DeleteInstance(t.Context(), owner, "inst-1") }, func() {
		if cachedCount(s) != 0 {
			t.Errorf("after DeleteInstance (ON DELETE CASCADE) the cache holds %d rows", cachedCount(s))
		}
	})
	seed(t, s)
	step("PurgeExpired", func() error {
		if err := s.clock.(*connectd.ManualClock).Advance((connectd.RetentionMonths + 1) * 31 * 24 * time.Hour); err != nil {
			return err
		}
		_, err := svc.PurgeExpired(t.Context(), 100)
		return err
	}, func() {
		if cachedCount(s) != 0 {
			t.Errorf("after PurgeExpired the cache holds %d rows", cachedCount(s))
		}
	})
}

// TestCacheStaysUnderItsCap reads more contacts than a small cap holds:
// the cache stays within it and every read is still right.
func TestCacheStaysUnderItsCap(t *testing.T) {
	const limit = 8 << 10
	s, err := OpenWith(t.Context(), t.TempDir(), connectd.SystemClock{}, nil, Options{CacheBytes: limit})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	seed(t, s)
	svc := service(s)
	const n = 100
	for i := range n {
		newContact(t, svc, fmt.Sprintf("k-%d", i), connectd.Attributes{"i": fmt.Sprint(i)})
	}
	for round := range 2 {
		for i := range n {
			if got := getAttrs(t, svc, fmt.Sprintf("k-%d", i))["i"]; got != fmt.Sprint(i) {
				t.Fatalf("round %d: k-%d has i=%q", round, i, got)
			}
		}
	}
	entries, used := s.cache.stats()
	if used > limit || entries == 0 || entries >= n {
		t.Fatalf("cache: %d entries, %d bytes; want some, fewer than %d, within %d bytes", entries, used, n, limit)
	}
	checkCache(t, s)
}

// TestCacheUnderConcurrentWritesAndReads: 64 writers add a key each to one
// chain while readers poll it. No key is lost, no reader ever sees the map
// shrink (a read filled in from before a commit would), and a read after
// each writer's reply sees its key.
func TestCacheUnderConcurrentWritesAndReads(t *testing.T) {
	// 64 writers at once may wait past the default QueueWait on a busy
	// machine (under -race): this test is about the cache, not shedding.
	s, err := OpenWith(t.Context(), t.TempDir(), connectd.SystemClock{}, nil, Options{QueueWait: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	seed(t, s)
	svc := service(s)
	ctx, cancel := context.WithCancel(t.Context())
	var readers, writers sync.WaitGroup
	for range 4 {
		readers.Add(1)
		go func() {
			defer readers.Done()
			last := 0
			for ctx.Err() == nil {
				m, err := svc.GetAttributes(ctx, owner, "inst-1", "c-1")
				if err != nil {
					if ctx.Err() == nil {
						t.Error(err)
					}
					return
				}
				if len(m) < last {
					t.Errorf("a reader saw the map shrink from %d to %d keys", last, len(m))
					return
				}
				last = len(m)
			}
		}()
	}
	for i := range 64 {
		writers.Add(1)
		go func() {
			defer writers.Done()
			k := fmt.Sprintf("w%d", i)
			if err := svc.UpdateAttributes(t.Context(), owner, "inst-1", "c-1", connectd.Attributes{k: "1"}); err != nil {
				t.Error(err)
				return
			}
			if m := getAttrs(t, svc, "c-1"); m[k] != "1" {
				t.Errorf("a read after the reply misses %s", k)
			}
		}()
	}
	writers.Wait()
	cancel()
	readers.Wait()
	if m := getAttrs(t, svc, "c-1"); len(m) != 66 {
		t.Fatalf("the chain has %d keys, want 66", len(m))
	}
	if v := version(t, s, "inst-1", "c-1"); v != 65 {
		t.Fatalf("version = %d, want 65", v)
	}
	checkCache(t, s)
}

// TestBatchWithoutSavepoints: a batch runs without savepoints while no job
// fails after writing. A job that fails having only read keeps its
// neighbours' writes; one that fails after writing makes the batch run
// again with savepoints, so that only its own writes are undone.
func TestBatchWithoutSavepoints(t *testing.T) {
	s, svc := seeded(t)
	newContact(t, svc, "c-2", nil)
	rejected := connectd.Errorf(connectd.EINVALID, "rejected on purpose")
	runs := map[string]int{}
	set := func(id, k string, fail, writeFirst bool) *job {
		fn := func(tx connectd.Tx) error {
			runs[id+k]++
			if fail && !writeFirst {
				return rejected
			}
			if err := tx.SetChainMap(t.Context(), "inst-1", id, connectd.Attributes{k: "1"}, time.Time{}); err != nil {
				return err
			}
			if fail {
				return rejected
			}
			return nil
		}
		return &job{ctx: t.Context(), op: "test", done: make(chan error, 1),
			fn: func(tx *txn) error { return fn(&rows{s: s, q: tx, w: tx}) }}
	}
	check := func(batch []*job, want []error, c1, c2 connectd.Attributes) {
		t.Helper()
		s.runBatch(batch)
		for i, j := range batch {
			if err := <-j.done; !errors.Is(err, want[i]) {
				t.Errorf("job %d: %v, want %v", i, err, want[i])
			}
		}
		if m := getAttrs(t, svc, "c-1"); !maps.Equal(m, c1) {
			t.Errorf("c-1 = %v, want %v", m, c1)
		}
		if m := getAttrs(t, svc, "c-2"); !maps.Equal(m, c2) {
			t.Errorf("c-2 = %v, want %v", m, c2)
		}
		checkCache(t, s)
	}
	check([]*job{set("c-1", "x", true, false), set("c-2", "y", false, false)},
		[]error{rejected, nil}, connectd.Attributes{"a": "1", "b": "2"}, connectd.Attributes{"y": "1"})
	if runs["c-2y"] != 1 {
		t.Errorf("a batch whose failed job only read ran %d times, want once", runs["c-2y"])
	}
	check([]*job{set("c-2", "z", false, false), set("c-1", "w", true, true)},
		[]error{nil, rejected}, connectd.Attributes{"a": "1", "b": "2"}, connectd.Attributes{"z": "1"})
	if runs["c-2z"] != 2 {
		t.Errorf("a batch whose failed job wrote ran %d times, want twice (again with savepoints)", runs["c-2z"])
	}
}

// TestCacheRefusesFillsThatRacedACommit: a read that began before a commit
// changed its row may not store what it read; one that began after may.
// Once the cache no longer remembers that far back, it refuses them all.
func TestCacheRefusesFillsThatRacedACommit(t *testing.T) {
	rc := newRowCache(1 << 20)
	row := func(rowid int64, id string) *entry {
		return newEntry(rowid, "a", "r", connectd.Contact{InstanceID: "i", ID: id, Attributes: connectd.Attributes{}}, 0)
	}
	before := rc.generation()
	rc.apply(map[int64]struct{}{7: {}}, nil, nil)
	rc.fill(row(7, "c"), before)
	if rc.get(rowKey{"i", "c"}) != nil {
		t.Fatal("a read from before the commit that changed its row was stored")
	}
	rc.fill(row(8, "d"), before)
	if rc.get(rowKey{"i", "d"}) == nil {
		t.Fatal("a read of a row no commit changed was refused")
	}
	rc.fill(row(7, "c"), rc.generation())
	if rc.get(rowKey{"i", "c"}) == nil {
		t.Fatal("a read from after the commit was refused")
	}
	old := rc.generation()
	for r := range int64(recentChanges + 1) {
		rc.apply(map[int64]struct{}{1000 + r: {}}, nil, nil)
	}
	rc.fill(row(9, "e"), old)
	if rc.get(rowKey{"i", "e"}) != nil {
		t.Fatal("a read older than the remembered changes was stored")
	}
}

// TestCacheCheckSeesACallersChange: the maps the lookups return are the
// cache's own (no copy per read), so a caller that changed one would change
// what every later read sees. The check each suite test ends with
// (eachMode) catches that: here a caller changes each lookup's map on
// purpose, and the check must see it.
func TestCacheCheckSeesACallersChange(t *testing.T) {
	lookups := map[string]func(tx connectd.Tx) (connectd.Attributes, error){
		"FindContact": func(tx connectd.Tx) (connectd.Attributes, error) {
			c, err := tx.FindContact(t.Context(), owner, "inst-1", "c-1")
			return c.Attributes, err
		},
		"LockContact": func(tx connectd.Tx) (connectd.Attributes, error) {
			c, err := tx.LockContact(t.Context(), owner, "inst-1", "c-1")
			return c.Attributes, err
		},
		"LockChain": func(tx connectd.Tx) (connectd.Attributes, error) {
			m, _, err := tx.LockChain(t.Context(), "inst-1", "c-1")
			return m, err
		},
		"ChainOf": func(tx connectd.Tx) (connectd.Attributes, error) {
			_, m, _, err := tx.ChainOf(t.Context(), owner, "inst-1", "c-1")
			return m, err
		},
	}
	for name, lookup := range lookups {
		t.Run(name, func(t *testing.T) {
			s, svc := seeded(t)
			getAttrs(t, svc, "c-1") // cached now
			if bad := cacheMismatches(t, s); len(bad) != 0 {
				t.Fatalf("before the change: %v", bad)
			}
			err := s.View(t.Context(), "leak", func(tx connectd.Tx) error {
				m, err := lookup(tx)
				if err == nil {
					m["leaked"] = "yes"
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if bad := cacheMismatches(t, s); len(bad) == 0 {
				t.Error("a caller changed the cached map, and the check did not see it")
			}
		})
	}
}

// TestSetChainMapRowidGuard: SetChainMap finds a row it knows by its
// rowid, with the key still in the WHERE. Given an entry whose rowid is
// another contact's, it changes that other row in nothing, writes the
// map by the key instead, and leaves no wrong row in the cache.
func TestSetChainMapRowidGuard(t *testing.T) {
	s, svc := seeded(t)
	newContact(t, svc, "c-2", connectd.Attributes{"other": "row"})
	getAttrs(t, svc, "c-1")
	getAttrs(t, svc, "c-2") // both cached
	err := s.Update(t.Context(), "test", func(tx connectd.Tx) error {
		r := tx.(*rows)
		one, err := r.row(t.Context(), rowKey{"inst-1", "c-1"})
		if err != nil {
			return err
		}
		two, err := r.row(t.Context(), rowKey{"inst-1", "c-2"})
		if err != nil {
			return err
		}
		r.s.ov.stage(newEntry(two.rowid, one.account, one.region, one.c, one.version)) // c-1 at c-2's rowid
		return tx.SetChainMap(t.Context(), "inst-1", "c-1", connectd.Attributes{"x": "1"}, time.Now())
	})
	if err != nil {
		t.Fatal(err)
	}
	checkCache(t, s)
	db := &rows{s: s, q: s.reader}
	for id, want := range map[string]connectd.Attributes{"c-1": {"x": "1"}, "c-2": {"other": "row"}} {
		e, err := db.readRow(t.Context(), rowKey{"inst-1", id})
		if err != nil {
			t.Fatal(err)
		}
		if !maps.Equal(e.attributes(), want) {
			t.Errorf("the database holds %s = %v, want %v", id, e.attributes(), want)
		}
		if m := getAttrs(t, svc, id); !maps.Equal(m, want) {
			t.Errorf("GetAttributes(%s) = %v, want %v", id, m, want)
		}
	}
}

// TestCacheEvictsColdRowsFirst: rows that are read often keep their place
// while rows that are only written stream through a full cache (a load's
// new contacts), as under the mixed load: a read that misses fills its row
// again (as fill does), and the read rows' misses stay rare. Evicting
// arbitrary entries (evictSample 1) missed about a quarter of them.
func TestCacheEvictsColdRowsFirst(t *testing.T) {
	mk := func(i int) *entry {
		return newEntry(int64(i), "a", "r", connectd.Contact{InstanceID: "i", ID: fmt.Sprintf("c%06d", i),
			Attributes: connectd.Attributes{"k": "v"}}, 1)
	}
	rc := newRowCache(100 * mk(0).size)
	put := func(i int) {
		rc.mu.Lock()
		rc.put(rowKey{"i", fmt.Sprintf("c%06d", i)}, mk(i))
		rc.mu.Unlock()
	}
	const hot = 50
	for i := range hot {
		put(i)
	}
	reads, misses := 0, 0
	for i := hot; i < hot+2000; i++ {
		put(i)             // written once, never read
		for j := range 5 { // each read row every 10 writes
			id := (5*i + j) % hot
			reads++
			if rc.get(rowKey{"i", fmt.Sprintf("c%06d", id)}) == nil {
				misses++
				put(id)
			}
		}
	}
	if misses*10 > reads {
		t.Errorf("%d of %d reads of the rows read all along missed, want under a tenth", misses, reads)
	}
	if n, bytes := rc.stats(); bytes > rc.max || n > 100 {
		t.Errorf("cache holds %d entries, %d bytes; cap %d", n, bytes, rc.max)
	}
}

package sqlite

import (
	"maps"
	"reflect"
	"testing"

	"github.com/connectd/connectd"
)

// details reads a contact's details as FindContact returns them.
func details(t *testing.T, svc *connectd.Service, id string) (map[string]connectd.Reference, map[string]string) {
	t.Helper()
	c, err := svc.FindContact(t.Context(), owner, "inst-1", id)
	if err != nil {
		t.Fatal(err)
	}
	return c.References, c.Tags
}

// TestCacheKeepsDetailsExact: the row cache keeps a contact's details with
// its row, so LoadDetails needs no query; every path that writes
// contact_details (the Service's, a raw statement, the cascade of a
// deleted contact) must drop the cached entry at its commit, and a later
// read sees the change.
func TestCacheKeepsDetailsExact(t *testing.T) {
	s, svc := seeded(t)
	newContact(t, svc, "c-2", nil)
	step := func(name string, fn func() error, wantRefs map[string]connectd.Reference, wantTags map[string]string) {
		t.Helper()
		details(t, svc, "c-1") // warm: the read fills the cache
		if e := s.cache.get(rowKey{"inst-1", "c-1"}); e == nil {
			t.Fatalf("%s: c-1 not cached before the write", name)
		}
		if err := fn(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		checkCache(t, s)
		refs, tags := details(t, svc, "c-1")
		if !maps.Equal(refs, wantRefs) || !maps.Equal(tags, wantTags) {
			t.Errorf("%s: FindContact's details = %v, %v; want %v, %v", name, refs, tags, wantRefs, wantTags)
		}
		checkCache(t, s)
	}
	ref := map[string]connectd.Reference{"doc": {Type: "URL", Value: "https://example.com/a"}}
	step("UpdateContact's references", func() error {
		return svc.UpdateContact(t.Context(), owner, "inst-1", "c-1", &connectd.ContactUpdate{References: ref})
	}, ref, map[string]string{})
	step("TagContact", func() error {
		return svc.TagContact(t.Context(), owner, "inst-1", "c-1", map[string]string{"team": "blue"})
	}, ref, map[string]string{"team": "blue"})
	step("a raw statement", func() error {
		return s.write(t.Context(), "raw", func(tx *txn) error {
			_, err := tx.ExecContext(t.Context(), `UPDATE contact_details SET tags = '{"raw":"1"}' WHERE contact_id = 'c-1'`)
			return err
		})
	}, ref, map[string]string{"raw": "1"})
	step("UntagContact", func() error {
		return svc.UntagContact(t.Context(), owner, "inst-1", "c-1", []string{"raw"})
	}, ref, map[string]string{})
	step("a raw DELETE", func() error {
		return s.write(t.Context(), "raw", func(tx *txn) error {
			_, err := tx.ExecContext(t.Context(), `DELETE FROM contact_details`)
			return err
		})
	}, nil, nil)
	step("a raw INSERT", func() error {
		return s.write(t.Context(), "raw", func(tx *txn) error {
			_, err := tx.ExecContext(t.Context(),
				`INSERT INTO contact_details (instance_id, contact_id, tags) VALUES ('inst-1', 'c-1', '{"new":"1"}')`)
			return err
		})
	}, nil, map[string]string{"new": "1"})
	// A caller's change of what LoadDetails gave it stays its own.
	refs, tags := details(t, svc, "c-1")
	tags["mine"] = "x"
	if refs2, tags2 := details(t, svc, "c-1"); refs2 != nil || !maps.Equal(tags2, map[string]string{"new": "1"}) || refs != nil {
		t.Errorf("after a caller changed its tags, FindContact = %v, %v", refs2, tags2)
	}
	// c-2's details row goes with c-2 (ON DELETE CASCADE), seen through
	// the hook on contact_details as well as on contacts.
	if err := svc.TagContact(t.Context(), owner, "inst-1", "c-2", map[string]string{"x": "1"}); err != nil {
		t.Fatal(err)
	}
	details(t, svc, "c-2")
	if err := svc.DeleteInstance(t.Context(), owner, "inst-1"); err != nil {
		t.Fatal(err)
	}
	if n := cachedCount(s); n != 0 {
		t.Errorf("after DeleteInstance the cache holds %d rows", n)
	}
}

// TestUnitSeesDetailsItWrote: within one unit (and one batch), a write of
// the details hides the row's cached entry, so LoadDetails reads what the
// unit wrote, not what was committed.
func TestUnitSeesDetailsItWrote(t *testing.T) {
	s, svc := seeded(t)
	details(t, svc, "c-1") // cached, without details
	err := s.Update(t.Context(), "test", func(tx connectd.Tx) error {
		c, err := tx.LockContact(t.Context(), owner, "inst-1", "c-1")
		if err != nil {
			return err
		}
		if err := tx.LoadDetails(t.Context(), c); err != nil {
			return err
		}
		if c.Tags != nil {
			t.Errorf("before the write LoadDetails gave tags %v", c.Tags)
		}
		c.Tags = map[string]string{"in": "unit"}
		if err := tx.SaveDetails(t.Context(), c); err != nil {
			return err
		}
		again, err := tx.LockContact(t.Context(), owner, "inst-1", "c-1")
		if err != nil {
			return err
		}
		if err := tx.LoadDetails(t.Context(), again); err != nil {
			return err
		}
		if !reflect.DeepEqual(again.Tags, c.Tags) {
			t.Errorf("after SaveDetails in the unit LoadDetails gave tags %v, want %v", again.Tags, c.Tags)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	checkCache(t, s)
	if _, tags := details(t, svc, "c-1"); !maps.Equal(tags, map[string]string{"in": "unit"}) {
		t.Errorf("after the commit FindContact's tags = %v", tags)
	}
}

// TestCacheRefusesDetailsFillsThatRacedACommit: a read that began before a
// commit changed a contact's details may not store the row it read.
func TestCacheRefusesDetailsFillsThatRacedACommit(t *testing.T) {
	rc := newRowCache(1 << 20)
	k := rowKey{"i", "c"}
	e := newEntry(7, "a", "r", connectd.Contact{InstanceID: k.instance, ID: k.id}, 0)
	rc.fill(e, rc.generation())
	before := rc.generation()
	rc.apply(nil, map[rowKey]struct{}{k: {}}, nil)
	if rc.get(k) != nil {
		t.Fatal("a commit that changed the contact's details left its entry")
	}
	rc.fill(e, before)
	if rc.get(k) != nil {
		t.Fatal("a read from before the commit that changed the details was stored")
	}
	rc.fill(e, rc.generation())
	if rc.get(k) == nil {
		t.Fatal("a read from after the commit was refused")
	}
}

// TestMapWriteKeepsCachedDetails: UpdateAttributes stages the row it
// wrote with the details it had, which a map write leaves as they are.
func TestMapWriteKeepsCachedDetails(t *testing.T) {
	s, svc := seeded(t)
	if err := svc.TagContact(t.Context(), owner, "inst-1", "c-1", map[string]string{"team": "blue"}); err != nil {
		t.Fatal(err)
	}
	details(t, svc, "c-1")
	if err := svc.UpdateAttributes(t.Context(), owner, "inst-1", "c-1", connectd.Attributes{"a": "9"}); err != nil {
		t.Fatal(err)
	}
	e := s.cache.get(rowKey{"inst-1", "c-1"})
	if e == nil || !e.hasDetails || e.c.Attributes["a"] != "9" {
		t.Fatalf("after UpdateAttributes the cache holds %+v", e)
	}
	checkCache(t, s)
	if _, tags := details(t, svc, "c-1"); !maps.Equal(tags, map[string]string{"team": "blue"}) {
		t.Errorf("after UpdateAttributes FindContact's tags = %v", tags)
	}
}

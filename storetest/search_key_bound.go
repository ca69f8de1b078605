package storetest

import (
	"fmt"
	"slices"
	"testing"

	"github.com/connectd/connectd"
)

// testSearchKeyBound: once an instance holds MaxSearchRegisteredKeys keys,
// a search naming a new key still finds what the maps hold, but registers
// nothing (made-up key names cannot grow the index without end).
func testSearchKeyBound(t *testing.T, f *fixture) {
	keys := make([]string, connectd.MaxSearchRegisteredKeys)
	for i := range keys {
		keys[i] = fmt.Sprintf("k%03d", i)
	}
	err := f.port.Update(f.ctx, "test", func(tx connectd.Tx) error {
		return tx.RegisterIndexedKeys(f.ctx, f.inst.ID, keys)
	})
	if err != nil {
		t.Fatal(err)
	}
	c := f.contact(withAttrs(connectd.Attributes{"tier": "gold"}))
	gold := f.query(attrCriteria(connectd.MatchAll, "tier", "gold"))
	if got := f.searchOnce(gold); !slices.Equal(got, []string{c.ID}) {
		t.Fatalf("a search past the bound found %v, want [%s]", got, c.ID)
	}
	if _, ok := f.keyState("tier"); ok {
		t.Fatalf("a search past the bound of %d keys registered a new one", connectd.MaxSearchRegisteredKeys)
	}
	var n int
	err = f.port.View(f.ctx, "test", func(tx connectd.Tx) (err error) {
		n, err = tx.CountIndexedKeys(f.ctx, f.inst.ID)
		return err
	})
	if err != nil || n != connectd.MaxSearchRegisteredKeys {
		t.Fatalf("CountIndexedKeys = %d, %v; want %d", n, err, connectd.MaxSearchRegisteredKeys)
	}
	f.update(c.ID, connectd.Attributes{"tier": "silver"})
	if got := f.searchOnce(gold); len(got) != 0 {
		t.Fatalf("after the write, a search past the bound found %v, want none", got)
	}
	// A key already registered is still searched through the index.
	k := f.query(attrCriteria(connectd.MatchAll, keys[0], "x"))
	if got := f.searchOnce(k); len(got) != 0 {
		t.Fatalf("a registered key found %v, want none", got)
	}
}

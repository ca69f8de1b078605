package storetest

import (
	"testing"

	"github.com/connectd/connectd"
)

// testPortReadsOwnWrites: a unit's reads see its own earlier writes, even
// where a store holds writes back to send them together (PostgreSQL's
// pipelined units): the map it just wrote, through LockChain and
// FindContact, and the details it just saved.
func testPortReadsOwnWrites(t *testing.T, p *portFixture) {
	err := p.port.Update(p.ctx, "test own writes", func(tx connectd.Tx) error {
		c, err := tx.LockContact(p.ctx, SeedOwner(), "inst-1", "c-1")
		if err != nil || c == nil {
			t.Fatalf("LockContact = %v, %v", c, err)
		}
		if err := tx.SetChainMap(p.ctx, "inst-1", "c-1", connectd.Attributes{"own": "1"}, start); err != nil {
			return err
		}
		if m, found, err := tx.LockChain(p.ctx, "inst-1", "c-1"); err != nil || !found || m["own"] != "1" || len(m) != 1 {
			t.Errorf("LockChain after SetChainMap = %v, %v, %v; want {own: 1}", m, found, err)
		}
		if err := tx.SetChainMap(p.ctx, "inst-1", "c-1", connectd.Attributes{"own": "2"}, start); err != nil {
			return err
		}
		if f, err := tx.FindContact(p.ctx, SeedOwner(), "inst-1", "c-1"); err != nil || f == nil || f.Attributes["own"] != "2" {
			t.Errorf("FindContact after SetChainMap = %v, %v; want own=2", f, err)
		}
		c.Tags = map[string]string{"team": "blue"}
		if err := tx.SaveDetails(p.ctx, c); err != nil {
			return err
		}
		d := &connectd.Contact{InstanceID: "inst-1", ID: "c-1"}
		if err := tx.LoadDetails(p.ctx, d); err != nil || d.Tags["team"] != "blue" {
			t.Errorf("LoadDetails after SaveDetails = %v, %v; want team=blue", d.Tags, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	wantAttrs(t, "map after the unit", p.attrs(t), connectd.Attributes{"own": "2"})
}

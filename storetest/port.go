package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/connectd/connectd"
)

// RunPortTests holds a store's connectd.Port to the guarantees the Service
// relies on without checking them itself: a read-modify-write through
// LockContact loses no concurrent write, a unit of work that fails changes
// nothing (next to others that succeed), and a View cannot write. open is
// as for RunStoreTests.
func RunPortTests(t *testing.T, open func(t *testing.T, clock connectd.Clock) connectd.Port) {
	tests := []struct {
		name string
		run  func(t *testing.T, p *portFixture)
	}{
		{"LockedReadModifyWriteLosesNothing", testPortNoLostKeys},
		{"RejectedUnitChangesNothing", testPortRejected},
		{"ViewIsReadOnly", testPortViewReadOnly},
		{"UnitReadsItsOwnWrites", testPortReadsOwnWrites},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			clock := connectd.NewManualClock(start)
			port := open(t, clock)
			svc := connectd.NewService(port, clock)
			Seed(t, svc)
			tc.run(t, &portFixture{port: port, svc: svc, ctx: t.Context()})
		})
	}
}

// portFixture is a store holding Seed's data, seen both as the Port under
// test and through the Service.
type portFixture struct {
	port connectd.Port
	svc  *connectd.Service
	ctx  context.Context
}

// setKey is one read-modify-write of Seed's chain: lock the initial
// contact, add key to the map it read, write the map back.
func (p *portFixture) setKey(tx connectd.Tx, key, value string) error {
	c, err := tx.LockContact(p.ctx, SeedOwner(), "inst-1", "c-1")
	if err != nil {
		return err
	}
	if c == nil {
		return errors.New("c-1 not found")
	}
	m := c.Attributes.Clone()
	m[key] = value
	return tx.SetChainMap(p.ctx, "inst-1", "c-1", m, start)
}

func (p *portFixture) attrs(t *testing.T) connectd.Attributes {
	t.Helper()
	a, err := p.svc.GetAttributes(p.ctx, SeedOwner(), "inst-1", "c-1")
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// testPortNoLostKeys: 64 units of work update one chain at once, each
// adding its own key to the map it read; every key is there at the end.
func testPortNoLostKeys(t *testing.T, p *portFixture) {
	const n = 64
	errs := make([]error, n)
	Parallel(n, func(i int) {
		errs[i] = p.port.Update(p.ctx, "test set key", func(tx connectd.Tx) error {
			return p.setKey(tx, fmt.Sprintf("k%02d", i), "v")
		})
	})
	for i, err := range errs {
		if err != nil {
			t.Fatalf("update %d: %v", i, err)
		}
	}
	got := p.attrs(t)
	want := connectd.Attributes{"a": "1", "b": "2"}
	for i := range n {
		want[fmt.Sprintf("k%02d", i)] = "v"
	}
	wantAttrs(t, "map after 64 concurrent updates", got, want)
}

// testPortRejected: a unit that writes and then fails, with a domain error
// or any other, leaves no trace, and its domain error comes back as it
// was; units that succeed at the same time are all kept.
func testPortRejected(t *testing.T, p *portFixture) {
	rejection := connectd.Errorf(connectd.EINVALID, "rejected on purpose")
	failure := errors.New("failed on purpose")
	const n = 16
	errs := make([]error, n)
	Parallel(n, func(i int) {
		errs[i] = p.port.Update(p.ctx, "test mixed", func(tx connectd.Tx) error {
			key := fmt.Sprintf("k%02d", i)
			if err := p.setKey(tx, key, "v"); err != nil {
				return err
			}
			switch i % 4 {
			case 1:
				c := &connectd.Contact{InstanceID: "inst-1", ID: "ghost-" + key, InitialContactID: "ghost-" + key,
					Channel: connectd.ChannelTask, InitiationMethod: connectd.InitiationAPI,
					InitiationTimestamp: start, LastUpdateTimestamp: start}
				if err := tx.InsertContact(p.ctx, c, connectd.Attributes{"x": "1"}); err != nil {
					return err
				}
				return rejection
			case 3:
				return failure
			}
			return nil
		})
	})
	want := connectd.Attributes{"a": "1", "b": "2"}
	for i, err := range errs {
		switch i % 4 {
		case 1:
			var de *connectd.Error
			if !errors.As(err, &de) || de != rejection {
				t.Errorf("unit %d: error %v, want the rejection itself", i, err)
			}
		case 3:
			if !errors.Is(err, failure) {
				t.Errorf("unit %d: error %v, want the failure (wrapped)", i, err)
			}
		default:
			if err != nil {
				t.Errorf("unit %d: %v", i, err)
			}
			want[fmt.Sprintf("k%02d", i)] = "v"
		}
	}
	wantAttrs(t, "map after mixed units", p.attrs(t), want)
	for i := 1; i < n; i += 4 {
		id := fmt.Sprintf("ghost-k%02d", i)
		if _, err := p.svc.FindContact(p.ctx, SeedOwner(), "inst-1", id); connectd.ErrorCode(err) != connectd.ENOTFOUND {
			t.Errorf("contact %s of a rejected unit: %v, want ENOTFOUND", id, err)
		}
	}
}

// testPortViewReadOnly: a View reads what was committed and refuses to
// write.
func testPortViewReadOnly(t *testing.T, p *portFixture) {
	err := p.port.View(p.ctx, "test view", func(tx connectd.Tx) error {
		c, err := tx.FindContact(p.ctx, SeedOwner(), "inst-1", "c-1")
		if err != nil || c == nil || c.Attributes["b"] != "2" {
			t.Errorf("FindContact in a view = %v, %v", c, err)
		}
		if err := tx.SetChainMap(p.ctx, "inst-1", "c-1", connectd.Attributes{"w": "1"}, time.Time{}); err == nil {
			t.Error("SetChainMap in a view succeeded")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	wantAttrs(t, "map after a view", p.attrs(t), connectd.Attributes{"a": "1", "b": "2"})
}

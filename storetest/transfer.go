package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/connectd/connectd"
)

// transferTests cover Service.TransferContact.
var transferTests = []storeTest{
	{"JoinsTheChain", testTransferChain},
	{"ToAUser", testTransferToUser},
	{"Rules", testTransferRules},
	{"AtMost11", testTransferQuota},
	{"ClientToken", testTransferToken},
}

// transfer transfers contact id to a queue, failing the test on error.
func (f *fixture) transfer(id, newID, token string) *connectd.Contact {
	f.t.Helper()
	c, err := f.svc.TransferContact(f.ctx, f.owner, &connectd.Transfer{
		InstanceID: f.inst.ID, ContactID: id, NewID: newID, ContactFlowID: "flow", QueueID: "q2", ClientToken: token,
	})
	if err != nil {
		f.t.Fatalf("TransferContact(%s): %v", id, err)
	}
	return c
}

func testTransferChain(t *testing.T, f *fixture) {
	first := f.contact(withAttrs(connectd.Attributes{"a": "1"}), func(c *connectd.Contact) {
		c.Name, c.Description, c.QueueID = "task", "text", "q1"
		c.References, c.Tags = refs("r", "v"), map[string]string{"t": "1"}
	})
	f.clock.Advance(time.Minute)
	out := f.transfer(first.ID, "moved-1", "")
	got := f.find(out.ID)
	if got.ID != "moved-1" || got.InitialContactID != first.ID || got.PreviousContactID != first.ID ||
		got.InitiationMethod != connectd.InitiationQueueTransfer || got.Channel != connectd.ChannelTask ||
		got.QueueID != "q2" || got.Name != "task" || got.Description != "text" || !got.Active() {
		t.Fatalf("transferred contact = %+v", got)
	}
	wantNear(t, "InitiationTimestamp", got.InitiationTimestamp, f.clock.Now())
	wantAttrs(t, "Attributes", got.Attributes, connectd.Attributes{"a": "1"})
	wantRefs(t, "References", got.References, refs("r", "v"))
	wantTags(t, "Tags", got.Tags, map[string]string{"t": "1"})
	old := f.find(first.ID)
	wantNear(t, "old DisconnectTimestamp", old.DisconnectTimestamp, f.clock.Now())
	// The chain shares one map.
	f.update(first.ID, connectd.Attributes{"b": "2"})
	wantAttrs(t, "Attributes", f.find(out.ID).Attributes, connectd.Attributes{"a": "1", "b": "2"})
}

func testTransferToUser(t *testing.T, f *fixture) {
	c := f.contact(func(c *connectd.Contact) {
		c.Channel, c.InitiationMethod, c.QueueID = connectd.ChannelEmail, "OUTBOUND", "q1"
	})
	out, err := f.svc.TransferContact(f.ctx, f.owner, &connectd.Transfer{
		InstanceID: f.inst.ID, ContactID: c.ID, NewID: "to-user", ContactFlowID: "flow", UserID: "agent-1",
	})
	if err != nil {
		t.Fatalf("TransferContact: %v", err)
	}
	got := f.find(out.ID)
	if got.InitiationMethod != connectd.InitiationTransfer || got.Channel != connectd.ChannelEmail || got.QueueID != "q1" {
		t.Fatalf("transferred contact = %+v; want TRANSFER, EMAIL, queue q1 kept", got)
	}
}

func testTransferRules(t *testing.T, f *fixture) {
	try := func(id string) error {
		_, err := f.svc.TransferContact(f.ctx, f.owner, &connectd.Transfer{
			InstanceID: f.inst.ID, ContactID: id, NewID: "new-" + id, ContactFlowID: "flow",
		})
		return err
	}
	for _, ch := range []connectd.Channel{connectd.ChannelVoice, connectd.ChannelChat} {
		c := f.contact(func(c *connectd.Contact) { c.Channel = ch })
		wantCode(t, try(c.ID), connectd.EINVALIDREQUEST)
		if !f.find(c.ID).Active() {
			t.Fatalf("a refused transfer ended the %s contact", ch)
		}
	}
	ended := f.contact()
	if err := f.svc.StopContact(f.ctx, f.owner, f.inst.ID, ended.ID); err != nil {
		t.Fatal(err)
	}
	wantCode(t, try(ended.ID), connectd.EINVALIDREQUEST)
	wantCode(t, try("unknown"), connectd.ENOTFOUND)
	_, err := f.svc.FindContact(f.ctx, f.owner, f.inst.ID, "new-"+ended.ID)
	wantCode(t, err, connectd.ENOTFOUND)
}

func testTransferQuota(t *testing.T, f *fixture) {
	id := f.contact().ID
	for i := 1; i <= connectd.MaxTransfers; i++ {
		id = f.transfer(id, fmt.Sprintf("hop-%02d", i), "").ID
	}
	_, err := f.svc.TransferContact(f.ctx, f.owner, &connectd.Transfer{
		InstanceID: f.inst.ID, ContactID: id, NewID: "hop-12", ContactFlowID: "flow",
	})
	wantCode(t, err, connectd.EQUOTA)
	if !f.find(id).Active() {
		t.Fatal("a transfer over the quota ended the contact")
	}
}

func testTransferToken(t *testing.T, f *fixture) {
	c := f.contact()
	first := f.transfer(c.ID, "moved", "tok")
	// A retry answers with the first transfer's contact and creates nothing.
	again := f.transfer(c.ID, "moved-again", "tok")
	if again.ID != first.ID {
		t.Fatalf("retried transfer returned %s, want %s", again.ID, first.ID)
	}
	_, err := f.svc.FindContact(f.ctx, f.owner, f.inst.ID, "moved-again")
	wantCode(t, err, connectd.ENOTFOUND)
	// The token of another request is refused.
	other := f.contact(func(c *connectd.Contact) { c.ClientToken = "start-token" })
	_, err = f.svc.TransferContact(f.ctx, f.owner, &connectd.Transfer{
		InstanceID: f.inst.ID, ContactID: other.ID, NewID: "x", ContactFlowID: "flow", ClientToken: "tok",
	})
	wantCode(t, err, connectd.EIDEMPOTENCY)
	_, err = f.svc.TransferContact(f.ctx, f.owner, &connectd.Transfer{
		InstanceID: f.inst.ID, ContactID: other.ID, NewID: "y", ContactFlowID: "flow", ClientToken: "start-token",
	})
	wantCode(t, err, connectd.EIDEMPOTENCY)
	if !f.find(other.ID).Active() {
		t.Fatal("a refused transfer ended the contact")
	}
}

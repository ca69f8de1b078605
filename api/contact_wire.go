package api

import (
	"context"

	"github.com/connectd/connectd"
)

// wireContact is the model's Contact structure, with the members connectd
// keeps. Optional members that connectd has no value for are left out, as
// the SDKs treat a missing member as unset.
type wireContact struct {
	Arn                 string            `json:"Arn"`
	Id                  string            `json:"Id"`
	InitialContactId    string            `json:"InitialContactId,omitempty"`
	PreviousContactId   string            `json:"PreviousContactId,omitempty"`
	RelatedContactId    string            `json:"RelatedContactId,omitempty"`
	InitiationMethod    string            `json:"InitiationMethod"`
	Channel             string            `json:"Channel"`
	Name                string            `json:"Name,omitempty"`
	Description         string            `json:"Description,omitempty"`
	QueueInfo           *wireQueueInfo    `json:"QueueInfo,omitempty"`
	InitiationTimestamp *epoch            `json:"InitiationTimestamp,omitempty"`
	DisconnectTimestamp *epoch            `json:"DisconnectTimestamp,omitempty"`
	LastUpdateTimestamp *epoch            `json:"LastUpdateTimestamp,omitempty"`
	ScheduledTimestamp  *epoch            `json:"ScheduledTimestamp,omitempty"`
	Attributes          map[string]string `json:"Attributes"`
	Tags                map[string]string `json:"Tags,omitempty"`
	wireContactState
}

type wireQueueInfo struct {
	Id               string `json:"Id"`
	EnqueueTimestamp *epoch `json:"EnqueueTimestamp,omitempty"`
}

func toWireContact(owner connectd.Owner, ct *connectd.Contact) wireContact {
	w := wireContact{
		Arn: contactARN(owner, ct.InstanceID, ct.ID), Id: ct.ID, InitialContactId: ct.InitialContactID,
		PreviousContactId: ct.PreviousContactID, RelatedContactId: ct.RelatedContactID,
		InitiationMethod: string(ct.InitiationMethod), Channel: string(ct.Channel),
		Name: ct.Name, Description: ct.Description,
		InitiationTimestamp: epochOf(ct.InitiationTimestamp), DisconnectTimestamp: epochOf(ct.DisconnectTimestamp),
		LastUpdateTimestamp: epochOf(ct.LastUpdateTimestamp), ScheduledTimestamp: epochOf(ct.ScheduledTimestamp),
		Attributes: ct.Attributes, Tags: ct.Tags,
	}
	if w.Attributes == nil {
		w.Attributes = map[string]string{}
	}
	if ct.QueueID != "" {
		w.QueueInfo = &wireQueueInfo{Id: ct.QueueID, EnqueueTimestamp: epochOf(ct.EnqueueTimestamp)}
	}
	w.wireContactState = contactState(ct.State)
	return w
}

// startCommon holds the members that the Start* operations and CreateContact
// share and connectd keeps. It is embedded in each operation's input
// struct; encoding/json promotes its fields.
type startCommon struct {
	InstanceId       string
	ContactFlowId    *string
	ClientToken      *string
	RelatedContactId *string
	Attributes       map[string]string
	References       map[string]wireReference
	Name             *string
	Description      *string
}

// wireReference is the model's Reference structure (ContactReferences map).
type wireReference struct {
	Value        *string
	Type         *string
	Status       *string
	Arn          *string
	StatusReason *string
}

// newContact builds the contact that a Start* operation or CreateContact
// asks for, from the shared members.
func (s *Server) newContact(c *call, in *startCommon, ch connectd.Channel, m connectd.InitiationMethod) *connectd.Contact {
	ct := &connectd.Contact{
		InstanceID: in.InstanceId, ID: s.cfg.NewID(), Channel: ch, InitiationMethod: m,
		Attributes: in.Attributes, InitiationTimestamp: s.cfg.Clock.Now(),
	}
	ct.InitialContactID = ct.ID
	ct.RelatedContactID = deref(in.RelatedContactId)
	ct.ClientToken = deref(in.ClientToken)
	ct.Name = deref(in.Name)
	ct.Description = deref(in.Description)
	ct.LastUpdateTimestamp = ct.InitiationTimestamp
	ct.References = toReferences(in.References)
	ct.ContactFlowID = deref(in.ContactFlowId)
	return ct
}

// startContact stores the contact a Start* operation made and answers with
// its id, the whole response of StartTaskContact, StartEmailContact and
// StartOutboundVoiceContact.
func (s *Server) startContact(ctx context.Context, c *call, ct *connectd.Contact) (any, error) {
	stored, err := s.cfg.Service.CreateContact(ctx, c.owner, ct)
	if err != nil {
		return nil, err
	}
	return struct {
		ContactId string `json:"ContactId"`
	}{stored.ID}, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// contactARN is the ARN of a contact of the owner's instance instanceID: an
// ARN needs only the caller's account and region and the ids, so no handler
// reads the instance to build one.
func contactARN(owner connectd.Owner, instanceID, contactID string) string {
	return connectd.ContactARN(&connectd.Instance{ID: instanceID, Owner: owner}, contactID)
}

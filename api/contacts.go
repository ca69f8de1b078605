package api

import (
	"context"
	"slices"
	"strings"

	"github.com/connectd/connectd"
)

// contactLabels reads and checks the InstanceId and ContactId (or
// InitialContactId) labels of a contact operation's path.
func contactLabels(c *call, contactLabel string) (instanceID, contactID string, err error) {
	var v validator
	instanceID, contactID = c.labels["InstanceId"], c.labels[contactLabel]
	v.length("InstanceId", instanceID, 1, 100)
	v.length(contactLabel, contactID, 1, 256)
	return instanceID, contactID, v.err
}

func (s *Server) describeContact(ctx context.Context, c *call) (any, error) {
	instanceID, contactID, err := contactLabels(c, "ContactId")
	if err != nil {
		return nil, err
	}
	inst, err := s.cfg.Store.FindInstance(ctx, c.owner, instanceID)
	if err != nil {
		return nil, err
	}
	ct, err := s.cfg.Store.FindContact(ctx, c.owner, instanceID, contactID)
	if err != nil {
		return nil, err
	}
	return struct {
		Contact wireContact `json:"Contact"`
	}{toWireContact(inst, ct)}, nil
}

// unstoppableVoiceMethods are the initiation methods of voice contacts that
// StopContact refuses: "It does not work for voice contacts that use the
// following initiation methods: DISCONNECT, TRANSFER, QUEUE_TRANSFER,
// EXTERNAL_OUTBOUND, MONITOR" (StopContact API reference).
func unstoppableVoiceMethods() []string {
	return []string{"DISCONNECT", "TRANSFER", "QUEUE_TRANSFER", "EXTERNAL_OUTBOUND", "MONITOR"}
}

func (s *Server) stopContact(ctx context.Context, c *call) (any, error) {
	var in struct {
		ContactId        *string
		InstanceId       *string
		DisconnectReason *struct {
			Code *string
		}
	}
	if err := decodeBody(c.r.Body, &in); err != nil {
		return nil, err
	}
	var v validator
	v.reqLength("ContactId", in.ContactId, 1, 256)
	v.reqLength("InstanceId", in.InstanceId, 1, 100)
	if v.err != nil {
		return nil, v.err
	}
	ct, err := s.cfg.Store.FindContact(ctx, c.owner, *in.InstanceId, *in.ContactId)
	if err != nil {
		return nil, err
	}
	if ct.Channel == connectd.ChannelVoice && slices.Contains(unstoppableVoiceMethods(), string(ct.InitiationMethod)) {
		return nil, connectd.Errorf(connectd.EINVALIDREQUEST,
			"StopContact does not work for VOICE contacts initiated by %s.", ct.InitiationMethod)
	}
	return nil, s.cfg.Store.StopContact(ctx, c.owner, *in.InstanceId, *in.ContactId)
}

func contains(list []string, s string) bool { return slices.Contains(list, s) }

// joinOr joins values as "A, B or C".
func joinOr(values []string) string {
	if len(values) < 2 {
		return strings.Join(values, "")
	}
	return strings.Join(values[:len(values)-1], ", ") + " or " + values[len(values)-1]
}

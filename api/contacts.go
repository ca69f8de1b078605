package api

import (
	"context"
	"slices"
	"strings"

	"github.com/connectd/connectd"
)

// contactInput is the input of the operations that name a contact and
// nothing else (DescribeContact; StopContact, whose DisconnectReason
// connectd does not keep).
type contactInput struct{ InstanceId, ContactId string }

func (s *Server) describeContact(ctx context.Context, c *call, in *contactInput) (any, error) {
	inst, err := s.cfg.Store.FindInstance(ctx, c.owner, in.InstanceId)
	if err != nil {
		return nil, err
	}
	ct, err := s.cfg.Store.FindContact(ctx, c.owner, in.InstanceId, in.ContactId)
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

func (s *Server) stopContact(ctx context.Context, c *call, in *contactInput) (any, error) {
	ct, err := s.cfg.Store.FindContact(ctx, c.owner, in.InstanceId, in.ContactId)
	if err != nil {
		return nil, err
	}
	if ct.Channel == connectd.ChannelVoice && slices.Contains(unstoppableVoiceMethods(), string(ct.InitiationMethod)) {
		return nil, connectd.Errorf(connectd.EINVALIDREQUEST,
			"StopContact does not work for VOICE contacts initiated by %s.", ct.InitiationMethod)
	}
	return nil, s.cfg.Store.StopContact(ctx, c.owner, in.InstanceId, in.ContactId)
}

func contains(list []string, s string) bool { return slices.Contains(list, s) }

// joinOr joins values as "A, B or C".
func joinOr(values []string) string {
	if len(values) < 2 {
		return strings.Join(values, "")
	}
	return strings.Join(values[:len(values)-1], ", ") + " or " + values[len(values)-1]
}

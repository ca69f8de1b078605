package api

import (
	"context"
	"slices"

	"github.com/connectd/connectd"
)

// startOutboundChatContactInput is StartOutboundChatContact's request.
// connectd sends no SMS or WhatsApp message: the endpoints, segment
// attributes and messages are checked against the model and not kept.
type startOutboundChatContactInput struct {
	startCommon
	SupportedMessagingContentTypes []string
}

// startOutboundChatContact starts a CHAT contact initiated OUTBOUND, with
// attributes, RelatedContactId and ClientToken as StartChatContact has them.
func (s *Server) startOutboundChatContact(ctx context.Context, c *call, in *startOutboundChatContactInput) (any, error) {
	// "Content types must always contain text/plain", as for StartChatContact.
	if in.SupportedMessagingContentTypes != nil && !slices.Contains(in.SupportedMessagingContentTypes, "text/plain") {
		return nil, connectd.Errorf(connectd.EINVALIDREQUEST, "Member SupportedMessagingContentTypes must contain text/plain.")
	}
	ct := s.newContact(c, &in.startCommon, connectd.ChannelChat, connectd.InitiationOutbound)
	return s.startContact(ctx, c, ct)
}

type startOutboundEmailContactInput struct {
	InstanceId, ContactId string
	ClientToken           *string
}

// startOutboundEmailContact sends the email of a contact CreateContact
// made; connectd delivers no mail, so it records the send.
func (s *Server) startOutboundEmailContact(ctx context.Context, c *call, in *startOutboundEmailContactInput) (any, error) {
	ct, err := s.cfg.Service.StartOutboundEmailContact(ctx, c.owner, in.InstanceId, in.ContactId, deref(in.ClientToken))
	if err != nil {
		return nil, err
	}
	return struct {
		ContactId string `json:"ContactId"`
	}{ct.ID}, nil
}

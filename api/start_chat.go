package api

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"slices"

	"github.com/connectd/connectd"
)

func (s *Server) startChatContact(ctx context.Context, c *call) (any, error) {
	var in struct {
		startCommon
		ContactFlowId      *string
		ParticipantDetails *struct {
			DisplayName *string
		}
		ParticipantConfiguration *struct {
			ResponseMode *string
		}
		InitialMessage *struct {
			ContentType *string
			Content     *string
		}
		ChatDurationInMinutes          *int64
		SupportedMessagingContentTypes []string
		PersistentChat                 *struct {
			RehydrationType *string
			SourceContactId *string
		}
		CustomerId               *string
		DisconnectOnCustomerExit []string
	}
	if err := decodeBody(c.r.Body, &in); err != nil {
		return nil, err
	}
	var v validator
	s.checkCommon(&v, &in.startCommon)
	v.reqLength("ContactFlowId", in.ContactFlowId, 0, 500)
	v.required("ParticipantDetails", in.ParticipantDetails != nil)
	if in.ParticipantDetails != nil {
		v.reqLength("ParticipantDetails.DisplayName", in.ParticipantDetails.DisplayName, 1, 256)
	}
	if in.ParticipantConfiguration != nil {
		v.optOneOf("ParticipantConfiguration.ResponseMode", in.ParticipantConfiguration.ResponseMode, "INCREMENTAL", "COMPLETE")
	}
	if m := in.InitialMessage; m != nil {
		v.reqLength("InitialMessage.ContentType", m.ContentType, 1, 100)
		v.reqLength("InitialMessage.Content", m.Content, 1, 16384)
	}
	v.rangeInt("ChatDurationInMinutes", in.ChatDurationInMinutes, 60, 10080)
	for _, t := range in.SupportedMessagingContentTypes {
		v.length("SupportedMessagingContentTypes item", t, 1, 100)
	}
	// "Content types must always contain text/plain."
	if in.SupportedMessagingContentTypes != nil && !slices.Contains(in.SupportedMessagingContentTypes, "text/plain") {
		v.fail("Member SupportedMessagingContentTypes must contain text/plain.")
	}
	if p := in.PersistentChat; p != nil {
		v.optOneOf("PersistentChat.RehydrationType", p.RehydrationType, "ENTIRE_PAST_SESSION", "FROM_SEGMENT")
		v.optLength("PersistentChat.SourceContactId", p.SourceContactId, 1, 256)
	}
	v.optLength("CustomerId", in.CustomerId, 1, 128)
	if in.DisconnectOnCustomerExit != nil {
		if len(in.DisconnectOnCustomerExit) != 1 {
			v.fail("Member DisconnectOnCustomerExit must have exactly 1 item; it has %d.", len(in.DisconnectOnCustomerExit))
		} else {
			v.oneOf("DisconnectOnCustomerExit item", in.DisconnectOnCustomerExit[0], "AGENT")
		}
	}
	// "You cannot provide data for both RelatedContactId and PersistentChat."
	if in.RelatedContactId != nil && in.PersistentChat != nil {
		v.failRequest("You cannot provide both RelatedContactId and PersistentChat.")
	}
	if v.err != nil {
		return nil, v.err
	}
	ct := s.newContact(c, &in.startCommon, connectd.ChannelChat, connectd.InitiationAPI)
	continued := ""
	if p := in.PersistentChat; p != nil && p.SourceContactId != nil {
		// A persistent chat continues an earlier chat, reported back as
		// ContinuedFromContactId (the service checks that it exists).
		continued = *p.SourceContactId
	}
	stored, err := s.cfg.Service.StartChatContact(ctx, c.owner, ct, continued)
	if err != nil {
		return nil, err
	}
	return struct {
		ContactId              string `json:"ContactId"`
		ParticipantId          string `json:"ParticipantId"`
		ParticipantToken       string `json:"ParticipantToken"`
		ContinuedFromContactId string `json:"ContinuedFromContactId,omitempty"`
	}{stored.ID, s.cfg.NewID(), participantToken(), continued}, nil
}

// participantToken returns a fresh opaque token for the chat participant
// (the model allows 1..1000 characters). connectd has no participant
// service, so nothing accepts it yet; it only has to look like one.
func participantToken() string {
	b := make([]byte, 96)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

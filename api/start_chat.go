package api

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"slices"

	"github.com/connectd/connectd"
)

type startChatContactInput struct {
	startCommon
	SupportedMessagingContentTypes []string
	PersistentChat                 *struct {
		SourceContactId *string
	}
}

func (s *Server) startChatContact(ctx context.Context, c *call, in *startChatContactInput) (any, error) {
	var v validator
	// "Content types must always contain text/plain."
	if in.SupportedMessagingContentTypes != nil && !slices.Contains(in.SupportedMessagingContentTypes, "text/plain") {
		v.fail("Member SupportedMessagingContentTypes must contain text/plain.")
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

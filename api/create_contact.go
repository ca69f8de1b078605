package api

import (
	"context"

	"github.com/connectd/connectd"
)

// createContactMethods are the channel and initiation-method pairs that
// CreateContact supports. The model's enums allow more, but its
// documentation says: "Only the VOICE, EMAIL, and TASK channels are
// supported. For VOICE: ... TRANSFER ... For EMAIL: OUTBOUND, AGENT_REPLY,
// and FLOW ... For TASK: API."
func createContactMethods(ch connectd.Channel) []string {
	switch ch {
	case connectd.ChannelVoice:
		return []string{"TRANSFER"}
	case connectd.ChannelEmail:
		return []string{"OUTBOUND", "AGENT_REPLY", "FLOW"}
	case connectd.ChannelTask:
		return []string{"API"}
	}
	return nil
}

type createContactInput struct {
	startCommon
	Channel, InitiationMethod string
	UserInfo                  *struct {
		UserId *string
	}
	InitiateAs        *string
	PreviousContactId *string
}

func (s *Server) createContact(ctx context.Context, c *call, in *createContactInput) (any, error) {
	var v validator
	ch, method := connectd.Channel(in.Channel), in.InitiationMethod
	allowed := createContactMethods(ch)
	switch {
	case allowed == nil:
		v.failRequest("CreateContact does not support the %s channel; use VOICE, EMAIL or TASK.", ch)
	case !contains(allowed, method):
		v.failRequest("CreateContact supports InitiationMethod %s for the %s channel; got %s.", joinOr(allowed), ch, method)
	case ch == connectd.ChannelEmail && method != "FLOW" && (in.UserInfo == nil || in.UserInfo.UserId == nil):
		// "UserInfo is required when creating an EMAIL contact with OUTBOUND
		// and AGENT_REPLY contact initiation methods."
		v.failRequest("UserInfo is required for EMAIL contacts initiated by %s.", method)
	case deref(in.InitiateAs) == "COMPLETED" && ch != connectd.ChannelTask:
		v.failRequest("Only TASK contacts can be initiated as COMPLETED.")
	case in.PreviousContactId != nil && ch != connectd.ChannelVoice:
		// "This value can be provided only for external audio contacts."
		v.failRequest("PreviousContactId can be given only for VOICE (external audio) contacts.")
	}
	if v.err != nil {
		return nil, v.err
	}
	ct := s.newContact(c, &in.startCommon, ch, connectd.InitiationMethod(method))
	ct.PreviousContactID = deref(in.PreviousContactId)
	if deref(in.InitiateAs) == "COMPLETED" {
		ct.DisconnectTimestamp = ct.InitiationTimestamp
	}
	stored, err := s.cfg.Service.CreateContact(ctx, c.owner, ct)
	if err != nil {
		return nil, err
	}
	return struct {
		ContactId  string `json:"ContactId"`
		ContactArn string `json:"ContactArn"`
	}{stored.ID, contactARN(c.owner, stored.InstanceID, stored.ID)}, nil
}

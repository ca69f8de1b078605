package connectd

import (
	"context"
	"slices"
)

// outboundEmailMethods are the initiation methods of the email contacts
// StartOutboundEmailContact sends: "an agent reply or outbound email
// contact (created from the CreateContact API)".
func outboundEmailMethods() []InitiationMethod {
	return []InitiationMethod{InitiationOutbound, "AGENT_REPLY"}
}

// StartOutboundEmailContact sends the email of contactID, an active EMAIL
// contact created by CreateContact as OUTBOUND or AGENT_REPLY, and returns
// it. ENOTFOUND for an unknown contact; EINVALIDREQUEST for another kind of
// contact, an ended one, or one already sent with another ClientToken. A
// retry with the token of the first send answers as the first did
// (idempotency by ClientToken), without sending again.
func (s *Service) StartOutboundEmailContact(ctx context.Context, owner Owner, instanceID, contactID, token string) (*Contact, error) {
	var out *Contact
	err := s.port.Update(ctx, "start outbound email contact", func(tx Tx) error {
		c, err := lock(ctx, tx, owner, instanceID, contactID)
		if err != nil {
			return err
		}
		out = c
		switch {
		case c.Channel != ChannelEmail || !slices.Contains(outboundEmailMethods(), c.InitiationMethod):
			return Errorf(EINVALIDREQUEST, "Contact %s is a %s contact initiated by %s; StartOutboundEmailContact sends EMAIL contacts "+
				"that CreateContact created as OUTBOUND or AGENT_REPLY.", contactID, c.Channel, c.InitiationMethod)
		case !c.Active():
			return Errorf(EINVALIDREQUEST, "Contact %s has ended.", contactID)
		}
		st, err := tx.ContactState(ctx, instanceID, contactID)
		if err != nil {
			return err
		}
		if st == nil {
			st = &ContactState{}
		}
		if !st.EmailSentAt.IsZero() {
			if token != "" && token == st.EmailSentToken {
				return nil // a retry of the send
			}
			return Errorf(EINVALIDREQUEST, "The email of contact %s has already been sent.", contactID)
		}
		st.EmailSentAt, st.EmailSentToken = s.now(), token
		if err := tx.SaveContactState(ctx, instanceID, contactID, st); err != nil {
			return err
		}
		return tx.SetNames(ctx, instanceID, contactID, nil, nil, st.EmailSentAt)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

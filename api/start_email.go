package api

import (
	"context"

	"github.com/connectd/connectd"
)

// startEmailContact serves StartEmailContact (PUT /contact/email): "Creates
// an inbound email contact", so an EMAIL contact initiated by INBOUND.
// connectd keeps no message, recipients or attachments; op checks them
// against the model (and EmailMessage.RawMessage, which the model leaves
// optional, is required: see model/patch.json). The model has no
// InvalidParameterException here, so bad members are
// InvalidRequestException (see toException).
func (s *Server) startEmailContact(ctx context.Context, c *call, in *startCommon) (any, error) {
	ct := s.newContact(c, in, connectd.ChannelEmail, connectd.InitiationInbound)
	return s.startContact(ctx, c, ct)
}

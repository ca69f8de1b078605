package api

import (
	"context"

	"github.com/connectd/connectd"
)

// transferContact serves TransferContact (POST /contact/transfer). The old
// contact ends and a new one continues its chain: same InitialContactId,
// PreviousContactId the old one, TRANSFER to a user (UserId) or
// QUEUE_TRANSFER otherwise. The store applies the documented rules (TASK
// and EMAIL only, active contacts only, at most 11 transfers).
//
// The model has no InvalidParameterException for this operation, so every
// bad member is an InvalidRequestException (see toException).
type transferContactInput struct {
	InstanceId, ContactId, ContactFlowId string
	QueueId, UserId, ClientToken         *string
}

func (s *Server) transferContact(ctx context.Context, c *call, in *transferContactInput) (any, error) {
	// "Do not use both QueueId and UserId in the same call."
	if in.QueueId != nil && in.UserId != nil {
		return nil, connectd.Errorf(connectd.EINVALIDREQUEST, "Do not use both QueueId and UserId in the same call.")
	}
	t := &connectd.Transfer{
		InstanceID: in.InstanceId, ContactID: in.ContactId, NewID: s.cfg.NewID(),
		ContactFlowID: in.ContactFlowId, QueueID: deref(in.QueueId), UserID: deref(in.UserId),
		ClientToken: deref(in.ClientToken),
	}
	out, err := s.cfg.Service.TransferContact(ctx, c.owner, t)
	if err != nil {
		return nil, err
	}
	return struct {
		ContactId  string `json:"ContactId"`
		ContactArn string `json:"ContactArn"`
	}{out.ID, contactARN(c.owner, t.InstanceID, out.ID)}, nil
}

package api

import (
	"context"

	"github.com/connectd/connectd"
)

// updateContact serves UpdateContact (POST /contacts/{InstanceId}/{ContactId}):
// "Adds or updates user-defined contact information ... At least one field
// to be updated must be present in the request ... for both ongoing and
// completed contacts." It sets Name and Description and merges References
// by name; it never touches the user-defined Attributes. The members it
// does not keep are checked against the model and held only to know they
// were sent.
type updateContactInput struct {
	InstanceId, ContactId string
	Name                  *string
	Description           *string
	References            map[string]wireReference
	SegmentAttributes     map[string]any
	QueueInfo             any
	UserInfo              any
	CustomerEndpoint      any
	SystemEndpoint        any
}

func (s *Server) updateContact(ctx context.Context, c *call, in *updateContactInput) (any, error) {
	audio := in.QueueInfo != nil || in.UserInfo != nil || in.CustomerEndpoint != nil || in.SystemEndpoint != nil
	if in.Name == nil && in.Description == nil && in.References == nil && in.SegmentAttributes == nil && !audio {
		return nil, connectd.Errorf(connectd.EINVALIDREQUEST, "At least one field to be updated must be present in the request.")
	}
	u := &connectd.ContactUpdate{Name: in.Name, Description: in.Description, References: toReferences(in.References),
		Audio: audio}
	return nil, s.cfg.Service.UpdateContact(ctx, c.owner, in.InstanceId, in.ContactId, u)
}

// toReferences converts validated wire references to the domain's.
func toReferences(refs map[string]wireReference) map[string]connectd.Reference {
	if len(refs) == 0 {
		return nil
	}
	out := make(map[string]connectd.Reference, len(refs))
	for k, r := range refs {
		out[k] = connectd.Reference{Type: deref(r.Type), Value: deref(r.Value), Status: deref(r.Status),
			Arn: deref(r.Arn), StatusReason: deref(r.StatusReason)}
	}
	return out
}

package api

import (
	"context"

	"github.com/connectd/connectd"
)

// wireEndpoint is the model's Endpoint structure.
type wireEndpoint struct {
	Type    *string
	Address *string
}

// endpointTypes are the model's EndpointType values.
func endpointTypes() []string {
	return []string{"TELEPHONE_NUMBER", "VOIP", "CONTACT_FLOW", "CONNECT_PHONENUMBER_ARN", "EMAIL_ADDRESS"}
}

// updateContact serves UpdateContact (POST /contacts/{InstanceId}/{ContactId}):
// "Adds or updates user-defined contact information ... At least one field
// to be updated must be present in the request ... for both ongoing and
// completed contacts." It sets Name and Description and merges References
// by name; it never touches the user-defined Attributes.
func (s *Server) updateContact(ctx context.Context, c *call) (any, error) {
	instanceID, contactID, err := contactLabels(c, "ContactId")
	if err != nil {
		return nil, err
	}
	var in struct {
		Name              *string
		Description       *string
		References        map[string]wireReference
		SegmentAttributes map[string]segmentValue
		QueueInfo         *struct{ Id *string }
		UserInfo          *struct{ UserId *string }
		CustomerEndpoint  *wireEndpoint
		SystemEndpoint    *wireEndpoint
	}
	if err := decodeBody(c.r.Body, &in); err != nil {
		return nil, err
	}
	var v validator
	// The members UpdateContact shares with the Start* operations have the
	// same shapes and limits.
	s.checkCommon(&v, &startCommon{InstanceId: &instanceID, Name: in.Name, Description: in.Description,
		References: in.References, SegmentAttributes: in.SegmentAttributes})
	if in.UserInfo != nil {
		v.optLength("UserInfo.UserId", in.UserInfo.UserId, 1, 256)
	}
	for i, e := range []*wireEndpoint{in.CustomerEndpoint, in.SystemEndpoint} {
		if name := [...]string{"CustomerEndpoint", "SystemEndpoint"}[i]; e != nil {
			v.optOneOf(name+".Type", e.Type, endpointTypes()...)
			v.optLength(name+".Address", e.Address, 0, 256)
		}
	}
	if v.err != nil {
		return nil, v.err
	}
	audio := in.QueueInfo != nil || in.UserInfo != nil || in.CustomerEndpoint != nil || in.SystemEndpoint != nil
	if in.Name == nil && in.Description == nil && in.References == nil && in.SegmentAttributes == nil && !audio {
		return nil, connectd.Errorf(connectd.EINVALIDREQUEST, "At least one field to be updated must be present in the request.")
	}
	u := &connectd.ContactUpdate{Name: in.Name, Description: in.Description, References: toReferences(in.References),
		Audio: audio}
	return nil, s.cfg.Service.UpdateContact(ctx, c.owner, instanceID, contactID, u)
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

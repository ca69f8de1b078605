package api

import (
	"context"
	"slices"
	"strings"
)

// contactLabels reads and checks the InstanceId and ContactId (or
// InitialContactId) labels of a contact operation's path.
func contactLabels(c *call, contactLabel string) (instanceID, contactID string, err error) {
	var v validator
	instanceID, contactID = c.labels["InstanceId"], c.labels[contactLabel]
	v.length("InstanceId", instanceID, 1, 100)
	v.length(contactLabel, contactID, 1, 256)
	return instanceID, contactID, v.err
}

func (s *Server) describeContact(ctx context.Context, c *call) (any, error) {
	instanceID, contactID, err := contactLabels(c, "ContactId")
	if err != nil {
		return nil, err
	}
	ct, err := s.cfg.Service.FindContact(ctx, c.owner, instanceID, contactID)
	if err != nil {
		return nil, err
	}
	return struct {
		Contact wireContact `json:"Contact"`
	}{toWireContact(c.owner, ct)}, nil
}

func (s *Server) stopContact(ctx context.Context, c *call) (any, error) {
	var in struct {
		ContactId        *string
		InstanceId       *string
		DisconnectReason *struct {
			Code *string
		}
	}
	if err := decodeBody(c.r.Body, &in); err != nil {
		return nil, err
	}
	var v validator
	v.reqLength("ContactId", in.ContactId, 1, 256)
	v.reqLength("InstanceId", in.InstanceId, 1, 100)
	if v.err != nil {
		return nil, v.err
	}
	return nil, s.cfg.Service.StopContact(ctx, c.owner, *in.InstanceId, *in.ContactId)
}

func contains(list []string, s string) bool { return slices.Contains(list, s) }

// joinOr joins values as "A, B or C".
func joinOr(values []string) string {
	if len(values) < 2 {
		return strings.Join(values, "")
	}
	return strings.Join(values[:len(values)-1], ", ") + " or " + values[len(values)-1]
}

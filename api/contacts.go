package api

import (
	"context"
	"slices"
	"strings"
)

// contactInput is the input of the operations that name a contact and
// nothing else (DescribeContact; StopContact, whose DisconnectReason
// connectd does not keep).
type contactInput struct{ InstanceId, ContactId string }

func (s *Server) describeContact(ctx context.Context, c *call, in *contactInput) (any, error) {
	ct, err := s.cfg.Service.FindContact(ctx, c.owner, in.InstanceId, in.ContactId)
	if err != nil {
		return nil, err
	}
	return struct {
		Contact wireContact `json:"Contact"`
	}{toWireContact(c.owner, ct)}, nil
}

func (s *Server) stopContact(ctx context.Context, c *call, in *contactInput) (any, error) {
	return nil, s.cfg.Service.StopContact(ctx, c.owner, in.InstanceId, in.ContactId)
}

func contains(list []string, s string) bool { return slices.Contains(list, s) }

// joinOr joins values as "A, B or C".
func joinOr(values []string) string {
	if len(values) < 2 {
		return strings.Join(values, "")
	}
	return strings.Join(values[:len(values)-1], ", ") + " or " + values[len(values)-1]
}

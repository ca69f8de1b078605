package api

import (
	"context"
)

type updateContactAttributesInput struct {
	InitialContactId, InstanceId string
	// A missing map and JSON null are refused (Attributes is required);
	// {} is an empty map and a successful no-op.
	Attributes map[string]string
}

func (s *Server) updateContactAttributes(ctx context.Context, c *call, in *updateContactAttributesInput) (any, error) {
	return nil, s.cfg.Service.UpdateAttributes(ctx, c.owner, in.InstanceId, in.InitialContactId, in.Attributes)
}

type getContactAttributesInput struct{ InstanceId, InitialContactId string }

func (s *Server) getContactAttributes(ctx context.Context, c *call, in *getContactAttributesInput) (any, error) {
	attrs, err := s.cfg.Service.GetAttributes(ctx, c.owner, in.InstanceId, in.InitialContactId)
	if err != nil {
		return nil, err
	}
	if attrs == nil {
		attrs = map[string]string{}
	}
	return attributesOutput{attrs}, nil
}

package api

import (
	"context"
)

func (s *Server) updateContactAttributes(ctx context.Context, c *call) (any, error) {
	var in struct {
		InitialContactId *string
		InstanceId       *string
		Attributes       map[string]string
	}
	if err := decodeBody(c.r.Body, &in); err != nil {
		return nil, err
	}
	var v validator
	v.reqLength("InitialContactId", in.InitialContactId, 1, 256)
	v.reqLength("InstanceId", in.InstanceId, 1, 100)
	// A missing map and JSON null both decode to nil; {} is an empty,
	// non-nil map and is a successful no-op.
	v.required("Attributes", in.Attributes != nil)
	v.attributes("Attributes", in.Attributes)
	if v.err != nil {
		return nil, v.err
	}
	return nil, s.cfg.Service.UpdateAttributes(ctx, c.owner, *in.InstanceId, *in.InitialContactId, in.Attributes)
}

func (s *Server) getContactAttributes(ctx context.Context, c *call) (any, error) {
	instanceID, contactID, err := contactLabels(c, "InitialContactId")
	if err != nil {
		return nil, err
	}
	attrs, err := s.cfg.Service.GetAttributes(ctx, c.owner, instanceID, contactID)
	if err != nil {
		return nil, err
	}
	if attrs == nil {
		attrs = map[string]string{}
	}
	return struct {
		Attributes map[string]string `json:"Attributes"`
	}{attrs}, nil
}

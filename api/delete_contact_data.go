package api

import "context"

type deleteContactDataInput struct {
	InstanceId, ContactId string
	ContactFields         []string
}

// deleteContactData serves DeleteContactData, an operation of the
// 2026-08-07 model that the Go SDK connectd tests with does not have yet.
func (s *Server) deleteContactData(ctx context.Context, c *call, in *deleteContactDataInput) (any, error) {
	return struct{}{}, s.cfg.Service.DeleteContactData(ctx, c.owner, in.InstanceId, in.ContactId, in.ContactFields)
}

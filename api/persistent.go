package api

import "context"

type createPersistentContactAssociationInput struct {
	InstanceId, InitialContactId     string
	RehydrationType, SourceContactId string
	ClientToken                      *string
}

// createPersistentContactAssociation serves
// CreatePersistentContactAssociation. connectd keeps no transcripts; it
// records which past contact the chat continues and answers with it.
func (s *Server) createPersistentContactAssociation(ctx context.Context, c *call, in *createPersistentContactAssociationInput) (any, error) {
	continued, err := s.cfg.Service.CreatePersistentContactAssociation(ctx, c.owner, in.InstanceId, in.InitialContactId,
		in.SourceContactId, in.RehydrationType)
	if err != nil {
		return nil, err
	}
	return struct {
		ContinuedFromContactId string `json:"ContinuedFromContactId"`
	}{continued}, nil
}

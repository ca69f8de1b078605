package api

import (
	"context"
)

type tagContactInput struct {
	ContactId, InstanceId string
	Tags                  map[string]string
}

// tagContact serves TagContact (POST /contact/tags): the tags are added to
// the contact's, replacing those with the same key. ContactTagMap allows 1
// to 6 entries, and a contact's Tags (DescribeContact) at most 6 as well,
// so a result over 6 is InvalidParameterException and changes nothing
// (the store's rule).
func (s *Server) tagContact(ctx context.Context, c *call, in *tagContactInput) (any, error) {
	return nil, s.cfg.Service.TagContact(ctx, c.owner, in.InstanceId, in.ContactId, in.Tags)
}

type untagContactInput struct {
	ContactId, InstanceId string
	TagKeys               []string
}

// untagContact serves UntagContact (DELETE
// /contact/tags/{InstanceId}/{ContactId}?TagKeys=a&TagKeys=b). Keys the
// contact does not have are ignored, as UntagResource does.
func (s *Server) untagContact(ctx context.Context, c *call, in *untagContactInput) (any, error) {
	return nil, s.cfg.Service.UntagContact(ctx, c.owner, in.InstanceId, in.ContactId, in.TagKeys)
}

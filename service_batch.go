package connectd

import "context"

// BatchResult is the outcome of one item of BatchPutContact: the contact
// created (or, for a retried batch, found by its ClientToken), or the
// domain error that refused it.
type BatchResult struct {
	Contact *Contact
	Err     error
}

// BatchPutContact creates each of contacts in the owner's instance as
// CreateContact does, each in its own unit of work, and returns one result
// per item, in order: an item's failure does not undo the others (the
// model answers with per-item success and failure lists). ENOTFOUND for an
// unknown instance, before any item.
func (s *Service) BatchPutContact(ctx context.Context, owner Owner, instanceID string, contacts []*Contact) ([]BatchResult, error) {
	if _, err := s.FindInstance(ctx, owner, instanceID); err != nil {
		return nil, err
	}
	out := make([]BatchResult, len(contacts))
	for i, c := range contacts {
		out[i].Contact, out[i].Err = s.CreateContact(ctx, owner, c)
	}
	return out, nil
}

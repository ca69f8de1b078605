package connectd

import (
	"context"
	"encoding/base64"
	"slices"
)

// MaxAssociatedContacts is the largest page of ListAssociatedContacts (the
// model's ListAssociatedContactsRequestMaxResults is 1 to 100), and the
// page size when none is asked for.
const MaxAssociatedContacts = 100

// AssociatedPage is one page of a chain's contacts.
type AssociatedPage struct {
	Contacts  []*Contact
	NextToken string // "" on the last page
}

// ListAssociatedContacts returns one page of the live contacts of the chain
// of contactID (any member of it), by InitiationTimestamp and then id.
// ENOTFOUND for an unknown instance or contact; EINVALID for a NextToken
// that names no contact of the chain. A NextToken is the last id of the
// previous page, so a page after a member that expired meanwhile fails
// rather than repeating or skipping contacts silently.
func (s *Service) ListAssociatedContacts(ctx context.Context, owner Owner, instanceID, contactID string, limit int, token string) (*AssociatedPage, error) {
	if limit < 1 || limit > MaxAssociatedContacts {
		limit = MaxAssociatedContacts
	}
	var page *AssociatedPage
	err := s.port.View(ctx, "list associated contacts", func(tx Tx) error {
		initial, _, found, err := tx.ChainOf(ctx, owner, instanceID, contactID)
		if err != nil {
			return err
		}
		if !found {
			return missing(ctx, tx, owner, instanceID, contactID, "Contact")
		}
		all, err := tx.ChainContacts(ctx, instanceID, initial)
		if err != nil {
			return err
		}
		from := 0
		if token != "" {
			raw, err := base64.RawURLEncoding.DecodeString(token)
			i := slices.IndexFunc(all, func(c *Contact) bool { return string(raw) == "a1:"+c.ID })
			if err != nil || i < 0 {
				return Errorf(EINVALID, "The NextToken is not valid for this contact's chain.")
			}
			from = i + 1
		}
		page = &AssociatedPage{Contacts: all[from:min(from+limit, len(all))]}
		if from+limit < len(all) {
			page.NextToken = base64.RawURLEncoding.EncodeToString([]byte("a1:" + page.Contacts[len(page.Contacts)-1].ID))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return page, nil
}

package connectd

import "context"

// SearchContacts returns one page of the live contacts of the owner's
// instance q.InstanceID that match q, in q.Sort order, paging by keyset on
// (sort key, Id) behind a sealed NextToken. ENOTFOUND for an unknown
// instance; EINVALID for a criterion on a key that is not searchable in
// the instance, or a NextToken that was not issued for the same owner,
// instance and query. The count and the page come from one unit of work.
func (s *Service) SearchContacts(ctx context.Context, owner Owner, q *SearchQuery) (*SearchPage, error) {
	var page *SearchPage
	err := s.port.View(ctx, "search contacts", func(tx Tx) error {
		keys, secret, found, err := tx.SearchSettings(ctx, owner, q.InstanceID)
		if err != nil {
			return err
		}
		if !found {
			return instanceNotFound(q.InstanceID)
		}
		if err := q.CheckSearchable(keys); err != nil {
			return err
		}
		cur, err := OpenSearchToken(secret, owner, q)
		if err != nil {
			return err
		}
		limit := q.Limit
		if limit < 1 || limit > MaxSearchResults {
			limit = MaxSearchResults
		}
		// One more than the page tells whether there is a next one.
		contacts, total, err := tx.SearchContacts(ctx, q, cur, limit+1)
		if err != nil {
			return err
		}
		page = &SearchPage{Contacts: contacts, TotalCount: total}
		if page.Contacts == nil {
			page.Contacts = []*Contact{}
		}
		if len(page.Contacts) > limit {
			page.Contacts = page.Contacts[:limit]
			last := page.Contacts[limit-1]
			num, str := SortKey(last, q.Sort)
			page.NextToken, err = SealSearchToken(secret, owner, q, SearchCursor{Num: num, Str: str, ID: last.ID})
			if err != nil {
				return err
			}
		}
		// Every ContactSearchSummary carries the contact's Tags.
		for _, c := range page.Contacts {
			if err := tx.LoadDetails(ctx, c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return page, nil
}

// SearchableKeys returns the keys the instance id (of any owner) lets
// searches use; nil means every key. ENOTFOUND for an unknown instance.
func (s *Service) SearchableKeys(ctx context.Context, instanceID string) ([]string, error) {
	var keys []string
	err := s.port.View(ctx, "searchable keys", func(tx Tx) error {
		var found bool
		var err error
		if keys, found, err = tx.SearchableKeys(ctx, instanceID); err == nil && !found {
			err = instanceNotFound(instanceID)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return keys, nil
}

// SetSearchableKeys restricts searches in the instance id (of any owner)
// to keys; nil or empty allows every key again. ENOTFOUND for an unknown
// instance.
func (s *Service) SetSearchableKeys(ctx context.Context, instanceID string, keys []string) error {
	return s.port.Update(ctx, "set searchable keys", func(tx Tx) error {
		found, err := tx.SetSearchableKeys(ctx, instanceID, keys)
		if err == nil && !found {
			err = instanceNotFound(instanceID)
		}
		return err
	})
}

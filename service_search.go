package connectd

import "context"

// SearchContacts returns one page of the live contacts of the owner's
// instance q.InstanceID that match q, in q.Sort order, paging by keyset on
// (sort key, Id) behind a sealed NextToken. ENOTFOUND for an unknown
// instance; EINVALID for a criterion on a key that is not searchable in
// the instance, or a NextToken that was not issued for the same owner,
// instance and query. The count and the page come from one unit of work.
//
// The first search that names a key the instance's search index does not
// hold registers it (search_index.go) in a unit of work of its own, and
// then searches: until the backfill has made the key ready, the store
// matches the chain maps themselves, so past contacts are found at once.
func (s *Service) SearchContacts(ctx context.Context, owner Owner, q *SearchQuery) (*SearchPage, error) {
	page, missing, err := s.searchOnce(ctx, owner, q)
	if err != nil || missing == nil {
		return page, err
	}
	if err := s.registerSearchKeys(ctx, q.InstanceID, missing); err != nil {
		return nil, err
	}
	page, missing, err = s.searchOnce(ctx, owner, q)
	if err == nil && missing != nil {
		// Only a concurrent DeleteInstance unregisters keys.
		err = instanceNotFound(q.InstanceID)
	}
	return page, err
}

// searchOnce is SearchContacts in one View; when a key of q is not
// registered in the search index and the instance may register more
// (MaxSearchRegisteredKeys), it returns the keys of q instead, to register.
// Past the bound, keys that are not registered are matched in the maps.
func (s *Service) searchOnce(ctx context.Context, owner Owner, q *SearchQuery) (page *SearchPage, missing []string, err error) {
	err = s.port.View(ctx, "search contacts", func(tx Tx) error {
		page, missing = nil, nil
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
		sq := q
		if named := criteriaKeys(q); named != nil {
			registered, err := tx.IndexedKeys(ctx, q.InstanceID, named)
			if err != nil {
				return err
			}
			var ok bool
			if sq, ok = indexedQuery(q, registered); !ok {
				n, err := tx.CountIndexedKeys(ctx, q.InstanceID)
				if err != nil {
					return err
				}
				if n+len(named)-len(registered) <= MaxSearchRegisteredKeys {
					missing = named
					return nil
				}
			}
		}
		limit := q.Limit
		if limit < 1 || limit > MaxSearchResults {
			limit = MaxSearchResults
		}
		// One more than the page tells whether there is a next one.
		contacts, total, err := tx.SearchContacts(ctx, sq, cur, limit+1)
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
		// Every ContactSearchSummary carries the contact's Tags, which
		// the store has read with the page (one query, not one a contact).
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return page, missing, nil
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
//
// The keys are indexed from then on (search_index.go): from the first
// write, in an instance without contacts; after the backfill, in one with.
func (s *Service) SetSearchableKeys(ctx context.Context, instanceID string, keys []string) error {
	err := s.port.Update(ctx, "set searchable keys", func(tx Tx) error {
		found, err := tx.SetSearchableKeys(ctx, instanceID, keys)
		if err == nil && !found {
			err = instanceNotFound(instanceID)
		}
		if err == nil && len(keys) > 0 {
			err = tx.RegisterIndexedKeys(ctx, instanceID, keys)
		}
		return err
	})
	if err == nil && len(keys) > 0 {
		s.kickBackfill()
	}
	return err
}

// exportSearchableKeys returns the searchable keys of the instances that
// restrict them, by instance id.
func exportSearchableKeys(ctx context.Context, tx Tx, instances []*Instance) (map[string][]string, error) {
	out := map[string][]string{}
	for _, inst := range instances {
		keys, _, err := tx.SearchableKeys(ctx, inst.ID)
		if err != nil {
			return nil, err
		}
		if keys != nil {
			out[inst.ID] = keys
		}
	}
	return out, nil
}

// importSearchableKeys saves the searchable keys of snap's instances, once
// they are in, and registers them in the search index; keys of an instance
// the snapshot does not hold are EINVALID.
func importSearchableKeys(ctx context.Context, tx Tx, snap *Snapshot) error {
	held := map[string]bool{}
	for _, inst := range snap.Instances {
		held[inst.ID] = true
	}
	for id, keys := range snap.SearchableKeys {
		if !held[id] {
			return Errorf(EINVALID, "SearchableKeys of instance %q: the snapshot has no such instance.", id)
		}
		if len(keys) == 0 {
			continue
		}
		if _, err := tx.SetSearchableKeys(ctx, id, keys); err != nil {
			return err
		}
		if err := tx.RegisterIndexedKeys(ctx, id, keys); err != nil {
			return err
		}
	}
	return nil
}

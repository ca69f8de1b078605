package connectd

import (
	"context"
	"time"
)

// UpdateAttributes merges update into the chain map of the initial contact
// initialContactID (Merge's rules), in one read-modify-write that locks the
// initial contact's row, where the chain's map lives: writers of one chain
// queue behind each other, each reading the map its predecessor committed,
// and none is lost. ENOTFOUND for an unknown contact or one that is not the
// initial contact of its chain; EINVALIDREQUEST for a contact initiated
// before APIRelease; EINVALID for a bad key, a value that is not UTF-8 or
// a result over MaxAttributesBytes (Merge), with nothing changed. "Attributes: {}" is a
// successful no-op.
func (s *Service) UpdateAttributes(ctx context.Context, owner Owner, instanceID, initialContactID string, update Attributes) error {
	return s.port.Update(ctx, OpUpdateAttributes, func(tx Tx) error {
		c, err := lock(ctx, tx, owner, instanceID, initialContactID)
		if err != nil {
			return err
		}
		if !c.IsInitial() {
			return notInitial(c)
		}
		if c.InitiationTimestamp.Before(APIRelease()) {
			return Errorf(EINVALIDREQUEST,
				"Contact %s was initiated before %s, when UpdateContactAttributes was released; its attributes cannot be updated.",
				c.ID, APIRelease().Format(time.DateOnly))
		}
		merged, err := Merge(c.Attributes, update)
		if err != nil {
			return err
		}
		if len(update) == 0 {
			return nil
		}
		now := s.now()
		if err := tx.SetChainMap(ctx, instanceID, c.ID, merged, now); err != nil {
			return err
		}
		c.Attributes, c.LastUpdateTimestamp = merged, now
		if err := tx.LoadDetails(ctx, c); err != nil {
			return err
		}
		return s.dataUpdated(ctx, tx, owner, c, UpdatedAttributes)
	})
}

// GetAttributes returns the chain map of the initial contact
// initialContactID, with UpdateAttributes' ENOTFOUND rules. It reads the
// chain through Tx.ChainOf, the cheapest read a store has; a miss goes
// through FindContact, whose absence says what is missing. The map may be
// the store's own (SQLite's row cache shares it): read it, never change it;
// Clone it first to change it.
func (s *Service) GetAttributes(ctx context.Context, owner Owner, instanceID, initialContactID string) (Attributes, error) {
	var m Attributes
	err := s.port.View(ctx, "get attributes", func(tx Tx) error {
		initial, chain, found, err := tx.ChainOf(ctx, owner, instanceID, initialContactID)
		if err != nil {
			return err
		}
		if found && initial == initialContactID {
			m = chain
			return nil
		}
		c, err := find(ctx, tx, owner, instanceID, initialContactID, "Contact")
		if err != nil {
			return err
		}
		if !c.IsInitial() {
			return notInitial(c)
		}
		m = c.Attributes // the contact was created since the first read
		return nil
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// notInitial is the ENOTFOUND for a chain member given where the attribute
// operations need the initial contact: Amazon Connect's take an
// InitialContactId. The message names the id to use instead.
func notInitial(c *Contact) error {
	return Errorf(ENOTFOUND,
		"Contact %s is not the initial contact of its chain; use its InitialContactId %s.", c.ID, c.InitialContactID)
}

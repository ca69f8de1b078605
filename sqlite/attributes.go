package sqlite

import (
	"context"
	"time"

	"github.com/connectd/connectd"
)

// UpdateAttributes merges update into the chain map of the initial contact
// initialContactID. The read, connectd.Merge and the write happen in one
// IMMEDIATE transaction on the single writer connection, so concurrent
// updates are applied one after another and none is lost; a rejected update
// rolls back and changes nothing.
func (s *Store) UpdateAttributes(ctx context.Context, owner connectd.Owner, instanceID, initialContactID string, update connectd.Attributes) error {
	return s.write(ctx, "update attributes", func(tx *txn) error {
		c, err := s.initialContact(ctx, tx, owner, instanceID, initialContactID)
		if err != nil {
			return err
		}
		if c.InitiationTimestamp.Before(connectd.APIRelease()) {
			return connectd.Errorf(connectd.EINVALIDREQUEST,
				"Contact %s was initiated before %s, when UpdateContactAttributes was released; its attributes cannot be updated.",
				c.ID, connectd.APIRelease().Format(time.DateOnly))
		}
		merged, err := connectd.Merge(c.Attributes, update)
		if err != nil {
			return err
		}
		if len(update) == 0 {
			return nil // "Attributes: {}" is a successful no-op
		}
		return s.writeChainMap(ctx, tx, instanceID, c.ID, merged, s.clock.Now())
	})
}

// GetAttributes returns the chain map of the initial contact
// initialContactID, with UpdateAttributes' ENOTFOUND rules.
func (s *Store) GetAttributes(ctx context.Context, owner connectd.Owner, instanceID, initialContactID string) (connectd.Attributes, error) {
	c, err := s.initialContact(ctx, s.reader, owner, instanceID, initialContactID)
	if err != nil {
		return nil, wrap("get attributes", err)
	}
	return c.Attributes, nil
}

// initialContact finds a live contact that starts its chain. Another member
// of a chain is ENOTFOUND, as in Amazon Connect, whose attribute operations
// take an InitialContactId; the message names the id to use instead.
func (s *Store) initialContact(ctx context.Context, q querier, owner connectd.Owner, instanceID, id string) (*connectd.Contact, error) {
	c, err := s.findContact(ctx, q, owner, instanceID, id, "Contact")
	if err != nil {
		return nil, err
	}
	if !c.IsInitial() {
		return nil, connectd.Errorf(connectd.ENOTFOUND,
			"Contact %s is not the initial contact of its chain; use its InitialContactId %s.", c.ID, c.InitialContactID)
	}
	return c, nil
}

// writeChainMap stores m as the chain map on the initial contact's row.
func (s *Store) writeChainMap(ctx context.Context, tx *txn, instanceID, initialID string, m connectd.Attributes, now time.Time) error {
	doc, err := encodeMap(m)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, updateChainMap, doc, millis(truncate(now)), instanceID, initialID)
	return err
}

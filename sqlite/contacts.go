package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/connectd/connectd"
)

// Contact queries; each is a lookup through an index (see the plan test).
const (
	queryContactByToken = `SELECT id, initiated_ms FROM contacts WHERE instance_id = ? AND client_token = ?`
	queryContactByID    = `SELECT initiated_ms FROM contacts WHERE instance_id = ? AND id = ?`
	queryCountPrevious  = `SELECT count(*) FROM contacts
		WHERE instance_id = ? AND previous_contact_id = ? AND initiated_ms >= ?`
	deleteContact = `DELETE FROM contacts WHERE instance_id = ? AND id = ?`
	insertContact = `INSERT INTO contacts (instance_id, id, initial_contact_id, previous_contact_id,
		related_contact_id, channel, initiation_method, name, description, queue_id, client_token,
		initiated_ms, scheduled_ms, disconnected_ms, updated_ms, attributes)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	updateChainMap = `UPDATE contacts SET attributes = ?, updated_ms = ? WHERE instance_id = ? AND id = ?`
	updateStop     = `UPDATE contacts SET disconnected_ms = ?, updated_ms = ? WHERE instance_id = ? AND id = ?`
)

// CreateContact stores a new contact, applying the chain rules of
// connectd.Store in one write transaction. Beyond them: an id already used
// by a live contact of the instance is ECONFLICT, and an InitiationTimestamp
// already past retention is EINVALID (the contact would be gone at once).
func (s *Store) CreateContact(ctx context.Context, owner connectd.Owner, in *connectd.Contact) (*connectd.Contact, error) {
	var out *connectd.Contact
	err := s.write(ctx, "create contact", func(tx *txn) error {
		var err error
		out, err = s.createContact(ctx, tx, owner, in)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Store) createContact(ctx context.Context, tx *txn, owner connectd.Owner, in *connectd.Contact) (*connectd.Contact, error) {
	now := s.clock.Now()
	cutoff := connectd.RetentionCutoff(now).UnixMilli()
	if ok, err := instanceExists(ctx, tx, owner, in.InstanceID); err != nil || !ok {
		if err == nil {
			err = instanceNotFound(in.InstanceID)
		}
		return nil, err
	}
	if in.ClientToken != "" {
		var id string
		var initiated int64
		err := tx.QueryRowContext(ctx, queryContactByToken, in.InstanceID, in.ClientToken).Scan(&id, &initiated)
		switch {
		case err == nil && initiated >= cutoff:
			// A retried start: answer with the contact it created.
			return s.findContact(ctx, tx, owner, in.InstanceID, id, "Contact")
		case err == nil:
			// The token's contact has expired and is gone; the sweeper
			// would delete it anyway, and it must not block the token.
			if _, err := tx.ExecContext(ctx, deleteContact, in.InstanceID, id); err != nil {
				return nil, err
			}
		case !errors.Is(err, sql.ErrNoRows):
			return nil, err
		}
	}
	if err := s.claimContactID(ctx, tx, in.InstanceID, in.ID, cutoff); err != nil {
		return nil, err
	}

	c, joins, err := connectd.PrepareContact(ctx, chainSource{s, tx, owner, in.InstanceID, cutoff}, in, now)
	if err != nil {
		return nil, err
	}
	own := sql.NullString{}
	if c.IsInitial() {
		if own, err = encodeMap(c.Attributes); err != nil {
			return nil, err
		}
	} else if joins {
		if err := s.writeChainMap(ctx, tx, c.InstanceID, c.InitialContactID, c.Attributes, now); err != nil {
			return nil, err
		}
	}
	_, err = tx.ExecContext(ctx, insertContact, c.InstanceID, c.ID, c.InitialContactID,
		nullString(c.PreviousContactID), nullString(c.RelatedContactID), string(c.Channel),
		string(c.InitiationMethod), c.Name, c.Description, c.QueueID, nullString(c.ClientToken),
		millis(c.InitiationTimestamp), millis(c.ScheduledTimestamp), millis(c.DisconnectTimestamp),
		millis(c.LastUpdateTimestamp), own)
	if err != nil {
		return nil, err
	}
	if len(c.References) > 0 || len(c.Tags) > 0 {
		if err := saveDetails(ctx, tx, c); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// chainSource reads, inside a write transaction, what
// connectd.PrepareContact needs of the contacts a new one names. The
// single writer connection serializes every write, so nothing need be
// locked.
type chainSource struct {
	s          *Store
	tx         *txn
	owner      connectd.Owner
	instanceID string
	cutoff     int64
}

func (cs chainSource) PreviousChain(ctx context.Context, previousID string) (string, connectd.Attributes, int, error) {
	prev, err := cs.s.findContact(ctx, cs.tx, cs.owner, cs.instanceID, previousID, "Previous contact")
	if err != nil {
		return "", nil, 0, err
	}
	var n int
	err = cs.tx.QueryRowContext(ctx, queryCountPrevious, cs.instanceID, prev.ID, cs.cutoff).Scan(&n)
	return prev.InitialContactID, prev.Attributes, n, err
}

func (cs chainSource) RelatedAttributes(ctx context.Context, relatedID string) (connectd.Attributes, error) {
	rel, err := cs.s.findContact(ctx, cs.tx, cs.owner, cs.instanceID, relatedID, "Related contact")
	if err != nil {
		return nil, err
	}
	return rel.Attributes, nil
}

// claimContactID makes sure id is free in the instance: a live contact with
// that id is a conflict; an expired one is gone and is deleted now.
func (s *Store) claimContactID(ctx context.Context, tx *txn, instanceID, id string, cutoff int64) error {
	var initiated int64
	err := tx.QueryRowContext(ctx, queryContactByID, instanceID, id).Scan(&initiated)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return err
	case initiated >= cutoff:
		return connectd.Errorf(connectd.ECONFLICT, "Contact %s already exists in instance %s.", id, instanceID)
	}
	_, err = tx.ExecContext(ctx, deleteContact, instanceID, id)
	return err
}

// FindContact returns a contact with its chain's attributes, or ENOTFOUND
// for an unknown instance or contact.
func (s *Store) FindContact(ctx context.Context, owner connectd.Owner, instanceID, contactID string) (*connectd.Contact, error) {
	c, err := s.findContact(ctx, s.reader, owner, instanceID, contactID, "Contact")
	if err == nil {
		err = loadDetails(ctx, s.reader, c)
	}
	if err != nil {
		return nil, wrap("find contact", err)
	}
	return c, nil
}

// StopContact ends an active contact at the clock's now: ENOTFOUND if it
// does not exist, ENOTACTIVE if it has already ended.
func (s *Store) StopContact(ctx context.Context, owner connectd.Owner, instanceID, contactID string) error {
	return s.write(ctx, "stop contact", func(tx *txn) error {
		c, err := s.findContact(ctx, tx, owner, instanceID, contactID, "Contact")
		if err != nil {
			return err
		}
		if !c.Active() {
			return connectd.Errorf(connectd.ENOTACTIVE, "Contact %s has already ended.", contactID)
		}
		now := millis(truncate(s.clock.Now()))
		_, err = tx.ExecContext(ctx, updateStop, now, now, instanceID, contactID)
		return err
	})
}

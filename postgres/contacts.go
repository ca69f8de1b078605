package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/connectd/connectd"
	"github.com/jackc/pgx/v5"
)

// Contact statements; each finds its rows through an index (see the
// EXPLAIN test).
const (
	queryContactByToken = `SELECT id, initiated_at FROM contacts WHERE instance_id = $1 AND client_token = $2`
	queryContactByID    = `SELECT initiated_at FROM contacts WHERE instance_id = $1 AND id = $2`
	// lockContact locks a live contact's row for the rest of the
	// transaction and reads its chain fields and own map.
	lockContact = `SELECT c.id, c.initial_contact_id, c.initiated_at, c.attributes
		FROM contacts c JOIN instances i ON i.id = c.instance_id
		WHERE c.instance_id = $1 AND c.id = $2 AND c.initiated_at >= $3
			AND i.account = $4 AND i.region = $5
		FOR UPDATE OF c`
	lockChainMap       = `SELECT attributes FROM contacts WHERE instance_id = $1 AND id = $2 AND initiated_at >= $3 FOR UPDATE`
	queryCountPrevious = `SELECT count(*) FROM contacts
		WHERE instance_id = $1 AND previous_contact_id = $2 AND initiated_at >= $3`
	deleteContact = `DELETE FROM contacts WHERE instance_id = $1 AND id = $2`
	insertContact = `INSERT INTO contacts (instance_id, id, initial_contact_id, previous_contact_id,
		related_contact_id, channel, initiation_method, name, description, queue_id, client_token,
		initiated_at, scheduled_at, disconnected_at, updated_at, attributes)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`
	updateChainMap = `UPDATE contacts SET attributes = $1, updated_at = $2 WHERE instance_id = $3 AND id = $4`
	// stopContact ends an active contact in one statement; when it
	// changes no row, a lookup tells "unknown" from "already ended".
	stopContact = `UPDATE contacts c SET disconnected_at = $1, updated_at = $1
		FROM instances i
		WHERE c.instance_id = $2 AND c.id = $3 AND c.initiated_at >= $4 AND c.disconnected_at IS NULL
			AND i.id = c.instance_id AND i.account = $5 AND i.region = $6`
)

// CreateContact stores a new contact, applying the chain rules of
// connectd.Store in one transaction. Beyond them: an id already used by a
// live contact of the instance is ECONFLICT, and an InitiationTimestamp
// already past retention is EINVALID (the contact would be gone at once).
//
// Two starts with one ClientToken may race on two replicas: neither sees
// the other's uncommitted row, both insert, and the unique index makes the
// second wait for the first and then fail with a unique violation. That
// start then answers with the winner's contact, as a retry would.
func (s *Store) CreateContact(ctx context.Context, owner connectd.Owner, in *connectd.Contact) (*connectd.Contact, error) {
	var out *connectd.Contact
	err := s.inTx(ctx, "create contact", func(tx pgx.Tx) error {
		var err error
		out, err = s.createContact(ctx, tx, owner, in)
		return err
	})
	switch constraint, _ := uniqueViolation(err); constraint {
	case "contacts_client_token":
		return s.contactByToken(ctx, owner, in.InstanceID, in.ClientToken)
	case "contacts_pkey":
		return nil, connectd.Errorf(connectd.ECONFLICT, "Contact %s already exists in instance %s.", in.ID, in.InstanceID)
	}
	if sqlState(err) == codeForeignKeyViolation {
		// The instance was deleted while the contact was being created.
		return nil, instanceNotFound(in.InstanceID)
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Store) createContact(ctx context.Context, tx pgx.Tx, owner connectd.Owner, in *connectd.Contact) (*connectd.Contact, error) {
	now := s.clock.Now()
	cutoff := s.cutoff()
	if ok, err := instanceExists(ctx, tx, owner, in.InstanceID); err != nil || !ok {
		if err == nil {
			err = instanceNotFound(in.InstanceID)
		}
		return nil, err
	}
	if in.ClientToken != "" {
		var id string
		var initiated time.Time
		err := tx.QueryRow(ctx, queryContactByToken, in.InstanceID, in.ClientToken).Scan(&id, &initiated)
		switch {
		case err == nil && !initiated.Before(cutoff):
			// A retried start: answer with the contact it created.
			return s.findContact(ctx, tx, owner, in.InstanceID, id, "Contact")
		case err == nil:
			// The token's contact has expired and is gone; the sweeper
			// would delete it anyway, and it must not block the token.
			if _, err := tx.Exec(ctx, deleteContact, in.InstanceID, id); err != nil {
				return nil, err
			}
		case !errors.Is(err, pgx.ErrNoRows):
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
	var own any
	if c.IsInitial() {
		if own, err = encodeMap(c.Attributes); err != nil {
			return nil, err
		}
	} else if joins {
		// The chain's row is locked (chainSource.PreviousChain).
		if err := s.writeChainMap(ctx, tx, c.InstanceID, c.InitialContactID, c.Attributes, now); err != nil {
			return nil, err
		}
	}
	_, err = tx.Exec(ctx, insertContact, c.InstanceID, c.ID, c.InitialContactID,
		nullString(c.PreviousContactID), nullString(c.RelatedContactID), string(c.Channel),
		string(c.InitiationMethod), c.Name, c.Description, c.QueueID, nullString(c.ClientToken),
		c.InitiationTimestamp, nullTime(c.ScheduledTimestamp), nullTime(c.DisconnectTimestamp),
		c.LastUpdateTimestamp, own)
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

// chainSource reads, inside a transaction, what connectd.PrepareContact
// needs of the contacts a new one names, locking the rows it relies on
// (see joinChain) so that the rules hold across replicas.
type chainSource struct {
	s          *Store
	tx         pgx.Tx
	owner      connectd.Owner
	instanceID string
	cutoff     time.Time
}

func (cs chainSource) PreviousChain(ctx context.Context, previousID string) (string, connectd.Attributes, int, error) {
	return cs.s.joinChain(ctx, cs.tx, cs.owner, cs.instanceID, previousID, cs.cutoff)
}

func (cs chainSource) RelatedAttributes(ctx context.Context, relatedID string) (connectd.Attributes, error) {
	rel, err := cs.s.findContact(ctx, cs.tx, cs.owner, cs.instanceID, relatedID, "Related contact")
	if err != nil {
		return nil, err
	}
	return rel.Attributes, nil
}

// joinChain prepares a new contact that names previousID: it locks the
// previous contact's row, so that concurrent starts naming the same
// contact (on any replica) count their siblings one after another and the
// quota of MaxTasksPerPreviousContact holds; then it locks the chain's
// row, so that the map it returns stays current until the transaction
// writes it. Rows are always locked member first, initial contact second,
// and UpdateAttributes locks only the initial contact, so lock waits
// cannot form a cycle.
func (s *Store) joinChain(ctx context.Context, tx pgx.Tx, owner connectd.Owner, instanceID, previousID string, cutoff time.Time) (initialID string, chain connectd.Attributes, siblings int, err error) {
	var (
		prevID    string
		initiated time.Time
		doc       []byte
	)
	err = tx.QueryRow(ctx, lockContact, instanceID, previousID, cutoff, owner.AccountID, owner.Region).
		Scan(&prevID, &initialID, &initiated, &doc)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil, 0, s.contactNotFound(ctx, tx, owner, instanceID, previousID, "Previous contact")
	}
	if err != nil {
		return "", nil, 0, err
	}
	if err := tx.QueryRow(ctx, queryCountPrevious, instanceID, prevID, cutoff).Scan(&siblings); err != nil {
		return "", nil, 0, err
	}
	if initialID != prevID {
		// A chain whose initial contact has expired has no map left.
		doc = nil
		err := tx.QueryRow(ctx, lockChainMap, instanceID, initialID, cutoff).Scan(&doc)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return "", nil, 0, err
		}
	}
	chain, err = decodeMap(doc)
	return initialID, chain, siblings, err
}

// claimContactID makes sure id is free in the instance: a live contact with
// that id is a conflict; an expired one is gone and is deleted now.
func (s *Store) claimContactID(ctx context.Context, tx pgx.Tx, instanceID, id string, cutoff time.Time) error {
	var initiated time.Time
	err := tx.QueryRow(ctx, queryContactByID, instanceID, id).Scan(&initiated)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return nil
	case err != nil:
		return err
	case !initiated.Before(cutoff):
		return connectd.Errorf(connectd.ECONFLICT, "Contact %s already exists in instance %s.", id, instanceID)
	}
	_, err = tx.Exec(ctx, deleteContact, instanceID, id)
	return err
}

// contactByToken answers a start that lost a ClientToken race with the
// contact of the start that won.
func (s *Store) contactByToken(ctx context.Context, owner connectd.Owner, instanceID, token string) (*connectd.Contact, error) {
	var c *connectd.Contact
	err := s.read(ctx, "create contact", func(q querier) error {
		var id string
		var initiated time.Time
		if err := q.QueryRow(ctx, queryContactByToken, instanceID, token).Scan(&id, &initiated); err != nil {
			return err
		}
		var err error
		c, err = s.findContact(ctx, q, owner, instanceID, id, "Contact")
		return err
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// FindContact returns a contact with its chain's attributes, or ENOTFOUND
// for an unknown instance or contact.
func (s *Store) FindContact(ctx context.Context, owner connectd.Owner, instanceID, contactID string) (*connectd.Contact, error) {
	var c *connectd.Contact
	err := s.read(ctx, "find contact", func(q querier) error {
		var err error
		c, err = s.findContact(ctx, q, owner, instanceID, contactID, "Contact")
		if err != nil {
			return err
		}
		return loadDetails(ctx, q, c)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// StopContact ends an active contact at the clock's now: ENOTFOUND if it
// does not exist, ENOTACTIVE if it has already ended.
func (s *Store) StopContact(ctx context.Context, owner connectd.Owner, instanceID, contactID string) error {
	return s.inTx(ctx, "stop contact", func(tx pgx.Tx) error {
		now := truncate(s.clock.Now())
		tag, err := tx.Exec(ctx, stopContact, now, instanceID, contactID, s.cutoff(), owner.AccountID, owner.Region)
		if err != nil || tag.RowsAffected() > 0 {
			return err
		}
		if _, err := s.findContact(ctx, tx, owner, instanceID, contactID, "Contact"); err != nil {
			return err
		}
		return connectd.Errorf(connectd.ENOTACTIVE, "Contact %s has already ended.", contactID)
	})
}

package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/connectd/connectd"
	"github.com/jackc/pgx/v5"
)

// UpdateAttributes merges update into the chain map of the initial contact
// initialContactID.
//
// The read-modify-write runs in one transaction that first locks the
// initial contact's row (SELECT ... FOR UPDATE), which is where the chain's
// map lives. The lock is the narrowest that is correct across connections
// and replicas: writers of one chain queue behind each other, each reading
// the map its predecessor committed, while writers of other chains never
// wait; nothing is retried and no update is lost. The alternative of a
// single UPDATE computing the merge in SQL (jsonb ||, minus removed keys,
// a size check) would need no lock, but would restate connectd.Merge's
// rules (key syntax, removal by "", the byte limit over keys and values)
// in SQL, where they could drift from the sqlite store's; here both stores
// run the same Go function. A rejected update returns before writing, and
// the transaction rolls back, so it changes nothing.
func (s *Store) UpdateAttributes(ctx context.Context, owner connectd.Owner, instanceID, initialContactID string, update connectd.Attributes) error {
	return s.inTx(ctx, "update attributes", func(tx pgx.Tx) error {
		id, initiated, current, err := s.lockInitialContact(ctx, tx, owner, instanceID, initialContactID)
		if err != nil {
			return err
		}
		if initiated.Before(connectd.APIRelease()) {
			return connectd.Errorf(connectd.EINVALIDREQUEST,
				"Contact %s was initiated before %s, when UpdateContactAttributes was released; its attributes cannot be updated.",
				id, connectd.APIRelease().Format(time.DateOnly))
		}
		merged, err := connectd.Merge(current, update)
		if err != nil {
			return err
		}
		if len(update) == 0 {
			return nil // "Attributes: {}" is a successful no-op
		}
		return s.writeChainMap(ctx, tx, instanceID, id, merged, s.clock.Now())
	})
}

// lockInitialContact locks the row of a live contact that starts its
// chain and returns its id, initiation time and chain map. Another member
// of a chain is ENOTFOUND, as in Amazon Connect, whose attribute
// operations take an InitialContactId; the message names the id to use.
func (s *Store) lockInitialContact(ctx context.Context, tx pgx.Tx, owner connectd.Owner, instanceID, contactID string) (string, time.Time, connectd.Attributes, error) {
	var (
		id, initialID string
		initiated     time.Time
		doc           []byte
	)
	err := tx.QueryRow(ctx, lockContact, instanceID, contactID, s.cutoff(), owner.AccountID, owner.Region).
		Scan(&id, &initialID, &initiated, &doc)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", time.Time{}, nil, s.contactNotFound(ctx, tx, owner, instanceID, contactID, "Contact")
	}
	if err != nil {
		return "", time.Time{}, nil, err
	}
	if initialID != id {
		return "", time.Time{}, nil, notInitial(id, initialID)
	}
	m, err := decodeMap(doc)
	return id, initiated, m, err
}

// notInitial is the ENOTFOUND for a chain member given where the attribute
// operations need the initial contact.
func notInitial(id, initialID string) error {
	return connectd.Errorf(connectd.ENOTFOUND,
		"Contact %s is not the initial contact of its chain; use its InitialContactId %s.", id, initialID)
}

// GetAttributes returns the chain map of the initial contact
// initialContactID, with UpdateAttributes' ENOTFOUND rules. It takes no
// lock: it reads the latest committed map.
func (s *Store) GetAttributes(ctx context.Context, owner connectd.Owner, instanceID, initialContactID string) (connectd.Attributes, error) {
	var m connectd.Attributes
	err := s.read(ctx, "get attributes", func(q querier) error {
		c, err := s.findContact(ctx, q, owner, instanceID, initialContactID, "Contact")
		if err != nil {
			return err
		}
		if !c.IsInitial() {
			return notInitial(c.ID, c.InitialContactID)
		}
		m = c.Attributes
		return nil
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// writeChainMap stores m as the chain map on the initial contact's row,
// which the caller has locked.
func (s *Store) writeChainMap(ctx context.Context, tx pgx.Tx, instanceID, initialID string, m connectd.Attributes, now time.Time) error {
	doc, err := encodeMap(m)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, updateChainMap, doc, truncate(now), instanceID, initialID)
	return err
}

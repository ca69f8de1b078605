package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/connectd/connectd"
	"github.com/jackc/pgx/v5"
)

// Statements of TransferContact.
const (
	queryTransferToken = `SELECT id, coalesce(previous_contact_id, ''), initiation_method, initiated_at
		FROM contacts WHERE instance_id = $1 AND client_token = $2`
	queryCountTransfers = `SELECT count(*) FROM contacts
		WHERE instance_id = $1 AND initial_contact_id = $2 AND initiated_at >= $3
			AND initiation_method IN ('TRANSFER', 'QUEUE_TRANSFER')`
	endContact = `UPDATE contacts SET disconnected_at = $1, updated_at = $1 WHERE instance_id = $2 AND id = $3`
)

// TransferContact ends the active contact t.ContactID and starts the next
// segment of its chain, in one transaction (connectd.ContactDetailer).
//
// The old contact's row is locked first, so transfers of one contact on
// any replica run one after another: the second finds the contact ended,
// or, with the same ClientToken, the first one's contact. Locks are then
// taken member first, initial contact second, as everywhere else.
func (s *Store) TransferContact(ctx context.Context, owner connectd.Owner, t *connectd.Transfer) (*connectd.Contact, error) {
	var out *connectd.Contact
	err := s.inTx(ctx, "transfer contact", func(tx pgx.Tx) error {
		old, err := s.lockDetailed(ctx, tx, owner, t.InstanceID, t.ContactID)
		if err != nil {
			return err
		}
		// A retry must find its transfer before the rules run: by then the
		// old contact has ended, and CheckTransfer would refuse it.
		if done, err := s.transferByToken(ctx, tx, owner, t); done != nil || err != nil {
			out = done
			return err
		}
		// The quota counts the whole chain, whose other active members may
		// be transferred at the same moment on another replica: the chain's
		// initial row is the lock they all share (member first, initial
		// second, the order used everywhere). An expired initial contact
		// has no row left to lock.
		if old.InitialContactID != old.ID {
			var doc []byte
			err := tx.QueryRow(ctx, lockChainMap, t.InstanceID, old.InitialContactID, s.cutoff()).Scan(&doc)
			if err != nil && !errors.Is(err, pgx.ErrNoRows) {
				return err
			}
		}
		var n int
		if err := tx.QueryRow(ctx, queryCountTransfers, t.InstanceID, old.InitialContactID, s.cutoff()).Scan(&n); err != nil {
			return err
		}
		if err := connectd.CheckTransfer(old, n); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, endContact, truncate(s.clock.Now()), t.InstanceID, old.ID); err != nil {
			return err
		}
		out, err = s.createContact(ctx, tx, owner, connectd.TransferredContact(old, t))
		return err
	})
	switch constraint, _ := uniqueViolation(err); constraint {
	case "contacts_client_token":
		// A start with the same token committed in between.
		return nil, connectd.Errorf(connectd.EIDEMPOTENCY, "ClientToken %q was already used for another request.", t.ClientToken)
	case "contacts_pkey":
		return nil, connectd.Errorf(connectd.ECONFLICT, "Contact %s already exists in instance %s.", t.NewID, t.InstanceID)
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// transferByToken returns the contact an earlier transfer of the same
// contact with t.ClientToken created, or nil if the token is unused (or
// its contact has expired). A token that started anything else is
// EIDEMPOTENCY.
func (s *Store) transferByToken(ctx context.Context, tx pgx.Tx, owner connectd.Owner, t *connectd.Transfer) (*connectd.Contact, error) {
	if t.ClientToken == "" {
		return nil, nil
	}
	var (
		id, previous, method string
		initiated            time.Time
	)
	err := tx.QueryRow(ctx, queryTransferToken, t.InstanceID, t.ClientToken).Scan(&id, &previous, &method, &initiated)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return nil, nil
	case err != nil:
		return nil, err
	case initiated.Before(s.cutoff()):
		return nil, nil // createContact deletes the expired holder of the token
	case previous != t.ContactID || connectd.InitiationMethod(method) != t.Method():
		return nil, connectd.Errorf(connectd.EIDEMPOTENCY,
			"ClientToken %q was already used for another request (contact %s).", t.ClientToken, id)
	}
	c, err := s.findContact(ctx, tx, owner, t.InstanceID, id, "Contact")
	if err != nil {
		return nil, err
	}
	return c, loadDetails(ctx, tx, c)
}

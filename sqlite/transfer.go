package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/connectd/connectd"
)

// TransferContact ends the active contact t.ContactID and starts the next
// segment of its chain, in one write transaction (connectd.ContactDetailer).
func (s *Store) TransferContact(ctx context.Context, owner connectd.Owner, t *connectd.Transfer) (*connectd.Contact, error) {
	var out *connectd.Contact
	err := s.write(ctx, "transfer contact", func(tx *txn) error {
		old, err := s.findContact(ctx, tx, owner, t.InstanceID, t.ContactID, "Contact")
		if err != nil {
			return err
		}
		// A retry must find its transfer before the rules run: by then the
		// old contact has ended, and CheckTransfer would refuse it.
		if done, err := s.transferByToken(ctx, tx, owner, t); done != nil || err != nil {
			out = done
			return err
		}
		if err := loadDetails(ctx, tx, old); err != nil {
			return err
		}
		cutoff := connectd.RetentionCutoff(s.clock.Now()).UnixMilli()
		var n int
		if err := tx.QueryRowContext(ctx, queryCountTransfers, t.InstanceID, old.InitialContactID, cutoff).Scan(&n); err != nil {
			return err
		}
		if err := connectd.CheckTransfer(old, n); err != nil {
			return err
		}
		now := millis(truncate(s.clock.Now()))
		if _, err := tx.ExecContext(ctx, updateStop, now, now, t.InstanceID, old.ID); err != nil {
			return err
		}
		out, err = s.createContact(ctx, tx, owner, connectd.TransferredContact(old, t))
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// transferByToken returns the contact an earlier transfer of the same
// contact with t.ClientToken created, or nil if the token is unused (or
// its contact has expired). A token that started anything else is
// EIDEMPOTENCY.
func (s *Store) transferByToken(ctx context.Context, tx *txn, owner connectd.Owner, t *connectd.Transfer) (*connectd.Contact, error) {
	if t.ClientToken == "" {
		return nil, nil
	}
	var (
		id, previous, method string
		initiated            int64
	)
	err := tx.QueryRowContext(ctx, queryTransferToken, t.InstanceID, t.ClientToken).Scan(&id, &previous, &method, &initiated)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, nil
	case err != nil:
		return nil, err
	case initiated < connectd.RetentionCutoff(s.clock.Now()).UnixMilli():
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

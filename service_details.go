package connectd

import (
	"context"
	"maps"
)

// saveDetails stores c's references and tags after checking their totals
// (MaxReferencesBytes, MergeTags' rules).
func saveDetails(ctx context.Context, tx Tx, c *Contact) error {
	if _, err := MergeReferences(nil, c.References); err != nil {
		return err
	}
	if _, err := MergeTags(nil, c.Tags); err != nil {
		return err
	}
	return tx.SaveDetails(ctx, c)
}

// changeDetails runs change on a live contact, locked and with its details
// loaded, then saves them, all in one unit of work.
//
// updated, unless "", is what a CONTACT_DATA_UPDATED event says changed.
func (s *Service) changeDetails(ctx context.Context, op string, owner Owner, instanceID, contactID, updated string,
	change func(tx Tx, c *Contact) error) error {
	return s.port.Update(ctx, op, func(tx Tx) error {
		c, err := lock(ctx, tx, owner, instanceID, contactID)
		if err != nil {
			return err
		}
		if err := tx.LoadDetails(ctx, c); err != nil {
			return err
		}
		if err := change(tx, c); err != nil {
			return err
		}
		if err := saveDetails(ctx, tx, c); err != nil || updated == "" {
			return err
		}
		return s.dataUpdated(ctx, tx, owner, c, updated)
	})
}

// UpdateContact applies u to a contact, ended or not: ENOTFOUND for an
// unknown contact; EINVALIDREQUEST if u.Audio and the contact is not an
// external audio contact; EINVALID for references over MaxReferencesBytes
// (and then nothing changes).
func (s *Service) UpdateContact(ctx context.Context, owner Owner, instanceID, contactID string, u *ContactUpdate) error {
	return s.changeDetails(ctx, "update contact", owner, instanceID, contactID, "", func(tx Tx, c *Contact) error {
		// "This value can only be updated for external audio contacts":
		// VOICE contacts that CreateContact made with TRANSFER. connectd
		// checks and accepts these members for them but does not keep them.
		if u.Audio && (c.Channel != ChannelVoice || c.InitiationMethod != InitiationTransfer) {
			return Errorf(EINVALIDREQUEST,
				"QueueInfo, UserInfo, CustomerEndpoint and SystemEndpoint can be updated only for external audio contacts.")
		}
		var err error
		if c.References, err = MergeReferences(c.References, u.References); err != nil {
			return err
		}
		return tx.SetNames(ctx, instanceID, contactID, u.Name, u.Description, s.now())
	})
}

// TagContact adds or replaces a contact's tags (MergeTags' rules, EINVALID).
func (s *Service) TagContact(ctx context.Context, owner Owner, instanceID, contactID string, tags map[string]string) error {
	return s.changeDetails(ctx, "tag contact", owner, instanceID, contactID, UpdatedTags, func(_ Tx, c *Contact) error {
		var err error
		c.Tags, err = MergeTags(c.Tags, tags)
		return err
	})
}

// UntagContact removes the tags with the given keys; absent keys are
// ignored.
func (s *Service) UntagContact(ctx context.Context, owner Owner, instanceID, contactID string, keys []string) error {
	return s.changeDetails(ctx, "untag contact", owner, instanceID, contactID, UpdatedTags, func(_ Tx, c *Contact) error {
		c.Tags = maps.Clone(c.Tags)
		for _, k := range keys {
			delete(c.Tags, k)
		}
		return nil
	})
}

// TransferContact ends the active contact t.ContactID and creates the
// contact TransferredContact describes, in one unit of work, after
// CheckTransfer. If t.ClientToken already started a transfer of the same
// contact, that transfer's contact is returned and nothing changes; a token
// used by any other contact of the instance is EIDEMPOTENCY.
//
// The old contact's row is locked first, so transfers of one contact run
// one after another: the second finds the contact ended, or, with the same
// ClientToken, the first one's contact. The quota counts the whole chain,
// whose other active members may be transferred at the same moment: the
// chain's initial row is the lock they all share (member first, initial
// second, the order used everywhere).
func (s *Service) TransferContact(ctx context.Context, owner Owner, t *Transfer) (*Contact, error) {
	var out *Contact
	var flow *pendingFlow
	err := s.port.Update(ctx, "transfer contact", func(tx Tx) error {
		flow = nil // a unit of work may run again (Port)
		old, err := lock(ctx, tx, owner, t.InstanceID, t.ContactID)
		if err != nil {
			return err
		}
		// A retry must find its transfer before the rules run: by then the
		// old contact has ended, and CheckTransfer would refuse it.
		if done, err := s.transferByToken(ctx, tx, owner, t); done != nil || err != nil {
			out = done
			return err
		}
		if err := tx.LoadDetails(ctx, old); err != nil {
			return err
		}
		if !old.IsInitial() {
			// An expired initial contact has no row left to lock.
			if _, _, err := tx.LockChain(ctx, t.InstanceID, old.InitialContactID); err != nil {
				return err
			}
		}
		n, err := tx.CountTransfers(ctx, t.InstanceID, old.InitialContactID)
		if err != nil {
			return err
		}
		if err := CheckTransfer(old, n); err != nil {
			return err
		}
		if err := tx.EndContact(ctx, t.InstanceID, old.ID, s.now()); err != nil {
			return err
		}
		if out, err = s.createContact(ctx, tx, owner, TransferredContact(old, t)); err != nil {
			return err
		}
		if flow, err = s.prepareFlow(ctx, tx, owner, out, t.ContactFlowID); err != nil {
			return err
		}
		return s.ended(ctx, tx, owner, t.InstanceID, old.ID, RecordFacts{NextContactID: out.ID, TransferCompleted: s.now()})
	})
	switch conflictOf(err) {
	case ConflictClientToken:
		// A start with the same token committed in between.
		return nil, Errorf(EIDEMPOTENCY, "ClientToken %q was already used for another request.", t.ClientToken)
	case ConflictContactID:
		return nil, contactExists(t.NewID, t.InstanceID)
	case ConflictInstanceGone:
		return nil, instanceNotFound(t.InstanceID)
	}
	if err != nil {
		return nil, err
	}
	s.start(flow)
	return out, nil
}

// transferByToken returns the contact an earlier transfer of the same
// contact with t.ClientToken created, or nil if the token is unused (or its
// contact has expired). A token that started anything else is
// EIDEMPOTENCY.
func (s *Service) transferByToken(ctx context.Context, tx Tx, owner Owner, t *Transfer) (*Contact, error) {
	if t.ClientToken == "" {
		return nil, nil
	}
	held, err := tx.TokenHolder(ctx, t.InstanceID, t.ClientToken)
	switch {
	case err != nil || held == nil:
		return nil, err
	case held.InitiationTimestamp.Before(s.cutoff()):
		return nil, nil // createContact deletes the expired holder of the token
	case held.PreviousContactID != t.ContactID || held.InitiationMethod != t.Method():
		return nil, Errorf(EIDEMPOTENCY,
			"ClientToken %q was already used for another request (contact %s).", t.ClientToken, held.ID)
	}
	c, err := find(ctx, tx, owner, t.InstanceID, held.ID, "Contact")
	if err != nil {
		return nil, err
	}
	return c, tx.LoadDetails(ctx, c)
}

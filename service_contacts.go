package connectd

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// CreateContact stores a new contact c in the owner's instance c.InstanceID
// and returns it as stored: every Start* operation and CreateContact. The
// caller sets ID, Channel, InitiationMethod and the optional fields; a zero
// InitiationTimestamp means now. The chain rules (PrepareContact):
//   - PreviousContactID joins that contact's chain (same InitialContactID,
//     one shared map); ENOTFOUND if it does not exist, EQUOTA if
//     MaxTasksPerPreviousContact contacts already name it.
//   - RelatedContactID copies the related contact's attributes once; the
//     new contact starts its own chain unless it also has a previous one.
//   - c.Attributes are merged on top (Merge's rules; EINVALID).
//   - c.References and c.Tags are stored as the contact's own, within
//     MaxReferencesBytes and MergeTags' rules (EINVALID).
//
// An id already used by a live contact of the instance is ECONFLICT, and an
// InitiationTimestamp already past retention is EINVALID. If c.ClientToken
// is set and a contact of the instance was started with the same token,
// that contact is returned and nothing is created.
func (s *Service) CreateContact(ctx context.Context, owner Owner, c *Contact) (*Contact, error) {
	return s.startContact(ctx, owner, c, nil)
}

// StartChatContact is CreateContact for a chat that, when sourceContactID
// is set, continues the earlier chat sourceContactID (PersistentChat):
// connectd has no transcript to rehydrate, so it checks that the source
// exists (ENOTFOUND) and otherwise starts the chat as CreateContact does.
func (s *Service) StartChatContact(ctx context.Context, owner Owner, c *Contact, sourceContactID string) (*Contact, error) {
	if sourceContactID == "" {
		return s.startContact(ctx, owner, c, nil)
	}
	return s.startContact(ctx, owner, c, func(tx Tx) error {
		_, err := find(ctx, tx, owner, c.InstanceID, sourceContactID, "Contact")
		return err
	})
}

// startContact is CreateContact with check, if not nil, run first in the
// same unit of work: a start's own rule (a source contact that must
// exist, a destination that must be allowed).
func (s *Service) startContact(ctx context.Context, owner Owner, in *Contact, check func(Tx) error) (*Contact, error) {
	var out *Contact
	var flow *pendingFlow
	err := s.port.Update(ctx, "create contact", func(tx Tx) error {
		flow = nil // a unit of work may run again (Port)
		if check != nil {
			if err := check(tx); err != nil {
				return err
			}
		}
		var err error
		if out, err = s.createContact(ctx, tx, owner, in); err != nil {
			return err
		}
		flow, err = s.prepareFlow(ctx, tx, owner, out, in.ContactFlowID)
		return err
	})
	switch conflictOf(err) {
	case ConflictClientToken:
		// Two starts with one token raced in a store shared by many
		// processes; this one lost, and answers with the winner's
		// contact, as a retry would.
		return s.contactByToken(ctx, owner, in.InstanceID, in.ClientToken)
	case ConflictContactID:
		return nil, contactExists(in.ID, in.InstanceID)
	case ConflictInstanceGone:
		return nil, instanceNotFound(in.InstanceID)
	}
	if err != nil {
		return nil, err
	}
	s.start(flow)
	return out, nil
}

// createContact is CreateContact inside a unit of work; TransferContact
// uses it too.
func (s *Service) createContact(ctx context.Context, tx Tx, owner Owner, in *Contact) (*Contact, error) {
	now, cutoff := s.clock.Now(), s.cutoff()
	if ok, err := tx.InstanceExists(ctx, owner, in.InstanceID); err != nil || !ok {
		if err == nil {
			err = instanceNotFound(in.InstanceID)
		}
		return nil, err
	}
	if in.ClientToken != "" {
		held, err := tx.TokenHolder(ctx, in.InstanceID, in.ClientToken)
		switch {
		case err != nil:
			return nil, err
		case held != nil && !held.InitiationTimestamp.Before(cutoff):
			// A retried start: answer with the contact it created.
			return find(ctx, tx, owner, in.InstanceID, held.ID, "Contact")
		case held != nil:
			// The token's contact has expired and is gone; the sweeper
			// would delete it anyway, and it must not block the token.
			if err := tx.DeleteContact(ctx, in.InstanceID, held.ID); err != nil {
				return nil, err
			}
		}
	}
	if err := claimContactID(ctx, tx, in.InstanceID, in.ID, cutoff); err != nil {
		return nil, err
	}
	c, joins, err := PrepareContact(ctx, chainSource{tx, owner, in.InstanceID}, in, now)
	if err != nil {
		return nil, err
	}
	var own Attributes
	if c.IsInitial() {
		own = c.Attributes
	} else if joins {
		// The chain's row is locked (chainSource.PreviousChain).
		if err := tx.SetChainMap(ctx, c.InstanceID, c.InitialContactID, c.Attributes, c.LastUpdateTimestamp); err != nil {
			return nil, err
		}
	}
	if err := tx.InsertContact(ctx, c, own); err != nil {
		return nil, err
	}
	if len(c.References) > 0 || len(c.Tags) > 0 {
		if err := saveDetails(ctx, tx, c); err != nil {
			return nil, err
		}
	}
	return c, s.startEvents(ctx, tx, owner, c)
}

// claimContactID makes sure id is free in the instance: a live contact with
// that id is ECONFLICT; an expired one is gone and is deleted now.
func claimContactID(ctx context.Context, tx Tx, instanceID, id string, cutoff time.Time) error {
	row, err := tx.ContactRow(ctx, instanceID, id)
	switch {
	case err != nil || row == nil:
		return err
	case !row.InitiationTimestamp.Before(cutoff):
		return contactExists(id, instanceID)
	}
	return tx.DeleteContact(ctx, instanceID, id)
}

// contactByToken answers a start that lost a ClientToken race with the
// contact of the start that won.
func (s *Service) contactByToken(ctx context.Context, owner Owner, instanceID, token string) (*Contact, error) {
	var c *Contact
	err := s.port.View(ctx, "create contact", func(tx Tx) error {
		held, err := tx.TokenHolder(ctx, instanceID, token)
		if err != nil {
			return err
		}
		if held == nil {
			return fmt.Errorf("the start that took ClientToken %q has gone", token)
		}
		c, err = find(ctx, tx, owner, instanceID, held.ID, "Contact")
		return err
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// chainSource reads, inside the unit of work, what PrepareContact needs of
// the contacts a new one names, locking the rows it relies on: the
// previous contact's row first, so that concurrent starts naming the same
// contact count their siblings one after another and the quota holds; then
// the chain's row, so that the map stays current until it is written.
// Rows are always locked member first, initial contact second, and
// UpdateContactAttributes locks only the initial contact, so lock waits
// cannot form a cycle.
type chainSource struct {
	tx         Tx
	owner      Owner
	instanceID string
}

func (cs chainSource) PreviousChain(ctx context.Context, previousID string) (string, Attributes, int, error) {
	prev, err := cs.tx.LockContact(ctx, cs.owner, cs.instanceID, previousID)
	if err == nil && prev == nil {
		err = missing(ctx, cs.tx, cs.owner, cs.instanceID, previousID, "Previous contact")
	}
	if err != nil {
		return "", nil, 0, err
	}
	n, err := cs.tx.CountPrevious(ctx, cs.instanceID, prev.ID)
	if err != nil {
		return "", nil, 0, err
	}
	chain := prev.Attributes
	if !prev.IsInitial() {
		// A chain whose initial contact has expired has no map left.
		if chain, _, err = cs.tx.LockChain(ctx, cs.instanceID, prev.InitialContactID); err != nil {
			return "", nil, 0, err
		}
	}
	return prev.InitialContactID, chain, n, nil
}

func (cs chainSource) RelatedAttributes(ctx context.Context, relatedID string) (Attributes, error) {
	rel, err := find(ctx, cs.tx, cs.owner, cs.instanceID, relatedID, "Related contact")
	if err != nil {
		return nil, err
	}
	return rel.Attributes, nil
}

// FindContact returns a contact with its chain's attributes and its
// details, or ENOTFOUND for an unknown instance or contact. Its Attributes
// may be the store's own map (SQLite's row cache shares it): read them,
// never change them in place.
func (s *Service) FindContact(ctx context.Context, owner Owner, instanceID, contactID string) (*Contact, error) {
	var c *Contact
	err := s.port.View(ctx, "find contact", func(tx Tx) error {
		var err error
		if c, err = find(ctx, tx, owner, instanceID, contactID, "Contact"); err != nil {
			return err
		}
		if c.State, err = tx.ContactState(ctx, instanceID, contactID); err != nil {
			return err
		}
		return tx.LoadDetails(ctx, c)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// unstoppableVoiceMethods are the initiation methods of voice contacts that
// StopContact refuses: "It does not work for voice contacts that use the
// following initiation methods: DISCONNECT, TRANSFER, QUEUE_TRANSFER,
// EXTERNAL_OUTBOUND, MONITOR" (StopContact API reference).
func unstoppableVoiceMethods() []InitiationMethod {
	return []InitiationMethod{"DISCONNECT", "TRANSFER", "QUEUE_TRANSFER", "EXTERNAL_OUTBOUND", "MONITOR"}
}

// StopContact ends an active contact now: ENOTFOUND if it does not exist,
// EINVALIDREQUEST for a voice contact of one of the methods StopContact
// does not work for, ENOTACTIVE if it has already ended.
func (s *Service) StopContact(ctx context.Context, owner Owner, instanceID, contactID string) error {
	return s.stop(ctx, owner, instanceID, contactID, DisconnectAPI)
}

// DisconnectFromFlow ends an active contact as a flow's
// DisconnectParticipant block does: as StopContact, with the same errors,
// but its contact record says DisconnectReason CONTACT_FLOW_DISCONNECT
// (contact records data model), not API.
func (s *Service) DisconnectFromFlow(ctx context.Context, owner Owner, instanceID, contactID string) error {
	return s.stop(ctx, owner, instanceID, contactID, DisconnectFlow)
}

// stop ends contact id, its record saying reason (a Disconnect* constant).
func (s *Service) stop(ctx context.Context, owner Owner, instanceID, contactID, reason string) error {
	return s.port.Update(ctx, "stop contact", func(tx Tx) error {
		c, err := lock(ctx, tx, owner, instanceID, contactID)
		if err != nil {
			return err
		}
		if c.Channel == ChannelVoice && slices.Contains(unstoppableVoiceMethods(), c.InitiationMethod) {
			return Errorf(EINVALIDREQUEST, "StopContact does not work for VOICE contacts initiated by %s.", c.InitiationMethod)
		}
		if !c.Active() {
			return Errorf(ENOTACTIVE, "Contact %s has already ended.", contactID)
		}
		if err := tx.EndContact(ctx, instanceID, contactID, s.now()); err != nil {
			return err
		}
		return s.ended(ctx, tx, owner, instanceID, contactID, RecordFacts{DisconnectReason: reason})
	})
}

package connectd

import (
	"context"
	"time"
)

// ContactState is what connectd keeps of a contact beyond its row and
// details for the later contact operations: pausing (PauseContact,
// ResumeContact). It belongs to the one contact, not its chain; nil
// stands for the zero state.
type ContactState struct {
	// Paused is whether the contact is paused now.
	Paused bool
	// LastPausedAt is when it was last paused (zero if never); PauseCount
	// how many times it was paused; PausedFor the time it spent paused in
	// pauses that have ended (the model's LastPausedTimestamp,
	// TotalPauseCount and TotalPauseDurationInSeconds).
	LastPausedAt time.Time
	PauseCount   int
	PausedFor    time.Duration
}

// ContactStateTx is the part of Tx for chains and contact state.
type ContactStateTx interface {
	// ChainContacts returns every live contact of the chain whose initial
	// contact is initialID, by InitiationTimestamp and then id, without
	// maps or details.
	ChainContacts(ctx context.Context, instanceID, initialID string) ([]*Contact, error)
	// ContactState returns the state of contact id, nil when none was
	// saved.
	ContactState(ctx context.Context, instanceID, id string) (*ContactState, error)
	// SaveContactState stores s as the state of contact id, which exists.
	SaveContactState(ctx context.Context, instanceID, id string, s *ContactState) error
}

// exportStates reads the state of each of contacts into it.
func exportStates(ctx context.Context, tx Tx, contacts []*Contact) error {
	for _, c := range contacts {
		st, err := tx.ContactState(ctx, c.InstanceID, c.ID)
		if err != nil {
			return err
		}
		c.State = st
	}
	return nil
}

// importStates saves the state of each imported contact that has one.
func importStates(ctx context.Context, tx Tx, contacts []*Contact) error {
	for _, c := range contacts {
		if c.State != nil {
			if err := tx.SaveContactState(ctx, c.InstanceID, c.ID, c.State); err != nil {
				return err
			}
		}
	}
	return nil
}

package connectd

import (
	"context"
	"slices"
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
	// Routing is the routing data UpdateContactRoutingData set; nil if
	// never.
	Routing *RoutingData
	// EmailSentAt is when StartOutboundEmailContact sent the contact's
	// email (zero if not yet), with the ClientToken it was sent with.
	EmailSentAt    time.Time
	EmailSentToken string
	// ContinuedFrom is the past chat contact a persistent chat
	// association rehydrates (CreatePersistentContactAssociation), and
	// PersistentSource the SourceContactId it was asked with.
	ContinuedFrom, PersistentSource string
	// Ended is what the contact's first contact record said of how it
	// ended, for the records sent again after a change (recordAgain).
	Ended RecordFacts
	// Redacted are the ContactFields DeleteContactData deleted, in the
	// model's order, each once.
	Redacted []string
}

// RoutingData is a contact's routing priority, age adjustment and
// criteria (UpdateContactRoutingData). connectd routes nothing, so it only
// keeps them for DescribeContact.
type RoutingData struct {
	// QueuePriority and QueueTimeAdjustmentSeconds: at most one is set.
	QueuePriority              *int64
	QueueTimeAdjustmentSeconds *int64
	// RoutingSteps is the request's RoutingCriteria.Steps as JSON (the
	// model's RoutingCriteriaInputSteps), kept as given; nil if none;
	// RoutingSetAt is when they were set.
	RoutingSteps []byte
	RoutingSetAt time.Time
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
	// SetScheduled sets the ScheduledTimestamp of contact id to at and its
	// LastUpdateTimestamp to updated.
	SetScheduled(ctx context.Context, instanceID, id string, at, updated time.Time) error
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
			for _, f := range c.State.Redacted {
				if !slices.Contains(ContactFields(), f) {
					return Errorf(EINVALID, "Contact %s: %q is not a ContactField.", c.ID, f)
				}
			}
			if r := c.State.Ended.DisconnectReason; r != "" && r != DisconnectAPI && r != DisconnectFlow {
				return Errorf(EINVALID, "Contact %s: DisconnectReason %q is not %s or %s.", c.ID, r, DisconnectAPI, DisconnectFlow)
			}
			if err := tx.SaveContactState(ctx, c.InstanceID, c.ID, c.State); err != nil {
				return err
			}
		}
	}
	return nil
}

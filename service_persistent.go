package connectd

import (
	"context"
	"time"
)

// The model's RehydrationType values.
const (
	RehydrateEntirePastSession = "ENTIRE_PAST_SESSION"
	RehydrateFromSegment       = "FROM_SEGMENT"
)

// CreatePersistentContactAssociation lets the active chat initialID
// continue the ended chat sourceID and returns the contact it continues
// from: sourceID itself for FROM_SEGMENT; for ENTIRE_PAST_SESSION, where
// sourceID must be the initial contact of the past session, the session's
// most recently ended contact. ENOTFOUND for an unknown contact;
// EINVALIDREQUEST for a current contact that is no active chat, a source
// that is no ended chat, or a current contact already associated with
// another source; EINVALID for ENTIRE_PAST_SESSION with a source that does
// not start its session. Asking again for the same source answers as the
// first time.
func (s *Service) CreatePersistentContactAssociation(ctx context.Context, owner Owner, instanceID, initialID, sourceID, rehydration string) (string, error) {
	var continued string
	err := s.port.Update(ctx, "create persistent contact association", func(tx Tx) error {
		cur, err := lock(ctx, tx, owner, instanceID, initialID)
		if err != nil {
			return err
		}
		if cur.Channel != ChannelChat || !cur.Active() {
			return Errorf(EINVALIDREQUEST, "Contact %s is not an active CHAT contact.", initialID)
		}
		src, err := find(ctx, tx, owner, instanceID, sourceID, "Source contact")
		if err != nil {
			return err
		}
		if src.Channel != ChannelChat || src.Active() {
			return Errorf(EINVALIDREQUEST, "Source contact %s is not an ended CHAT contact.", sourceID)
		}
		continued = sourceID
		if rehydration == RehydrateEntirePastSession {
			if !src.IsInitial() {
				return Errorf(EINVALID, "ENTIRE_PAST_SESSION needs the InitialContactId of the past session (%s) as SourceContactId.", src.InitialContactID)
			}
			if continued, err = lastEnded(ctx, tx, instanceID, sourceID); err != nil {
				return err
			}
		}
		st, err := tx.ContactState(ctx, instanceID, initialID)
		if err != nil {
			return err
		}
		if st == nil {
			st = &ContactState{}
		}
		switch {
		case st.ContinuedFrom == continued:
			return nil // asked again
		case st.ContinuedFrom != "":
			return Errorf(EINVALIDREQUEST, "Contact %s already continues contact %s.", initialID, st.ContinuedFrom)
		}
		st.ContinuedFrom, st.PersistentSource = continued, sourceID
		return tx.SaveContactState(ctx, instanceID, initialID, st)
	})
	return continued, err
}

// lastEnded returns the most recently ended contact of the chain initialID
// (the latest DisconnectTimestamp; the later started on a tie).
func lastEnded(ctx context.Context, tx Tx, instanceID, initialID string) (string, error) {
	members, err := tx.ChainContacts(ctx, instanceID, initialID)
	if err != nil {
		return "", err
	}
	last, at := initialID, time.Time{}
	for _, m := range members {
		if !m.Active() && !m.DisconnectTimestamp.Before(at) {
			last, at = m.ID, m.DisconnectTimestamp
		}
	}
	return last, nil
}

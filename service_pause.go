package connectd

import (
	"context"
	"slices"
)

// pausableChannels are the channels PauseContact works for: "Allows pausing
// an ongoing task contact" (PauseContact API reference); Amazon Connect's
// agent workspace pauses and resumes email contacts too, so EMAIL is
// accepted as well. Voice and chat are refused.
func pausableChannels() []Channel { return []Channel{ChannelTask, ChannelEmail} }

// PauseContact pauses an active TASK or EMAIL contact: ENOTFOUND for an
// unknown one, EINVALIDREQUEST for another channel, ECONFLICT for one that
// has ended or is paused already ("a conflict with another operation or
// contact state").
func (s *Service) PauseContact(ctx context.Context, owner Owner, instanceID, contactID string) error {
	return s.changePause(ctx, "pause contact", owner, instanceID, contactID, func(c *Contact, st *ContactState) error {
		if st.Paused {
			return Errorf(ECONFLICT, "Contact %s is already paused.", contactID)
		}
		st.Paused, st.LastPausedAt = true, s.now()
		st.PauseCount++
		return nil
	})
}

// ResumeContact resumes a paused contact, adding the pause to PausedFor:
// the errors of PauseContact, with ECONFLICT for one that is not paused.
func (s *Service) ResumeContact(ctx context.Context, owner Owner, instanceID, contactID string) error {
	return s.changePause(ctx, "resume contact", owner, instanceID, contactID, func(c *Contact, st *ContactState) error {
		if !st.Paused {
			return Errorf(ECONFLICT, "Contact %s is not paused.", contactID)
		}
		st.Paused = false
		st.PausedFor += s.now().Sub(st.LastPausedAt)
		return nil
	})
}

func (s *Service) changePause(ctx context.Context, op string, owner Owner, instanceID, contactID string,
	change func(*Contact, *ContactState) error) error {
	return s.port.Update(ctx, op, func(tx Tx) error {
		c, err := lock(ctx, tx, owner, instanceID, contactID)
		if err != nil {
			return err
		}
		if !slices.Contains(pausableChannels(), c.Channel) {
			return Errorf(EINVALIDREQUEST, "Only TASK and EMAIL contacts can be paused and resumed; contact %s is %s.", contactID, c.Channel)
		}
		if !c.Active() {
			return Errorf(ECONFLICT, "Contact %s has ended.", contactID)
		}
		st, err := tx.ContactState(ctx, instanceID, contactID)
		if err != nil {
			return err
		}
		if st == nil {
			st = &ContactState{}
		}
		if err := change(c, st); err != nil {
			return err
		}
		if err := tx.SaveContactState(ctx, instanceID, contactID, st); err != nil {
			return err
		}
		return tx.SetNames(ctx, instanceID, contactID, nil, nil, s.now())
	})
}

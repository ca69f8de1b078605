package connectd

import (
	"context"
	"time"
)

// MaxScheduleAhead is how far ahead a task may be scheduled: "It must be
// within up to 6 days in future" (StartTaskContact and
// UpdateContactSchedule, ScheduledTime).
const MaxScheduleAhead = 6 * 24 * time.Hour

// scheduleSlack is how far in the past a ScheduledTime may be, for the
// clock skew between a client and connectd ("The scheduled time cannot be
// in the past"); StartTaskContact allows the same minute.
const scheduleSlack = time.Minute

// UpdateContactSchedule moves an already scheduled, active TASK contact to
// at: ENOTFOUND for an unknown contact, EINVALIDREQUEST for another
// channel, one that was never scheduled or one that has ended, EINVALID
// for a time in the past or more than MaxScheduleAhead away.
func (s *Service) UpdateContactSchedule(ctx context.Context, owner Owner, instanceID, contactID string, at time.Time) error {
	return s.port.Update(ctx, "update contact schedule", func(tx Tx) error {
		c, err := lock(ctx, tx, owner, instanceID, contactID)
		if err != nil {
			return err
		}
		now := s.now()
		switch {
		case c.Channel != ChannelTask:
			return Errorf(EINVALIDREQUEST, "Only TASK contacts can be scheduled; contact %s is %s.", contactID, c.Channel)
		case c.ScheduledTimestamp.IsZero():
			return Errorf(EINVALIDREQUEST, "Contact %s is not a scheduled task; UpdateContactSchedule changes the time of one that is.", contactID)
		case !c.Active():
			return Errorf(EINVALIDREQUEST, "Contact %s has ended.", contactID)
		case at.Before(now.Add(-scheduleSlack)) || at.After(now.Add(MaxScheduleAhead)):
			return Errorf(EINVALID, "Member ScheduledTime must not be in the past and at most 6 days ahead.")
		}
		return tx.SetScheduled(ctx, instanceID, contactID, at, now)
	})
}

// UpdateContactRoutingData sets the routing data of an active contact: the
// members of r that are set replace the stored ones. ENOTFOUND for an
// unknown contact; EINVALID when both or none of QueuePriority and
// QueueTimeAdjustmentSeconds and no RoutingSteps are given ("Either
// QueuePriority or QueueTimeAdjustmentInSeconds should be provided within
// the request body, but not both"); ECONFLICT for an ended contact.
func (s *Service) UpdateContactRoutingData(ctx context.Context, owner Owner, instanceID, contactID string, r RoutingData) error {
	switch {
	case r.QueuePriority != nil && r.QueueTimeAdjustmentSeconds != nil:
		return Errorf(EINVALID, "Give either QueuePriority or QueueTimeAdjustmentSeconds, not both.")
	case r.QueuePriority == nil && r.QueueTimeAdjustmentSeconds == nil && r.RoutingSteps == nil:
		return Errorf(EINVALID, "Give QueuePriority, QueueTimeAdjustmentSeconds or RoutingCriteria.")
	}
	return s.port.Update(ctx, "update contact routing data", func(tx Tx) error {
		c, err := lock(ctx, tx, owner, instanceID, contactID)
		if err != nil {
			return err
		}
		if !c.Active() {
			return Errorf(ECONFLICT, "Contact %s has ended; its routing data can no longer change.", contactID)
		}
		st, err := tx.ContactState(ctx, instanceID, contactID)
		if err != nil {
			return err
		}
		if st == nil {
			st = &ContactState{}
		}
		if st.Routing == nil {
			st.Routing = &RoutingData{}
		}
		now := s.now()
		// Priority and age adjustment exclude each other on the contact too.
		if r.QueuePriority != nil {
			st.Routing.QueuePriority, st.Routing.QueueTimeAdjustmentSeconds = r.QueuePriority, nil
		}
		if r.QueueTimeAdjustmentSeconds != nil {
			st.Routing.QueueTimeAdjustmentSeconds, st.Routing.QueuePriority = r.QueueTimeAdjustmentSeconds, nil
		}
		if r.RoutingSteps != nil {
			st.Routing.RoutingSteps, st.Routing.RoutingSetAt = r.RoutingSteps, now
		}
		if err := tx.SaveContactState(ctx, instanceID, contactID, st); err != nil {
			return err
		}
		return tx.SetNames(ctx, instanceID, contactID, nil, nil, now)
	})
}

package connectd

import "context"

// EnqueueFromFlow puts contact contactID of the owner's instance in queue
// queueID, for a flow's TransferContactToQueue: QueueInfo gets the queue
// and an EnqueueTimestamp of now, and a QUEUED contact event says so. The
// action "places a contact that is not already in a queue": a contact a
// flow has queued already is EINVALIDREQUEST, an ended one ENOTACTIVE, and
// nothing changes (the flow takes its error branch).
func (s *Service) EnqueueFromFlow(ctx context.Context, owner Owner, instanceID, contactID, queueID string) error {
	return s.port.Update(ctx, "enqueue contact", func(tx Tx) error {
		c, err := lock(ctx, tx, owner, instanceID, contactID)
		if err != nil {
			return err
		}
		if !c.Active() {
			return Errorf(ENOTACTIVE, "Contact %s has ended; it cannot be queued.", contactID)
		}
		if !c.EnqueueTimestamp.IsZero() {
			return Errorf(EINVALIDREQUEST, "Contact %s is already in queue %s.", contactID, c.QueueID)
		}
		now := s.now()
		if err := tx.EnqueueContact(ctx, instanceID, contactID, queueID, now); err != nil {
			return err
		}
		c.QueueID, c.EnqueueTimestamp, c.LastUpdateTimestamp = queueID, now, now
		if err := tx.LoadDetails(ctx, c); err != nil {
			return err
		}
		return s.event(ctx, tx, owner, c, EventQueued)
	})
}

package connectd

import (
	"context"
	"slices"
)

// ContactFields lists the model's ContactField values, the categories of
// PII that DeleteContactData deletes, in the model's order.
func ContactFields() []string {
	return []string{"CUSTOMER_ENDPOINT", "ADDITIONAL_EMAIL_RECIPIENTS", "EMAIL_SUBJECT"}
}

// emailOnlyFields are the ContactFields of "email channel only"
// (DeleteContactData API reference).
func emailOnlyFields() []string { return []string{"ADDITIONAL_EMAIL_RECIPIENTS", "EMAIL_SUBJECT"} }

// DeleteContactData deletes the PII fields of a terminated contact: "The
// contact must be in a terminated state" (DeleteContactData API
// reference). ENOTFOUND for an unknown contact; ENOTTERMINATED for an
// active one; EINVALID for an email field of a contact of another channel.
// connectd keeps none of these fields' values (no customer endpoint,
// recipients or subject), so deleting them records that they were
// deleted, which DescribeContact and the export show; deleting a field
// twice is a successful no-op, as the deletion is permanent. A deletion
// that changes something sends the contact record again, its deleted
// fields null (recordFieldOf).
func (s *Service) DeleteContactData(ctx context.Context, owner Owner, instanceID, contactID string, fields []string) error {
	return s.port.Update(ctx, "delete contact data", func(tx Tx) error {
		c, err := lock(ctx, tx, owner, instanceID, contactID)
		if err != nil {
			return err
		}
		if c.Active() {
			return Errorf(ENOTTERMINATED, "Contact %s has not been disconnected; PII can be deleted only from a terminated contact.", contactID)
		}
		for _, f := range fields {
			if c.Channel != ChannelEmail && slices.Contains(emailOnlyFields(), f) {
				return Errorf(EINVALID, "ContactFields %s applies to EMAIL contacts only; contact %s is %s.", f, contactID, c.Channel)
			}
		}
		st, err := tx.ContactState(ctx, instanceID, contactID)
		if err != nil {
			return err
		}
		if st == nil {
			st = &ContactState{}
		}
		var redacted []string
		for _, f := range ContactFields() {
			if slices.Contains(fields, f) || slices.Contains(st.Redacted, f) {
				redacted = append(redacted, f)
			}
		}
		if slices.Equal(redacted, st.Redacted) {
			return nil
		}
		st.Redacted = redacted
		if err := tx.SaveContactState(ctx, instanceID, contactID, st); err != nil {
			return err
		}
		now := s.now()
		if err := tx.SetNames(ctx, instanceID, contactID, nil, nil, now); err != nil {
			return err
		}
		// A change of an ended contact sends its record again, as
		// UpdateContactAttributes does (service_outbox.go); this one
		// without the deleted fields.
		c.LastUpdateTimestamp = now
		if err := tx.LoadDetails(ctx, c); err != nil {
			return err
		}
		return s.recordAgain(ctx, tx, owner, c)
	})
}

package connectd

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
)

// The outbox: every contact record and contact event is written by the use
// case that causes it, through its own Tx, so it is kept exactly when the
// change is (a rejected or failed request announces nothing, an
// acknowledged one cannot lose its record). A deliverer sends the entries
// after the commit; nothing here waits for a sink.

// SetDelivery tells the Service what the process's deliverer can take
// (cmd/connectd wires it with the deliverer it starts), so that an entry
// nothing can take is written NO_DESTINATION at once. Without it every
// entry is written PENDING for a deliverer to decide (connecttest runs
// none, and its entries stay PENDING). It must be called before the
// Service serves requests.
func (s *Service) SetDelivery(d Delivery) { s.delivery = &d }

// announce writes payload, encoded, as a new entry of kind about contact
// c: PENDING, or NO_DESTINATION if nothing can take it (deliverable).
func (s *Service) announce(ctx context.Context, tx Tx, c *Contact, kind OutboxKind, payload any) error {
	var b []byte
	if a, ok := payload.(jsonAppender); ok {
		b = a.AppendJSON(make([]byte, 0, 1024))
	} else if enc, err := json.Marshal(payload); err != nil {
		return fmt.Errorf("encode %s of contact %s: %w", kind, c.ID, err)
	} else {
		b = enc
	}
	state := OutboxPending
	if ok, err := s.deliverable(ctx, tx, c.InstanceID, kind); err != nil {
		return err
	} else if !ok {
		state = OutboxNoDestination
	}
	return tx.AppendOutbox(ctx, &OutboxEntry{
		InstanceID: c.InstanceID, ContactID: c.ID, Kind: kind,
		Payload: b, CreatedAt: s.now(), State: state,
	})
}

// deliverable reports whether an entry of kind written now in the
// instance can be delivered: always when SetDelivery was not called (the
// deliverer decides); an event if events have a sink; a record if the
// instance has a CONTACT_TRACE_RECORDS storage config now, read in the
// unit of work, so a config associated or removed concurrently is seen
// either before or after the record, never half. This is what a user of
// Amazon Connect sees when enabling data streaming: the stream receives
// the records produced from then on, not the earlier ones.
func (s *Service) deliverable(ctx context.Context, tx Tx, instanceID string, kind OutboxKind) (bool, error) {
	switch {
	case s.delivery == nil:
		return true, nil
	case kind == OutboxEvent:
		return s.delivery.Events, nil
	}
	scs, err := tx.StorageConfigs(ctx, instanceID, ResourceContactTraceRecords)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(scs, func(sc *StorageConfig) bool { return sc.Target() != "" }), nil
}

// jsonAppender is a payload that writes its own JSON, byte for byte what
// json.Marshal would (the contact event, contact_event_json.go).
type jsonAppender interface{ AppendJSON([]byte) []byte }

// event writes the contact event eventType of c.
func (s *Service) event(ctx context.Context, tx Tx, owner Owner, c *Contact, eventType string, updated ...string) error {
	return s.announce(ctx, tx, c, OutboxEvent, ContactEvent(owner, c, eventType, s.now(), updated))
}

// startEvents writes the events of a contact just created: INITIATED;
// CONNECTED_TO_SYSTEM for a chat or a task, which have their media at once
// ("This event is generated for outbound calls (...), tasks, and chats",
// contact events data model), while a call waits for its media, which
// connectd has none of; and QUEUED for a contact put in a queue.
func (s *Service) startEvents(ctx context.Context, tx Tx, owner Owner, c *Contact) error {
	if err := s.event(ctx, tx, owner, c, EventInitiated); err != nil {
		return err
	}
	if c.Channel == ChannelChat || c.Channel == ChannelTask {
		if err := s.event(ctx, tx, owner, c, EventConnectedToSystem); err != nil {
			return err
		}
	}
	if c.QueueID != "" {
		return s.event(ctx, tx, owner, c, EventQueued)
	}
	return nil
}

// ended writes what the end of contact id says: its contact record, read
// as the unit of work now sees it (its chain's map, its details), and a
// DISCONNECTED event.
func (s *Service) ended(ctx context.Context, tx Tx, owner Owner, instanceID, id string, f RecordFacts) error {
	c, err := s.record(ctx, tx, owner, instanceID, id, f)
	if err != nil {
		return err
	}
	if f != (RecordFacts{}) {
		// Kept with the contact's state, so that a record sent again
		// after a change (recordAgain) says how the contact ended too.
		st, err := tx.ContactState(ctx, instanceID, id)
		if err != nil {
			return err
		}
		if st == nil {
			st = &ContactState{}
		}
		st.Ended = f
		if err := tx.SaveContactState(ctx, instanceID, id, st); err != nil {
			return err
		}
	}
	return s.event(ctx, tx, owner, c, EventDisconnected)
}

// record writes the contact record of contact id and returns the contact as
// the record shows it.
func (s *Service) record(ctx context.Context, tx Tx, owner Owner, instanceID, id string, f RecordFacts) (*Contact, error) {
	c, err := find(ctx, tx, owner, instanceID, id, "Contact")
	if err != nil {
		return nil, err
	}
	if err := tx.LoadDetails(ctx, c); err != nil {
		return nil, err
	}
	return c, s.announce(ctx, tx, c, OutboxRecord, ContactRecord(owner, c, f))
}

// dataUpdated writes the CONTACT_DATA_UPDATED event of c, the contact as
// the unit of work leaves it (its details loaded, its Attributes the
// chain's map if it is the initial contact), and, if the contact has
// ended, its contact record again: "when you use update-contact-attributes
// (...) Amazon Connect delivers a new contact record" (contact records data
// model). The record sent again repeats DisconnectReason, NextContactId
// and TransferCompletedTimestamp from the contact's state, where ended
// keeps them. It reads nothing more for the
// common case, an active contact: the caller already holds what the event
// says.
func (s *Service) dataUpdated(ctx context.Context, tx Tx, owner Owner, c *Contact, what string) error {
	if err := s.event(ctx, tx, owner, c, EventDataUpdated, what); err != nil {
		return err
	}
	if c.Active() {
		return nil
	}
	return s.recordAgain(ctx, tx, owner, c)
}

// recordAgain writes the contact record of c, an ended contact that just
// changed, as the unit of work leaves it (its details loaded): with the
// chain's map, and without the values of the fields DeleteContactData
// deleted, so it reads the contact's state.
func (s *Service) recordAgain(ctx context.Context, tx Tx, owner Owner, c *Contact) error {
	if !c.IsInitial() {
		// A later member's row holds no map; the chain's is on its initial contact.
		_, m, _, err := tx.ChainOf(ctx, owner, c.InstanceID, c.ID)
		if err != nil {
			return err
		}
		c.Attributes = m
	}
	st, err := tx.ContactState(ctx, c.InstanceID, c.ID)
	if err != nil {
		return err
	}
	c.State = st
	var f RecordFacts
	if st != nil {
		f = st.Ended // zero for a contact that ended before connectd kept it
	}
	return s.announce(ctx, tx, c, OutboxRecord, ContactRecord(owner, c, f))
}

// PendingOutbox returns up to limit undelivered outbox entries, oldest
// first, for a deliverer.
func (s *Service) PendingOutbox(ctx context.Context, limit int) ([]*OutboxEntry, error) {
	var out []*OutboxEntry
	err := s.port.View(ctx, "read pending outbox", func(tx Tx) error {
		var err error
		out, err = tx.PendingOutbox(ctx, limit)
		return err
	})
	return out, err
}

// MarkOutbox stores the delivery state of entries, in one unit of work.
func (s *Service) MarkOutbox(ctx context.Context, entries []*OutboxEntry) error {
	if len(entries) == 0 {
		return nil
	}
	return s.port.Update(ctx, "mark outbox", func(tx Tx) error {
		for _, e := range entries {
			if err := tx.MarkOutbox(ctx, e); err != nil {
				return err
			}
		}
		return nil
	})
}

// TrimOutbox drops the oldest entries past keep (see DefaultOutboxCap) and
// returns how many undelivered ones it dropped.
func (s *Service) TrimOutbox(ctx context.Context, keep int) (int, error) {
	var n int
	err := s.port.Update(ctx, "trim outbox", func(tx Tx) error {
		var err error
		n, err = tx.TrimOutbox(ctx, keep)
		return err
	})
	return n, err
}

// Outbox returns up to limit outbox entries of the instance (every
// instance for ""), with Seq after `after`, oldest first, with their
// delivery state: what the control plane and connecttest show.
func (s *Service) Outbox(ctx context.Context, instanceID string, after int64, limit int) ([]*OutboxEntry, error) {
	var out []*OutboxEntry
	err := s.port.View(ctx, "read outbox", func(tx Tx) error {
		var err error
		out, err = tx.Outbox(ctx, instanceID, after, limit)
		return err
	})
	return out, err
}

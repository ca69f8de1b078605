package connectd

import (
	"context"
	"time"
)

// OutboxKind says what an outbox entry announces and so where it goes.
type OutboxKind string

// The kinds of outbox entry.
const (
	// OutboxRecord is a contact record (CTR), delivered to the instance's
	// CONTACT_TRACE_RECORDS stream (Kinesis Data Streams or Firehose).
	OutboxRecord OutboxKind = "CONTACT_RECORD"
	// OutboxEvent is a contact event, delivered to EventBridge when
	// contact events are enabled.
	OutboxEvent OutboxKind = "CONTACT_EVENT"
)

// OutboxState is where an outbox entry is in its delivery.
type OutboxState string

// The delivery states of an outbox entry.
const (
	// OutboxPending: not delivered yet; retried until it is.
	OutboxPending OutboxState = "PENDING"
	// OutboxDelivered: the sink acknowledged it.
	OutboxDelivered OutboxState = "DELIVERED"
	// OutboxNoDestination: nothing was configured to receive it (no
	// storage config for records, contact events off), so it was set
	// aside undelivered, as Amazon Connect streams nothing without a
	// destination: written so at once when the Service knows that
	// (SetDelivery), else by the deliverer when its turn came.
	OutboxNoDestination OutboxState = "NO_DESTINATION"
)

// Delivery is what the process's outbox deliverer can deliver, which the
// Service reads when it writes an entry: one nothing can take is written
// NO_DESTINATION in the same INSERT, so the deliverer never reads it nor
// writes it again (a second unit of work through the store's writer for
// every UpdateContactAttributes, with contact events off, the default).
// Records go to the instance's CONTACT_TRACE_RECORDS storage configs: a
// record written while the instance has none is NO_DESTINATION, and is
// not sent to a config associated after it (README, Behaviour).
type Delivery struct {
	// Events says contact events have a sink (serve --contact-events
	// eventbridge). Without one every event is NO_DESTINATION.
	Events bool
}

// DefaultOutboxCap is how many entries the outbox keeps by default, of
// every state. Past it the oldest are dropped, delivered or not, so a sink
// that is gone for days cannot fill the disk; each undelivered entry dropped
// is counted and logged by the deliverer.
const DefaultOutboxCap = 100_000

// OutboxEntry is one contact record or contact event waiting for delivery,
// or delivered. The Service writes it in the same unit of work as the
// change it announces; the deliverer sends it after the commit.
type OutboxEntry struct {
	// Seq orders the entries: the store assigns it, increasing with
	// every entry it keeps. Delivery follows Seq within a contact.
	Seq        int64
	InstanceID string
	ContactID  string
	Kind       OutboxKind
	// Payload is the JSON delivered: the contact record, or the event as
	// EventBridge delivers it to a rule's target (its detail inside).
	Payload   []byte
	CreatedAt time.Time
	State     OutboxState
	// Attempts counts failed deliveries; NextAttempt is when the next may
	// run (zero: at once); LastError says why the last one failed.
	Attempts    int
	NextAttempt time.Time
	LastError   string
	DeliveredAt time.Time // zero until delivered
}

// OutboxTx is the outbox's part of a Tx.
type OutboxTx interface {
	// AppendOutbox stores e as a new entry in e.State (PENDING, or
	// NO_DESTINATION for one nothing can take) and sets e.Seq, at the
	// latest by the time the unit of work has committed (PostgreSQL
	// sends the INSERT with COMMIT).
	AppendOutbox(ctx context.Context, e *OutboxEntry) error
	// PendingOutbox returns up to limit PENDING entries in Seq order,
	// whatever their NextAttempt.
	PendingOutbox(ctx context.Context, limit int) ([]*OutboxEntry, error)
	// MarkOutbox stores e's State, Attempts, NextAttempt, LastError and
	// DeliveredAt on the entry e.Seq, if it is still there.
	MarkOutbox(ctx context.Context, e *OutboxEntry) error
	// Outbox returns up to limit entries of the instance (every instance
	// for ""), with Seq greater than after, in Seq order.
	Outbox(ctx context.Context, instanceID string, after int64, limit int) ([]*OutboxEntry, error)
	// TrimOutbox deletes the oldest entries so that at most keep remain,
	// and returns how many of those it deleted were PENDING.
	TrimOutbox(ctx context.Context, keep int) (droppedPending int, err error)
}

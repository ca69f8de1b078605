package connectd

import (
	"context"
	"errors"
	"time"
)

// Service holds every use case of connectd once: the rules, limits, quotas
// and error messages of instances, contacts, their attributes and details,
// search, retention and the control plane's import, export and reset. It
// runs each use case as one unit of work on a Port, so the sqlite and
// postgres stores hold the same behaviour by construction; the storetest
// suite checks it over each.
//
// Errors are *Error values with the codes documented on each method; any
// other error is an internal failure.
type Service struct {
	port  Port
	clock Clock
	// flows runs the flow a new TASK or CHAT contact names, if set
	// (SetFlowStarter, service_flowruns.go).
	flows FlowStarter
	// delivery is what the process's deliverer can take, if known
	// (SetDelivery, service_outbox.go).
	delivery *Delivery
	// backfill wakes IndexSearchKeys (search_index.go) when a key is
	// registered; it holds at most one wake-up.
	backfill chan struct{}
	// process is this process's id among those sharing the store
	// (flow_processes.go): the runs it starts carry it.
	process string
}

// NewService returns the Service of the store port, reading "now" from
// clock (the clock the store was opened with, which decides retention).
func NewService(port Port, clock Clock) *Service {
	process := newProcessID()
	if p, ok := port.(Processes); ok {
		process = p.ProcessID()
	}
	return &Service{port: port, clock: clock, backfill: make(chan struct{}, 1), process: process}
}

// now is the clock's reading at the millisecond precision every store keeps.
func (s *Service) now() time.Time { return toMillis(s.clock.Now()) }

// cutoff is the retention cutoff at now, at the stores' precision, so that a
// contact initiated exactly on the boundary is kept.
func (s *Service) cutoff() time.Time { return toMillis(RetentionCutoff(s.clock.Now())) }

// instanceNotFound is the error for an instance the caller cannot see.
func instanceNotFound(id string) error {
	return Errorf(ENOTFOUND, "Instance %s not found.", id)
}

// contactExists is the error for a contact id already in use.
func contactExists(id, instanceID string) error {
	return Errorf(ECONFLICT, "Contact %s already exists in instance %s.", id, instanceID)
}

// missing is the ENOTFOUND for a contact a lookup missed, naming the
// instance instead if that is what is missing. what names the contact
// ("Contact", "Previous contact", ...). A miss is rare enough to afford the
// second lookup.
func missing(ctx context.Context, tx Tx, owner Owner, instanceID, id, what string) error {
	ok, err := tx.InstanceExists(ctx, owner, instanceID)
	if err != nil {
		return err
	}
	if !ok {
		return instanceNotFound(instanceID)
	}
	return Errorf(ENOTFOUND, "%s %s not found in instance %s.", what, id, instanceID)
}

// find returns the live contact id with its chain's map, or missing's error.
func find(ctx context.Context, tx Tx, owner Owner, instanceID, id, what string) (*Contact, error) {
	c, err := tx.FindContact(ctx, owner, instanceID, id)
	if err == nil && c == nil {
		err = missing(ctx, tx, owner, instanceID, id, what)
	}
	return c, err
}

// lock returns the live contact id locked for a read-modify-write (its own
// row's map in Attributes), or missing's error.
func lock(ctx context.Context, tx Tx, owner Owner, instanceID, id string) (*Contact, error) {
	c, err := tx.LockContact(ctx, owner, instanceID, id)
	if err == nil && c == nil {
		err = missing(ctx, tx, owner, instanceID, id, "Contact")
	}
	return c, err
}

// conflictOf returns the kind of the *Conflict in err's chain, or "".
func conflictOf(err error) string {
	var c *Conflict
	if errors.As(err, &c) {
		return c.What
	}
	return ""
}

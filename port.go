package connectd

import (
	"context"
	"fmt"
	"time"
)

// OpUpdateAttributes is the op of the Service's UpdateAttributes (see Port).
const OpUpdateAttributes = "update attributes"

// Port is what a store gives the Service: units of work over its rows.
// The Service holds every rule of every use case; a store holds only its
// SQL, its locking and its commit strategy, and says in its package comment
// what it guarantees.
//
// Update runs fn as one atomic read-write unit of work: either all its
// writes are kept, durably, before Update returns nil, or none is. A
// *Error returned by fn rolls the unit back and comes back unchanged, so a
// rejected request changes nothing; any other error is wrapped with op. A
// store may run fn more than once (PostgreSQL retries a transaction that
// lost a deadlock), so fn must read everything it depends on through its Tx
// and change nothing outside it but its results.
//
// An Update whose op is OpUpdateAttributes may first run fn against what
// the store remembers of its own commits, where a read it cannot answer
// fails, and then run fn again on the database, discarding the first run
// (the postgres store's optimistic attempt). Such a fn must act on a
// failed read only by returning the error, as the Service's does.
//
// View runs fn as a read-only unit of work; writes through its Tx fail.
// Every read of a Tx sees only live contacts: those initiated at or after
// RetentionCutoff of the store's clock, unless a method says otherwise.
type Port interface {
	Update(ctx context.Context, op string, fn func(Tx) error) error
	View(ctx context.Context, op string, fn func(Tx) error) error
}

// Tx is the row-level access a unit of work has. Lookups return nil (or
// false) for a row that is absent; they never make up domain errors, which
// are the Service's. Times are kept to the millisecond. An Attributes map
// a lookup returns may be shared with the store's cache of committed rows:
// no caller changes it (Merge returns a new map).
type Tx interface {
	// FlowTx keeps flows and their runs (flow_port.go).
	FlowTx

	SettingsTx
	ContactStateTx
	// SearchIndexTx keeps the search index's keys (search_index.go).
	SearchIndexTx
	// Instance returns the owner's instance id, or nil.
	Instance(ctx context.Context, owner Owner, id string) (*Instance, error)
	// InstanceExists reports whether the owner has the instance id.
	InstanceExists(ctx context.Context, owner Owner, id string) (bool, error)
	// InstanceIDTaken reports whether any owner has an instance id.
	InstanceIDTaken(ctx context.Context, id string) (bool, error)
	// InstanceWithAlias returns the id of the owner's instance with alias,
	// or "".
	InstanceWithAlias(ctx context.Context, owner Owner, alias string) (string, error)
	// Instances returns up to limit of the owner's instances with ids
	// greater than after, in byte order of id.
	Instances(ctx context.Context, owner Owner, after string, limit int) ([]*Instance, error)
	// AllInstances returns every instance of every owner, in id order.
	AllInstances(ctx context.Context) ([]*Instance, error)
	// InsertInstance stores inst as given. An id or alias that a
	// concurrent unit of work took first is a *Conflict.
	InsertInstance(ctx context.Context, inst *Instance) error
	// DeleteInstance removes the owner's instance id with its contacts and
	// reports whether there was one.
	DeleteInstance(ctx context.Context, owner Owner, id string) (bool, error)

	// FindContact returns the live contact id of the owner's instance with
	// its chain's map in Attributes, or nil.
	FindContact(ctx context.Context, owner Owner, instanceID, id string) (*Contact, error)
	// LockContact is FindContact for a read-modify-write: a store shared
	// by many processes locks the contact's row until the unit ends.
	// Attributes is the map kept on the row itself, which is the chain's
	// map for an initial contact and empty for any other.
	LockContact(ctx context.Context, owner Owner, instanceID, id string) (*Contact, error)
	// LockChain returns the map of the chain whose initial contact is the
	// live contact initialID, locking its row as LockContact does;
	// found is false if that contact is not live.
	LockChain(ctx context.Context, instanceID, initialID string) (m Attributes, found bool, err error)
	// ChainOf returns the initial contact id and chain map of the live
	// contact id of the owner's instance in one cheap read (no details,
	// no lock); found is false if there is none.
	ChainOf(ctx context.Context, owner Owner, instanceID, id string) (initialID string, m Attributes, found bool, err error)
	// ContactRow returns the row of contact id of the instance whatever
	// its age (expired included), without details or map, or nil.
	ContactRow(ctx context.Context, instanceID, id string) (*Contact, error)
	// TokenHolder returns, as ContactRow does, the contact of the instance
	// started with ClientToken token, or nil.
	TokenHolder(ctx context.Context, instanceID, token string) (*Contact, error)
	// CountPrevious returns how many live contacts name previousID as
	// their PreviousContactId.
	CountPrevious(ctx context.Context, instanceID, previousID string) (int, error)
	// CountTransfers returns how many live contacts of the chain initialID
	// were started by a transfer (TRANSFER or QUEUE_TRANSFER).
	CountTransfers(ctx context.Context, instanceID, initialID string) (int, error)
	// InsertContact stores c's row with own as the map kept on it (nil for
	// none); c's details are saved separately. An id or ClientToken that a
	// concurrent unit of work took first, or an instance it deleted, is a
	// *Conflict.
	InsertContact(ctx context.Context, c *Contact, own Attributes) error
	// DeleteContact removes contact id of the instance, whatever its age.
	DeleteContact(ctx context.Context, instanceID, id string) error
	// SetChainMap stores m as the map on the row of initialID and, unless
	// updated is zero, sets its LastUpdateTimestamp.
	SetChainMap(ctx context.Context, instanceID, initialID string, m Attributes, updated time.Time) error
	// EndContact sets the DisconnectTimestamp and LastUpdateTimestamp of
	// contact id to at.
	EndContact(ctx context.Context, instanceID, id string, at time.Time) error
	// EnqueueContact sets the QueueID and EnqueueTimestamp of contact id
	// to queueID and at, and its LastUpdateTimestamp to at.
	EnqueueContact(ctx context.Context, instanceID, id, queueID string, at time.Time) error
	// SetNames sets a contact's Name and Description where they are not
	// nil, and its LastUpdateTimestamp to at.
	SetNames(ctx context.Context, instanceID, id string, name, description *string, at time.Time) error
	// LoadDetails reads c's References and Tags into c.
	LoadDetails(ctx context.Context, c *Contact) error
	// SaveDetails stores c's References and Tags, as they are.
	SaveDetails(ctx context.Context, c *Contact) error
	// AllContacts returns every live contact, each with the map kept on
	// its row and its details, initial contacts before the other members
	// of their chains.
	AllContacts(ctx context.Context) ([]*Contact, error)
	// DeleteExpired deletes at most limit contacts initiated before the
	// retention cutoff and returns how many it deleted.
	DeleteExpired(ctx context.Context, limit int) (int, error)
	// DeleteAll deletes every instance and contact of every owner.
	DeleteAll(ctx context.Context) error

	// SearchSettings returns the searchable keys of the owner's instance
	// id (nil: every key) and the secret that seals search tokens; found
	// is false for an unknown instance.
	SearchSettings(ctx context.Context, owner Owner, instanceID string) (keys []string, secret []byte, found bool, err error)
	// SearchableKeys returns the searchable keys of the instance id of any
	// owner (nil: every key); found is false for an unknown instance.
	SearchableKeys(ctx context.Context, instanceID string) (keys []string, found bool, err error)
	// SetSearchableKeys stores keys (nil or empty: every key) as the
	// instance's searchable keys and reports whether there is one.
	SetSearchableKeys(ctx context.Context, instanceID string, keys []string) (found bool, err error)
	// SearchContacts returns up to limit live contacts of q.InstanceID
	// that match q's criteria, in q's order, after the cursor (nil: from
	// the start), and how many match in all, cursor and limit aside. Each
	// contact holds at least what a ContactSearchSummary shows (its ids,
	// channel, initiation method, name, queue and the initiation,
	// scheduled, disconnect and enqueue times) and its Tags (read for the
	// whole page at once), never Attributes; a store may leave out the
	// rest (SQLite does). The Service has checked q.
	SearchContacts(ctx context.Context, q *SearchQuery, after *SearchCursor, limit int) (contacts []*Contact, total int64, err error)

	// OutboxTx: the contact records and events waiting for delivery.
	OutboxTx
	// StorageConfigTx: instance storage configs.
	StorageConfigTx
}

// Conflict is what a Tx returns when a write collides with what a
// concurrent unit of work (of another process sharing the store) committed
// first, past the checks the Service made: a unique key taken, a parent row
// gone. The Service turns it into the use case's error.
type Conflict struct {
	// What is one of the Conflict* constants.
	What string
	// Err is the store's own error, for the log.
	Err error
}

// The kinds of Conflict.
const (
	ConflictInstanceID   = "instance id"
	ConflictAlias        = "instance alias"
	ConflictContactID    = "contact id"
	ConflictClientToken  = "client token"
	ConflictInstanceGone = "instance gone"
)

// Error implements the error interface.
func (c *Conflict) Error() string { return fmt.Sprintf("conflict on %s: %v", c.What, c.Err) }

// Unwrap returns the store's error.
func (c *Conflict) Unwrap() error { return c.Err }

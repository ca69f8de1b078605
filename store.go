package connectd

import "context"

// Store keeps instances, contacts and their attributes. Every backend (sqlite,
// and later postgres) implements it, and the storetest conformance suite
// holds them to the same behaviour.
//
// Stores own the rules that need a transaction: they run Merge, the size
// limit and the key rule inside the same transaction as the write, so a
// read-modify-write never loses a concurrent update and a rejected request
// changes nothing. Stores read "now" from the Clock they were opened with:
// contacts initiated before RetentionCutoff(now) are absent from every method.
//
// Errors are *Error values with the codes documented on each method; any other
// error is an internal failure.
type Store interface {
	// CreateInstance stores inst. An alias already used by another instance
	// of the same owner is EINVALIDREQUEST.
	CreateInstance(ctx context.Context, inst *Instance) error
	// FindInstance returns the owner's instance id, or ENOTFOUND.
	FindInstance(ctx context.Context, owner Owner, id string) (*Instance, error)
	// ListInstances returns up to limit of the owner's instances with ids
	// greater than after, in id order.
	ListInstances(ctx context.Context, owner Owner, after string, limit int) ([]*Instance, error)
	// DeleteInstance removes the owner's instance id and all its contacts,
	// or returns ENOTFOUND.
	DeleteInstance(ctx context.Context, owner Owner, id string) error

	// CreateContact stores a new contact c in the owner's instance
	// c.InstanceID and returns it as stored. The caller sets ID, Channel,
	// InitiationMethod and the optional fields; a zero InitiationTimestamp
	// means now. The store applies the chain rules:
	//   - PreviousContactID joins that contact's chain (same
	//     InitialContactID, one shared map); ENOTFOUND if it does not exist,
	//     EQUOTA if MaxTasksPerPreviousContact contacts already name it.
	//   - RelatedContactID copies the related contact's attributes once; the
	//     new contact starts its own chain unless it also has a previous one.
	//   - c.Attributes are merged on top (Merge's rules; EINVALID).
	//   - c.References and c.Tags are stored as the contact's own, within
	//     MaxReferencesBytes and MergeTags' rules (EINVALID).
	// If c.ClientToken is set and a contact of the instance was started with
	// the same token, that contact is returned and nothing is created.
	CreateContact(ctx context.Context, owner Owner, c *Contact) (*Contact, error)
	// FindContact returns a contact with its chain's attributes, or
	// ENOTFOUND for an unknown instance or contact.
	FindContact(ctx context.Context, owner Owner, instanceID, contactID string) (*Contact, error)
	// StopContact ends an active contact now: ENOTFOUND if it does not exist,
	// ENOTACTIVE if it has already ended.
	StopContact(ctx context.Context, owner Owner, instanceID, contactID string) error

	// UpdateAttributes merges update into the chain map of the initial
	// contact initialContactID (Merge's rules). ENOTFOUND for an unknown
	// contact or one that is not the initial contact of its chain;
	// EINVALIDREQUEST for a contact initiated before APIRelease; EINVALID
	// for a bad key or a result over MaxAttributesBytes, with nothing
	// changed.
	UpdateAttributes(ctx context.Context, owner Owner, instanceID, initialContactID string, update Attributes) error
	// GetAttributes returns the chain map of the initial contact
	// initialContactID, with UpdateAttributes' ENOTFOUND rules.
	GetAttributes(ctx context.Context, owner Owner, instanceID, initialContactID string) (Attributes, error)

	Purger
	Searcher
	ContactDetailer
	// Close releases the store; after it returns, every acknowledged write
	// is on disk.
	Close() error
}

// AdminStore is the control plane's view of a store: wholesale reset,
// import and export. Every Store of connectd implements it too.
type AdminStore interface {
	// Reset deletes every instance and contact of every account.
	Reset(ctx context.Context) error
	// Export returns every instance and every live contact, each chain's
	// map on its initial contact, ordered so that Import accepts it.
	Export(ctx context.Context) (*Snapshot, error)
	// Import stores a snapshot that passed Snapshot.Validate, atomically:
	// an id that already exists, or a reference to an instance or contact
	// found neither in the snapshot nor in the store, is EINVALID naming
	// the record, and then nothing is imported.
	Import(ctx context.Context, snap *Snapshot) error
}

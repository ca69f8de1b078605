package stored

import (
	"context"
	"time"

	"github.com/connectd/connectd"
)

// DB runs one store's statements in the unit of work at hand. It is all
// that Tables needs of a store's driver.
type DB interface {
	// Exec runs a write and returns how many rows it changed; it fails in
	// a read-only unit of work.
	Exec(ctx context.Context, query string, args ...any) (int64, error)
	// Insert runs an INSERT and returns the new row's integer key (by
	// RETURNING, or SQLite's rowid of the row inserted);
	// it fails in a read-only unit of work.
	Insert(ctx context.Context, query string, args ...any) (int64, error)
	// One scans the single row of query into dest; false if there is none.
	One(ctx context.Context, query string, args []any, dest ...any) (bool, error)
	// Query runs query; the caller reads rs and then calls done.
	Query(ctx context.Context, query string, args ...any) (rs Rows, done func(), err error)
}

// TimeDest is a destination for one time column in a store's own form
// (Unix milliseconds, timestamptz): Scan fills what Dest returns, and Time
// reads it back in UTC, the zero time for NULL.
type TimeDest interface {
	Dest() any
	Time() time.Time
}

// Statements are one store's SQL for Tables. Each names its parameters
// in the order of the Tables method that runs it.
type Statements struct {
	// Flow documents: (instance, kind, id); FlowDocs (instance or "", kind).
	FlowDoc, FlowDocs, PutFlowDoc, DeleteFlowDoc string
	// Storage configs: StorageConfigs (instance, resource type or "").
	StorageConfigs, PutStorageConfig, DeleteStorageConfig string
	// Instance settings and tags, contact state.
	Settings, PutSettings, InstanceTags, ContactState, PutContactState string
	// The outbox: OutboxCutoff is the count of the entries and the seq of
	// the oldest to keep ($1 of them; NULL for an empty outbox), in one
	// statement and so one snapshot; OutboxSpan is max(seq) -
	// min(seq) + 1, or 0 for none (a bound of the count read through the
	// primary key's two ends).
	InsertOutbox, PendingOutbox, MarkOutbox, OutboxAll, OutboxInstance string
	OutboxSpan, CountOutbox, OutboxCutoff, CountPendingBefore          string
	DeleteOutboxBefore                                                 string
	// LockTrim, if not empty, runs first in a trim's unit of work and
	// holds off every other trim until it ends (TrimOutbox says why).
	LockTrim string
	// LockInstance, if not empty, takes the lock of an instance
	// (instance) until the unit ends (connectd.SettingsTx).
	LockInstance string
}

// Tables is the row code of the tables that both stores read and write
// alike (flow documents, storage configs, instance settings, contact
// state, the outbox), written once: a store gives its SQL, its driver
// (DB) and how that driver takes and scans values (Driver). A store's
// rows embed it, so its methods are part of the store's connectd.Tx.
type Tables struct {
	DB     DB
	SQL    *Statements // built once per store: units of work share it
	Driver Driver
}

// FlowDoc returns a flow document, or nil.
func (t Tables) FlowDoc(ctx context.Context, instanceID, kind, id string) ([]byte, error) {
	var doc string
	ok, err := t.DB.One(ctx, t.SQL.FlowDoc, []any{instanceID, kind, id}, &doc)
	if !ok || err != nil {
		return nil, err
	}
	return []byte(doc), nil
}

// FlowDocs lists the documents of a kind, of one instance or of all ("").
func (t Tables) FlowDocs(ctx context.Context, instanceID, kind string) ([]connectd.FlowDoc, error) {
	return query(ctx, t.DB, FlowDocOf, t.SQL.FlowDocs, instanceID, kind)
}

// PutFlowDoc writes d, replacing a document of the same key.
func (t Tables) PutFlowDoc(ctx context.Context, d connectd.FlowDoc) error {
	_, err := t.DB.Exec(ctx, t.SQL.PutFlowDoc, d.InstanceID, d.Kind, d.ID, string(d.Doc))
	return err
}

// DeleteFlowDoc deletes a document; false if there was none.
func (t Tables) DeleteFlowDoc(ctx context.Context, instanceID, kind, id string) (bool, error) {
	n, err := t.DB.Exec(ctx, t.SQL.DeleteFlowDoc, instanceID, kind, id)
	return n > 0, err
}

// LockInstance runs the store's LockInstance statement, if it has one.
func (t Tables) LockInstance(ctx context.Context, instanceID string) error {
	if t.SQL.LockInstance == "" {
		return nil // one write at a time
	}
	_, err := t.DB.Exec(ctx, t.SQL.LockInstance, instanceID)
	return err
}

// StorageConfigs lists an instance's storage configs, of one resource
// type or of all ("").
func (t Tables) StorageConfigs(ctx context.Context, instanceID, resourceType string) ([]*connectd.StorageConfig, error) {
	return query(ctx, t.DB, StorageConfigOf(instanceID), t.SQL.StorageConfigs, instanceID, resourceType)
}

// PutStorageConfig writes sc, replacing the config of its association id.
func (t Tables) PutStorageConfig(ctx context.Context, sc *connectd.StorageConfig) error {
	_, err := t.DB.Exec(ctx, t.SQL.PutStorageConfig, sc.InstanceID, sc.AssociationID, sc.ResourceType,
		sc.StorageType, sc.StreamARN, sc.FirehoseARN, string(sc.Document))
	return err
}

// DeleteStorageConfig deletes a config; false if there was none.
func (t Tables) DeleteStorageConfig(ctx context.Context, instanceID, associationID string) (bool, error) {
	n, err := t.DB.Exec(ctx, t.SQL.DeleteStorageConfig, instanceID, associationID)
	return n > 0, err
}

// InstanceSettings returns an instance's settings, or nil if it has none.
func (t Tables) InstanceSettings(ctx context.Context, instanceID string) (*connectd.InstanceSettings, error) {
	var doc []byte
	found, err := t.DB.One(ctx, t.SQL.Settings, []any{instanceID}, &doc)
	if err != nil || !found {
		return nil, err
	}
	return ParseSettings(doc)
}

// SaveInstanceSettings writes an instance's settings.
func (t Tables) SaveInstanceSettings(ctx context.Context, instanceID string, s *connectd.InstanceSettings) error {
	doc, err := Settings(s)
	if err != nil {
		return err
	}
	_, err = t.DB.Exec(ctx, t.SQL.PutSettings, instanceID, string(doc))
	return err
}

// SetInstanceTags replaces an instance's tags; no tags are stored as NULL.
func (t Tables) SetInstanceTags(ctx context.Context, instanceID string, tags map[string]string) error {
	doc, _, err := Map(tags) // "" when empty, which Optional makes NULL
	if err != nil {
		return err
	}
	_, err = t.DB.Exec(ctx, t.SQL.InstanceTags, t.Driver.Optional(doc), instanceID)
	return err
}

// ContactState returns a contact's state, or nil if it has none.
func (t Tables) ContactState(ctx context.Context, instanceID, id string) (*connectd.ContactState, error) {
	var doc []byte
	found, err := t.DB.One(ctx, t.SQL.ContactState, []any{instanceID, id}, &doc)
	if err != nil || !found {
		return nil, err
	}
	return ParseContactState(doc)
}

// SaveContactState writes a contact's state.
func (t Tables) SaveContactState(ctx context.Context, instanceID, id string, s *connectd.ContactState) error {
	doc, err := ContactState(s)
	if err != nil {
		return err
	}
	_, err = t.DB.Exec(ctx, t.SQL.PutContactState, instanceID, id, string(doc))
	return err
}

// query reads every row of a query with of.
func query[T any](ctx context.Context, db DB, of func(scan func(dest ...any) error) (T, error), sql string, args ...any) ([]T, error) {
	rs, done, err := db.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	defer done()
	return Collect(rs, of)
}

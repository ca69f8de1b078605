package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/connectd/connectd"
)

var _ connectd.AdminStore = (*Store)(nil)

// Control-plane queries. Export lists initial contacts before the other
// members of their chains, so that Import finds every chain's map first.
const (
	queryAllInstances = `SELECT ` + instanceColumns + ` FROM instances ORDER BY id`
	queryAllContacts  = `SELECT c.instance_id, c.id, c.initial_contact_id, c.previous_contact_id,
		c.related_contact_id, c.channel, c.initiation_method, c.name, c.description,
		c.queue_id, c.client_token, c.initiated_ms, c.scheduled_ms, c.disconnected_ms,
		c.updated_ms, c.attributes
	FROM contacts c WHERE c.initiated_ms >= ?
	ORDER BY c.instance_id, c.id <> c.initial_contact_id, c.initiated_ms, c.id`
	queryInitialOf = `SELECT initial_contact_id FROM contacts
		WHERE instance_id = ? AND id = ? AND initiated_ms >= ?`
	queryChainMap = `SELECT attributes FROM contacts WHERE instance_id = ? AND id = ?`
)

// Reset deletes every instance and contact of every account.
func (s *Store) Reset(ctx context.Context) error {
	return s.write(ctx, "reset", func(tx *txn) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM contacts`); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM instances`)
		return err
	})
}

// Export returns every instance and every live contact; each chain's map is
// on its initial contact.
func (s *Store) Export(ctx context.Context) (*connectd.Snapshot, error) {
	snap := &connectd.Snapshot{}
	rows, err := s.reader.QueryContext(ctx, queryAllInstances)
	if err != nil {
		return nil, fmt.Errorf("sqlite: export instances: %w", err)
	}
	for rows.Next() {
		inst, err := scanInstance(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("sqlite: export instances: %w", err)
		}
		snap.Instances = append(snap.Instances, inst)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, fmt.Errorf("sqlite: export instances: %w", err)
	}
	cutoff := connectd.RetentionCutoff(s.clock.Now()).UnixMilli()
	rows, err = s.reader.QueryContext(ctx, queryAllContacts, cutoff)
	if err != nil {
		return nil, fmt.Errorf("sqlite: export contacts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		c, err := scanContact(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: export contacts: %w", err)
		}
		snap.Contacts = append(snap.Contacts, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: export contacts: %w", err)
	}
	if err := attachDetails(ctx, s.reader, snap.Contacts); err != nil {
		return nil, fmt.Errorf("sqlite: export contact details: %w", err)
	}
	return snap, nil
}

// Import stores snap in one write transaction. Rows go in first and
// references are checked afterwards, so the order of records in the
// snapshot does not matter; any error rolls everything back.
func (s *Store) Import(ctx context.Context, snap *connectd.Snapshot) error {
	cutoff := connectd.RetentionCutoff(s.clock.Now()).UnixMilli()
	return s.write(ctx, "import", func(tx *txn) error {
		return connectd.ImportSnapshot(ctx, importTx{s, tx, cutoff}, snap)
	})
}

func (s *Store) importInstance(ctx context.Context, tx *txn, inst *connectd.Instance) error {
	var n int
	if err := tx.QueryRowContext(ctx, queryInstanceByID, inst.ID).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return connectd.Errorf(connectd.EINVALID, "an instance with this Id already exists.")
	}
	if inst.Alias != "" {
		var other string
		err := tx.QueryRowContext(ctx, queryInstanceAlias, inst.Owner.AccountID, inst.Owner.Region, inst.Alias).Scan(&other)
		if err == nil {
			return connectd.Errorf(connectd.EINVALID, "the alias %q is already used by instance %s.", inst.Alias, other)
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
	}
	if inst.CreatedTime.IsZero() {
		inst.CreatedTime = s.clock.Now()
	}
	if inst.Status == "" {
		inst.Status = connectd.InstanceStatusActive
	}
	tags, err := encodeMap(inst.Tags)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, insertInstance, inst.ID, inst.Owner.AccountID, inst.Owner.Region,
		nullString(inst.Alias), inst.IdentityManagementType, nullString(inst.DirectoryID),
		inst.InboundCallsEnabled, inst.OutboundCallsEnabled, inst.Status, millis(truncate(inst.CreatedTime)), tags)
	return err
}

// insertImported inserts a contact's row with an empty map; LinkImported
// fills chain maps once every row is in.
func (s *Store) insertImported(ctx context.Context, tx *txn, c *connectd.Contact, cutoff int64) error {
	var n int
	if err := tx.QueryRowContext(ctx, queryInstanceByID, c.InstanceID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return connectd.Errorf(connectd.EINVALID, "instance %s exists neither in the import nor in the store.", c.InstanceID)
	}
	if err := s.claimContactID(ctx, tx, c.InstanceID, c.ID, cutoff); err != nil {
		return err
	}
	updated := c.LastUpdateTimestamp
	if updated.IsZero() {
		updated = c.InitiationTimestamp
	}
	_, err := tx.ExecContext(ctx, insertContact, c.InstanceID, c.ID, c.InitialContactID,
		nullString(c.PreviousContactID), nullString(c.RelatedContactID), string(c.Channel),
		string(c.InitiationMethod), c.Name, c.Description, c.QueueID, nullString(c.ClientToken),
		millis(truncate(c.InitiationTimestamp)), millis(truncate(c.ScheduledTimestamp)),
		millis(truncate(c.DisconnectTimestamp)), millis(truncate(updated)), sql.NullString{})
	if err != nil || (len(c.References) == 0 && len(c.Tags) == 0) {
		return err
	}
	return saveDetails(ctx, tx, c)
}

// importTx is the import transaction, as connectd.ImportSnapshot needs it.
type importTx struct {
	s      *Store
	tx     *txn
	cutoff int64
}

func (l importTx) InsertInstance(ctx context.Context, inst *connectd.Instance) error {
	return l.s.importInstance(ctx, l.tx, inst)
}

func (l importTx) InsertContact(ctx context.Context, c *connectd.Contact) error {
	return l.s.insertImported(ctx, l.tx, c, l.cutoff)
}

func (l importTx) InitialOf(ctx context.Context, instanceID, id string) (string, bool, error) {
	var initial string
	err := l.tx.QueryRowContext(ctx, queryInitialOf, instanceID, id, l.cutoff).Scan(&initial)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return initial, err == nil, err
}

func (l importTx) CountPrevious(ctx context.Context, instanceID, previousID string) (int, error) {
	var n int
	err := l.tx.QueryRowContext(ctx, queryCountPrevious, instanceID, previousID, l.cutoff).Scan(&n)
	return n, err
}

func (l importTx) ChainMap(ctx context.Context, instanceID, initialID string) (connectd.Attributes, error) {
	var doc sql.NullString
	if err := l.tx.QueryRowContext(ctx, queryChainMap, instanceID, initialID).Scan(&doc); err != nil {
		return nil, err
	}
	return decodeMap(doc)
}

func (l importTx) SetChainMap(ctx context.Context, instanceID, initialID string, m connectd.Attributes) error {
	enc, err := encodeMap(m)
	if err != nil {
		return err
	}
	_, err = l.tx.ExecContext(ctx, `UPDATE contacts SET attributes = ? WHERE instance_id = ? AND id = ?`, enc, instanceID, initialID)
	return err
}

package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/connectd/connectd"
	"github.com/jackc/pgx/v5"
)

var _ connectd.AdminStore = (*Store)(nil)

// Control-plane queries. Export lists initial contacts before the other
// members of their chains, so that Import finds every chain's map first.
const (
	queryAllInstances = `SELECT ` + instanceColumns + ` FROM instances ORDER BY id`
	queryAllContacts  = `SELECT ` + contactColumns + `, c.attributes
		FROM contacts c WHERE c.initiated_at >= $1
		ORDER BY c.instance_id, c.id <> c.initial_contact_id, c.initiated_at, c.id`
	queryInitialOf = `SELECT initial_contact_id FROM contacts
		WHERE instance_id = $1 AND id = $2 AND initiated_at >= $3`
)

// Reset deletes every instance and contact of every account. TRUNCATE
// briefly locks both tables against every replica, which suits a control
// plane meant for tests.
func (s *Store) Reset(ctx context.Context) error {
	return s.inTx(ctx, "reset", func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `TRUNCATE contact_details, contacts, instances`)
		return err
	})
}

// Export returns every instance and every live contact; each chain's map is
// on its initial contact. Both lists come from one REPEATABLE READ
// snapshot, so a contact never refers to something missing from it.
func (s *Store) Export(ctx context.Context) (*connectd.Snapshot, error) {
	var snap *connectd.Snapshot
	err := s.retry(ctx, func() error {
		tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx) //nolint:errcheck // read-only
		snap = &connectd.Snapshot{}
		rows, err := tx.Query(ctx, queryAllInstances)
		if err != nil {
			return err
		}
		if snap.Instances, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (*connectd.Instance, error) {
			return scanInstance(r)
		}); err != nil {
			return err
		}
		if rows, err = tx.Query(ctx, queryAllContacts, s.cutoff()); err != nil {
			return err
		}
		snap.Contacts, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (*connectd.Contact, error) {
			return scanContact(r)
		})
		if err != nil {
			return err
		}
		return attachDetails(ctx, tx, snap.Contacts)
	})
	if err != nil {
		return nil, s.fail("export", err)
	}
	return snap, nil
}

// Import stores snap in one transaction. Rows go in first and references
// are checked afterwards, so the order of records in the snapshot does
// not matter; any error rolls everything back.
func (s *Store) Import(ctx context.Context, snap *connectd.Snapshot) error {
	return s.inTx(ctx, "import", func(tx pgx.Tx) error {
		cutoff := s.cutoff()
		return connectd.ImportSnapshot(ctx, importTx{s, tx, cutoff}, snap)
	})
}

// insertImported inserts a contact's row with an empty map; LinkImported
// fills chain maps once every row is in.
func (s *Store) insertImported(ctx context.Context, tx pgx.Tx, c *connectd.Contact, cutoff time.Time) error {
	var exists bool
	if err := tx.QueryRow(ctx, queryInstanceIDTaken, c.InstanceID).Scan(&exists); err != nil {
		return err
	}
	if !exists {
		return connectd.Errorf(connectd.EINVALID, "instance %s exists neither in the import nor in the store.", c.InstanceID)
	}
	if err := s.claimContactID(ctx, tx, c.InstanceID, c.ID, cutoff); err != nil {
		return err
	}
	updated := c.LastUpdateTimestamp
	if updated.IsZero() {
		updated = c.InitiationTimestamp
	}
	_, err := tx.Exec(ctx, insertContact, c.InstanceID, c.ID, c.InitialContactID,
		nullString(c.PreviousContactID), nullString(c.RelatedContactID), string(c.Channel),
		string(c.InitiationMethod), c.Name, c.Description, c.QueueID, nullString(c.ClientToken),
		truncate(c.InitiationTimestamp), nullTime(c.ScheduledTimestamp),
		nullTime(c.DisconnectTimestamp), truncate(updated), nil)
	if constraint, _ := uniqueViolation(err); constraint == "contacts_client_token" {
		return connectd.Errorf(connectd.EINVALID, "ClientToken %q is already used by another contact of instance %s.", c.ClientToken, c.InstanceID)
	}
	if err != nil || (len(c.References) == 0 && len(c.Tags) == 0) {
		return err
	}
	return saveDetails(ctx, tx, c)
}

// importTx is the import transaction, as connectd.ImportSnapshot needs it;
// a chain's map is read with its row locked.
type importTx struct {
	s      *Store
	tx     pgx.Tx
	cutoff time.Time
}

func (l importTx) InsertInstance(ctx context.Context, inst *connectd.Instance) error {
	if inst.CreatedTime.IsZero() {
		inst.CreatedTime = l.s.clock.Now()
	}
	if inst.Status == "" {
		inst.Status = connectd.InstanceStatusActive
	}
	return l.s.insertInstance(ctx, l.tx, inst, connectd.EINVALID, connectd.EINVALID)
}

func (l importTx) InsertContact(ctx context.Context, c *connectd.Contact) error {
	return l.s.insertImported(ctx, l.tx, c, l.cutoff)
}

func (l importTx) InitialOf(ctx context.Context, instanceID, id string) (string, bool, error) {
	var initial string
	err := l.tx.QueryRow(ctx, queryInitialOf, instanceID, id, l.cutoff).Scan(&initial)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", false, nil
	}
	return initial, err == nil, err
}

func (l importTx) CountPrevious(ctx context.Context, instanceID, previousID string) (int, error) {
	var n int
	err := l.tx.QueryRow(ctx, queryCountPrevious, instanceID, previousID, l.cutoff).Scan(&n)
	return n, err
}

func (l importTx) ChainMap(ctx context.Context, instanceID, initialID string) (connectd.Attributes, error) {
	var doc []byte
	if err := l.tx.QueryRow(ctx, lockChainMap, instanceID, initialID, l.cutoff).Scan(&doc); err != nil {
		return nil, err
	}
	return decodeMap(doc)
}

func (l importTx) SetChainMap(ctx context.Context, instanceID, initialID string, m connectd.Attributes) error {
	enc, err := encodeMap(m)
	if err != nil {
		return err
	}
	_, err = l.tx.Exec(ctx, `UPDATE contacts SET attributes = $1 WHERE instance_id = $2 AND id = $3`, enc, instanceID, initialID)
	return err
}

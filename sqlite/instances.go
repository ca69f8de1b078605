package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/connectd/connectd"
)

// Instance queries. Every one names the owner, so another account or region
// can neither see nor touch an instance.
const (
	instanceColumns = `id, account, region, alias, identity_management_type, directory_id,
		inbound, outbound, status, created_ms, tags`
	queryInstance = `SELECT ` + instanceColumns + ` FROM instances
		WHERE id = ? AND account = ? AND region = ?`
	queryInstanceExists = `SELECT count(*) FROM instances WHERE id = ? AND account = ? AND region = ?`
	queryInstanceByID   = `SELECT count(*) FROM instances WHERE id = ?`
	queryInstanceAlias  = `SELECT id FROM instances WHERE account = ? AND region = ? AND alias = ?`
	queryListInstances  = `SELECT ` + instanceColumns + ` FROM instances
		WHERE account = ? AND region = ? AND id > ? ORDER BY id LIMIT ?`
	insertInstance = `INSERT INTO instances (` + instanceColumns + `)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	deleteInstanceContacts = `DELETE FROM contacts WHERE instance_id = ?`
	deleteInstance         = `DELETE FROM instances WHERE id = ? AND account = ? AND region = ?`
)

// CreateInstance stores inst. A zero inst.CreatedTime is set to the clock's
// now and an empty inst.Status to ACTIVE, in inst itself, so the caller
// holds what was stored. An alias already used by another instance of the
// same owner is EINVALIDREQUEST; an id already in use is ECONFLICT.
func (s *Store) CreateInstance(ctx context.Context, inst *connectd.Instance) error {
	if inst.CreatedTime.IsZero() {
		inst.CreatedTime = s.clock.Now()
	}
	inst.CreatedTime = truncate(inst.CreatedTime)
	if inst.Status == "" {
		inst.Status = connectd.InstanceStatusActive
	}
	tags, err := encodeMap(inst.Tags)
	if err != nil {
		return fmt.Errorf("sqlite: create instance: %w", err)
	}
	return s.write(ctx, "create instance", func(tx *txn) error {
		// Instance ids are global: the id is part of the ARN.
		var n int
		if err := tx.QueryRowContext(ctx, queryInstanceByID, inst.ID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return connectd.Errorf(connectd.ECONFLICT, "Instance %s already exists.", inst.ID)
		}
		if inst.Alias != "" {
			var other string
			err := tx.QueryRowContext(ctx, queryInstanceAlias, inst.Owner.AccountID, inst.Owner.Region, inst.Alias).Scan(&other)
			if err == nil {
				return connectd.Errorf(connectd.EINVALIDREQUEST,
					"The instance alias %q is already in use by instance %s.", inst.Alias, other)
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, insertInstance,
			inst.ID, inst.Owner.AccountID, inst.Owner.Region, nullString(inst.Alias),
			inst.IdentityManagementType, nullString(inst.DirectoryID),
			inst.InboundCallsEnabled, inst.OutboundCallsEnabled, inst.Status,
			millis(inst.CreatedTime), tags)
		return err
	})
}

// FindInstance returns the owner's instance id, or ENOTFOUND.
func (s *Store) FindInstance(ctx context.Context, owner connectd.Owner, id string) (*connectd.Instance, error) {
	inst, err := scanInstance(s.reader.QueryRowContext(ctx, queryInstance, id, owner.AccountID, owner.Region))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, instanceNotFound(id)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: find instance: %w", err)
	}
	return inst, nil
}

// ListInstances returns up to limit of the owner's instances with ids
// greater than after, in id order. A limit below 1 returns none.
func (s *Store) ListInstances(ctx context.Context, owner connectd.Owner, after string, limit int) ([]*connectd.Instance, error) {
	if limit < 1 {
		return nil, nil
	}
	rows, err := s.reader.QueryContext(ctx, queryListInstances, owner.AccountID, owner.Region, after, limit)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list instances: %w", err)
	}
	defer rows.Close()
	var out []*connectd.Instance
	for rows.Next() {
		inst, err := scanInstance(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: list instances: %w", err)
		}
		out = append(out, inst)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: list instances: %w", err)
	}
	return out, nil
}

// DeleteInstance removes the owner's instance id and all its contacts, or
// returns ENOTFOUND. The contacts are deleted explicitly (through their
// primary key's instance_id prefix) rather than left to the foreign key's
// cascade, so the outcome does not depend on the foreign_keys pragma.
func (s *Store) DeleteInstance(ctx context.Context, owner connectd.Owner, id string) error {
	return s.write(ctx, "delete instance", func(tx *txn) error {
		var n int
		if err := tx.QueryRowContext(ctx, queryInstanceExists, id, owner.AccountID, owner.Region).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return instanceNotFound(id)
		}
		if _, err := tx.ExecContext(ctx, deleteInstanceContacts, id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, deleteInstance, id, owner.AccountID, owner.Region)
		return err
	})
}

// instanceExists reports whether owner has the instance id.
func instanceExists(ctx context.Context, q querier, owner connectd.Owner, id string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, queryInstanceExists, id, owner.AccountID, owner.Region).Scan(&n)
	return n > 0, err
}

// instanceNotFound is the error for an instance the caller cannot see.
func instanceNotFound(id string) error {
	return connectd.Errorf(connectd.ENOTFOUND, "Instance %s not found.", id)
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

func scanInstance(r scanner) (*connectd.Instance, error) {
	var (
		inst              connectd.Instance
		alias, directory  sql.NullString
		created           sql.NullInt64
		tags              sql.NullString
		inbound, outbound bool
	)
	err := r.Scan(&inst.ID, &inst.Owner.AccountID, &inst.Owner.Region, &alias,
		&inst.IdentityManagementType, &directory, &inbound, &outbound,
		&inst.Status, &created, &tags)
	if err != nil {
		return nil, err
	}
	inst.Alias, inst.DirectoryID = alias.String, directory.String
	inst.InboundCallsEnabled, inst.OutboundCallsEnabled = inbound, outbound
	inst.CreatedTime = timeOf(created)
	m, err := decodeMap(tags)
	if err != nil {
		return nil, err
	}
	if len(m) > 0 {
		inst.Tags = m
	}
	return &inst, nil
}

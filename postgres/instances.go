package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/connectd/connectd"
	"github.com/jackc/pgx/v5"
)

// Instance queries. Every one names the owner, except the check that an
// id is free: instance ids are global, being part of the ARN.
const (
	instanceColumns = `id, account, region, alias, identity_management_type, directory_id,
		inbound, outbound, status, created_at, tags`
	queryInstance = `SELECT ` + instanceColumns + ` FROM instances
		WHERE id = $1 AND account = $2 AND region = $3`
	queryInstanceIDTaken = `SELECT EXISTS (SELECT 1 FROM instances WHERE id = $1)`
	queryInstanceAlias   = `SELECT id FROM instances WHERE account = $1 AND region = $2 AND alias = $3`
	queryListInstances   = `SELECT ` + instanceColumns + ` FROM instances
		WHERE account = $1 AND region = $2 AND id > $3 ORDER BY id LIMIT $4`
	insertInstance = `INSERT INTO instances (` + instanceColumns + `)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`
	// The contacts go with the instance: ON DELETE CASCADE, through the
	// instance_id prefix of their primary key.
	deleteInstance = `DELETE FROM instances WHERE id = $1 AND account = $2 AND region = $3`
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
	err := s.inTx(ctx, "create instance", func(tx pgx.Tx) error {
		return s.insertInstance(ctx, tx, inst, connectd.ECONFLICT, connectd.EINVALIDREQUEST)
	})
	return err
}

// insertInstance inserts inst, reporting a taken id or alias with the
// given codes. The checks give precise messages; the unique indexes are
// what decides when two replicas insert at once, and their violations are
// mapped to the same codes.
func (s *Store) insertInstance(ctx context.Context, tx pgx.Tx, inst *connectd.Instance, idTaken, aliasTaken string) error {
	var taken bool
	if err := tx.QueryRow(ctx, queryInstanceIDTaken, inst.ID).Scan(&taken); err != nil {
		return err
	}
	if taken {
		return connectd.Errorf(idTaken, "Instance %s already exists.", inst.ID)
	}
	if inst.Alias != "" {
		var other string
		err := tx.QueryRow(ctx, queryInstanceAlias, inst.Owner.AccountID, inst.Owner.Region, inst.Alias).Scan(&other)
		if err == nil {
			return connectd.Errorf(aliasTaken, "The instance alias %q is already in use by instance %s.", inst.Alias, other)
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
	}
	tags, err := encodeMap(inst.Tags)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, insertInstance,
		inst.ID, inst.Owner.AccountID, inst.Owner.Region, nullString(inst.Alias),
		inst.IdentityManagementType, nullString(inst.DirectoryID),
		inst.InboundCallsEnabled, inst.OutboundCallsEnabled, inst.Status,
		truncate(inst.CreatedTime), tags)
	switch constraint, _ := uniqueViolation(err); constraint {
	case "instances_pkey":
		return connectd.Errorf(idTaken, "Instance %s already exists.", inst.ID)
	case "instances_owner_alias":
		return connectd.Errorf(aliasTaken, "The instance alias %q is already in use.", inst.Alias)
	}
	return err
}

// FindInstance returns the owner's instance id, or ENOTFOUND.
func (s *Store) FindInstance(ctx context.Context, owner connectd.Owner, id string) (*connectd.Instance, error) {
	var inst *connectd.Instance
	err := s.read(ctx, "find instance", func(q querier) error {
		var err error
		inst, err = scanInstance(q.QueryRow(ctx, queryInstance, id, owner.AccountID, owner.Region))
		if errors.Is(err, pgx.ErrNoRows) {
			return instanceNotFound(id)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return inst, nil
}

// ListInstances returns up to limit of the owner's instances with ids
// greater than after, in id order (byte order: the id column's collation
// is "C"). A limit below 1 returns none.
func (s *Store) ListInstances(ctx context.Context, owner connectd.Owner, after string, limit int) ([]*connectd.Instance, error) {
	if limit < 1 {
		return nil, nil
	}
	var out []*connectd.Instance
	err := s.read(ctx, "list instances", func(q querier) error {
		rows, err := q.Query(ctx, queryListInstances, owner.AccountID, owner.Region, after, limit)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (*connectd.Instance, error) {
			return scanInstance(r)
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteInstance removes the owner's instance id and all its contacts, or
// returns ENOTFOUND.
func (s *Store) DeleteInstance(ctx context.Context, owner connectd.Owner, id string) error {
	return s.inTx(ctx, "delete instance", func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, deleteInstance, id, owner.AccountID, owner.Region)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return instanceNotFound(id)
		}
		return nil
	})
}

// scanInstance reads instanceColumns.
func scanInstance(r pgx.Row) (*connectd.Instance, error) {
	var (
		inst             connectd.Instance
		alias, directory *string
		created          time.Time
		tags             []byte
	)
	err := r.Scan(&inst.ID, &inst.Owner.AccountID, &inst.Owner.Region, &alias,
		&inst.IdentityManagementType, &directory, &inst.InboundCallsEnabled, &inst.OutboundCallsEnabled,
		&inst.Status, &created, &tags)
	if err != nil {
		return nil, err
	}
	inst.Alias, inst.DirectoryID = deref(alias), deref(directory)
	inst.CreatedTime = created.UTC()
	m, err := decodeMap(tags)
	if err != nil {
		return nil, err
	}
	if len(m) > 0 {
		inst.Tags = m
	}
	return &inst, nil
}

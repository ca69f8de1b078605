package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/internal/stored"
)

// Instance queries. Every one names the owner, so another account or region
// can neither see nor touch an instance, except the check that an id is
// free: instance ids are global, being part of the ARN.
const (
	instanceColumns = stored.InstanceColumns + `, created_ms, tags`
	queryInstance   = `SELECT ` + instanceColumns + ` FROM instances
		WHERE id = ? AND account = ? AND region = ?`
	queryInstanceExists = `SELECT count(*) FROM instances WHERE id = ? AND account = ? AND region = ?`
	queryInstanceByID   = `SELECT count(*) FROM instances WHERE id = ?`
	queryInstanceAlias  = `SELECT id FROM instances WHERE account = ? AND region = ? AND alias = ?`
	queryListInstances  = `SELECT ` + instanceColumns + ` FROM instances
		WHERE account = ? AND region = ? AND id > ? ORDER BY id LIMIT ?`
	queryAllInstances = `SELECT ` + instanceColumns + ` FROM instances ORDER BY id`
	insertInstance    = `INSERT INTO instances (` + instanceColumns + `)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	deleteInstanceContacts = `DELETE FROM contacts WHERE instance_id = ?`
	deleteInstance         = `DELETE FROM instances WHERE id = ? AND account = ? AND region = ?`
	deleteInstanceFlowDocs = `DELETE FROM flow_docs WHERE instance_id = ?`
)

func (r *rows) Instance(ctx context.Context, owner connectd.Owner, id string) (*connectd.Instance, error) {
	inst, err := scanInstance(r.q.QueryRowContext(ctx, queryInstance, id, owner.AccountID, owner.Region))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return inst, err
}

func (r *rows) InstanceExists(ctx context.Context, owner connectd.Owner, id string) (bool, error) {
	n, err := r.count(ctx, queryInstanceExists, id, owner.AccountID, owner.Region)
	return n > 0, err
}

func (r *rows) InstanceIDTaken(ctx context.Context, id string) (bool, error) {
	n, err := r.count(ctx, queryInstanceByID, id)
	return n > 0, err
}

func (r *rows) InstanceWithAlias(ctx context.Context, owner connectd.Owner, alias string) (string, error) {
	var id string
	_, err := r.one(ctx, queryInstanceAlias, []any{owner.AccountID, owner.Region, alias}, &id)
	return id, err
}

func (r *rows) Instances(ctx context.Context, owner connectd.Owner, after string, limit int) ([]*connectd.Instance, error) {
	return r.instances(ctx, queryListInstances, owner.AccountID, owner.Region, after, limit)
}

func (r *rows) AllInstances(ctx context.Context) ([]*connectd.Instance, error) {
	return r.instances(ctx, queryAllInstances)
}

func (r *rows) instances(ctx context.Context, query string, args ...any) ([]*connectd.Instance, error) {
	rs, err := r.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []*connectd.Instance
	for rs.Next() {
		inst, err := scanInstance(rs)
		if err != nil {
			return nil, err
		}
		out = append(out, inst)
	}
	return out, rs.Err()
}

func (r *rows) InsertInstance(ctx context.Context, inst *connectd.Instance) error {
	tags, err := encodeMap(inst.Tags)
	if err != nil {
		return err
	}
	_, err = r.exec(ctx, insertInstance, driver().InstanceValues(inst, tags)...)
	return err
}

// DeleteInstance deletes the contacts explicitly (through their primary
// key's instance_id prefix) rather than leaving them to the foreign key's
// cascade, so the outcome does not depend on the foreign_keys pragma.
func (r *rows) DeleteInstance(ctx context.Context, owner connectd.Owner, id string) (bool, error) {
	if ok, err := r.InstanceExists(ctx, owner, id); err != nil || !ok {
		return false, err
	}
	if _, err := r.exec(ctx, deleteInstanceContacts, id); err != nil {
		return false, err
	}
	if _, err := r.exec(ctx, deleteInstanceFlowDocs, id); err != nil {
		return false, err
	}
	_, err := r.exec(ctx, deleteInstance, id, owner.AccountID, owner.Region)
	return err == nil, err
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

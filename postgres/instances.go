package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/internal/stored"
	"github.com/jackc/pgx/v5"
)

// Instance statements. An instance id is global (it is part of the ARN),
// so only the check that one is taken ignores the owner; every other
// statement names the account and region.
const (
	instanceColumns = stored.InstanceColumns + `, created_at, tags`
	queryInstance   = `SELECT ` + instanceColumns + ` FROM instances
		WHERE id = $1 AND account = $2 AND region = $3`
	queryInstanceExists  = `SELECT EXISTS (SELECT 1 FROM instances WHERE id = $1 AND account = $2 AND region = $3)`
	queryInstanceIDTaken = `SELECT EXISTS (SELECT 1 FROM instances WHERE id = $1)`
	queryInstanceAlias   = `SELECT id FROM instances WHERE account = $1 AND region = $2 AND alias = $3`
	queryListInstances   = `SELECT ` + instanceColumns + ` FROM instances
		WHERE account = $1 AND region = $2 AND id > $3 ORDER BY id LIMIT $4`
	queryAllInstances = `SELECT ` + instanceColumns + ` FROM instances ORDER BY id`
	insertInstance    = `INSERT INTO instances (` + instanceColumns + `)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`
	// The contacts go with the instance: ON DELETE CASCADE, through the
	// instance_id prefix of their primary key.
	deleteInstance = `DELETE FROM instances WHERE id = $1 AND account = $2 AND region = $3`
	// deleteInstanceCounts follows deleteInstance: the cascade deletes the
	// instance's counted values (migration 0015), and then the members'
	// deltas that their triggers add of the values not yet gone, so the
	// counters and deltas go here (a foreign key to the counted values
	// would fail those deltas' inserts instead, depending on the order in
	// which the cascades run).
	deleteInstanceCounts = `WITH k AS (DELETE FROM contact_value_counts WHERE instance_id = $1)
		DELETE FROM contact_value_count_deltas WHERE instance_id = $1`
)

// Instances lists in byte order: the id column's collation is "C".
func (r *rows) Instances(ctx context.Context, owner connectd.Owner, after string, limit int) ([]*connectd.Instance, error) {
	rs, err := r.q.Query(ctx, queryListInstances, owner.AccountID, owner.Region, after, limit)
	return collectInstances(rs, err)
}

// AllInstances starts an export: its snapshot holds for AllContacts too,
// so a contact never refers to an instance missing from the export.
func (r *rows) AllInstances(ctx context.Context) ([]*connectd.Instance, error) {
	if err := r.snapshot(ctx); err != nil {
		return nil, err
	}
	rs, err := r.q.Query(ctx, queryAllInstances)
	return collectInstances(rs, err)
}

// collectInstances reads the rows of an instance query.
func collectInstances(rs pgx.Rows, err error) ([]*connectd.Instance, error) {
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rs, func(row pgx.CollectableRow) (*connectd.Instance, error) { return scanInstance(row) })
}

func (r *rows) Instance(ctx context.Context, owner connectd.Owner, id string) (*connectd.Instance, error) {
	switch inst, err := scanInstance(r.q.QueryRow(ctx, queryInstance, id, owner.AccountID, owner.Region)); {
	case errors.Is(err, pgx.ErrNoRows):
		return nil, nil
	default:
		return inst, err
	}
}

// InstanceExists and InstanceIDTaken ask the server for a boolean (EXISTS).
func (r *rows) InstanceExists(ctx context.Context, owner connectd.Owner, id string) (bool, error) {
	return r.exists(ctx, queryInstanceExists, id, owner.AccountID, owner.Region)
}

func (r *rows) InstanceIDTaken(ctx context.Context, id string) (bool, error) {
	return r.exists(ctx, queryInstanceIDTaken, id)
}

func (r *rows) exists(ctx context.Context, sql string, args ...any) (ok bool, err error) {
	err = r.q.QueryRow(ctx, sql, args...).Scan(&ok)
	return ok, err
}

func (r *rows) InstanceWithAlias(ctx context.Context, owner connectd.Owner, alias string) (string, error) {
	rs, err := r.q.Query(ctx, queryInstanceAlias, owner.AccountID, owner.Region, alias)
	if err != nil {
		return "", err
	}
	id, err := pgx.CollectOneRow(rs, pgx.RowTo[string])
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	return id, err
}

// InsertInstance leaves a race between replicas to the unique indexes,
// whose violations are Conflicts.
func (r *rows) InsertInstance(ctx context.Context, inst *connectd.Instance) error {
	tags, err := encodeMap(inst.Tags)
	if err != nil {
		return err
	}
	_, err = r.exec(ctx, insertInstance, driver().InstanceValues(inst, tags)...)
	return conflict(err)
}

func (r *rows) DeleteInstance(ctx context.Context, owner connectd.Owner, id string) (bool, error) {
	n, err := r.exec(ctx, deleteInstance, id, owner.AccountID, owner.Region)
	if err != nil || n == 0 {
		return false, err
	}
	// A fold under way may be moving the instance's deltas into counters
	// this statement's snapshot would not see: wait for it (foldLock).
	if _, err := r.exec(ctx, `SELECT pg_advisory_xact_lock($1)`, foldLock); err != nil {
		return false, err
	}
	_, err = r.exec(ctx, deleteInstanceCounts, id)
	return err == nil, err
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

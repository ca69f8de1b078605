package postgres

import (
	"context"
	"time"

	"github.com/connectd/connectd"
)

// Contact writes; each finds its row through the primary key.
const (
	deleteContact = `DELETE FROM contacts WHERE instance_id = $1 AND id = $2`
	insertContact = `INSERT INTO contacts (instance_id, id, initial_contact_id, previous_contact_id,
		related_contact_id, channel, initiation_method, name, description, queue_id, client_token,
		initiated_at, scheduled_at, disconnected_at, updated_at, attributes, enqueued_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`
	updateChainMap = `UPDATE contacts SET attributes = $1, updated_at = coalesce($2, updated_at)
		WHERE instance_id = $3 AND id = $4`
	endContact = `UPDATE contacts SET disconnected_at = $1, updated_at = $1 WHERE instance_id = $2 AND id = $3`
	// updateNames sets Name and Description where the argument is not NULL.
	updateNames = `UPDATE contacts SET name = coalesce($1, name), description = coalesce($2, description),
		updated_at = $3 WHERE instance_id = $4 AND id = $5`
)

// InsertContact leaves a race between replicas to the primary key, the
// unique index on ClientToken and the instance's foreign key, whose
// violations are Conflicts: two starts with one token on two replicas do
// not see each other's uncommitted rows, both insert, and the index makes
// the second wait for the first and then fail.
func (r *rows) InsertContact(ctx context.Context, c *connectd.Contact, own connectd.Attributes) error {
	doc, err := encodeMap(own)
	if err != nil {
		return err
	}
	_, err = r.exec(ctx, insertContact, driver().ContactValues(c, doc)...)
	return conflict(err)
}

func (r *rows) SetChainMap(ctx context.Context, instanceID, initialID string, m connectd.Attributes, updated time.Time) error {
	doc, err := encodeMap(m)
	if err != nil {
		return err
	}
	r.wrote = &chainWrite{instance: instanceID, id: initialID, m: m, updated: updated}
	return r.later(updateChainMap, nil, doc, nullTime(updated), instanceID, initialID)
}

func (r *rows) EndContact(ctx context.Context, instanceID, id string, at time.Time) error {
	_, err := r.exec(ctx, endContact, truncate(at), instanceID, id)
	return err
}

func (r *rows) SetNames(ctx context.Context, instanceID, id string, name, description *string, at time.Time) error {
	_, err := r.exec(ctx, updateNames, name, description, truncate(at), instanceID, id)
	return err
}

func (r *rows) DeleteContact(ctx context.Context, instanceID, id string) error {
	r.forgetUnindexed(instanceID, id)
	_, err := r.exec(ctx, deleteContact, instanceID, id)
	return err
}

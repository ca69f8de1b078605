package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/connectd/connectd"
)

// Contact writes; each finds its row through the primary key.
const (
	deleteContact = `DELETE FROM contacts WHERE instance_id = ? AND id = ?`
	insertContact = `INSERT INTO contacts (instance_id, id, initial_contact_id, previous_contact_id,
		related_contact_id, channel, initiation_method, name, description, queue_id, client_token,
		initiated_ms, scheduled_ms, disconnected_ms, updated_ms, attributes, enqueued_ms)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	updateStop = `UPDATE contacts SET disconnected_ms = ?, updated_ms = ? WHERE instance_id = ? AND id = ?`
	// updateNames sets Name and Description where the argument is not NULL.
	updateNames = `UPDATE contacts SET name = coalesce(?, name), description = coalesce(?, description),
		updated_ms = ? WHERE instance_id = ? AND id = ?`
)

func (r *rows) InsertContact(ctx context.Context, c *connectd.Contact, own connectd.Attributes) error {
	doc, err := encodeMap(own)
	if err != nil {
		return err
	}
	_, err = r.exec(ctx, insertContact, driver().ContactValues(c, doc)...)
	return err
}

func (r *rows) DeleteContact(ctx context.Context, instanceID, id string) error {
	_, err := r.exec(ctx, deleteContact, instanceID, id)
	return err
}

func (r *rows) EndContact(ctx context.Context, instanceID, id string, at time.Time) error {
	ms := millis(truncate(at))
	_, err := r.exec(ctx, updateStop, ms, ms, instanceID, id)
	return err
}

func (r *rows) SetNames(ctx context.Context, instanceID, id string, name, description *string, at time.Time) error {
	_, err := r.exec(ctx, updateNames, nullable(name), nullable(description), millis(truncate(at)), instanceID, id)
	return err
}

// nullable stores a nil *string as NULL.
func nullable(s *string) sql.NullString {
	if s == nil {
		return sql.NullString{}
	}
	return sql.NullString{String: *s, Valid: true}
}

package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/internal/stored"
)

// contactColumns are the columns scanContact reads, before a map.
const contactColumns = stored.ContactColumns + `, c.initiated_ms, c.scheduled_ms, c.disconnected_ms, c.updated_ms,
	c.enqueued_ms`

// Contact lookups; each is a lookup through an index (see the plan test).
// Contact rows are found through the primary key (instance_id, id) and the
// instance through its own; the retention filter ?1 applies to every
// contact row read, so an expired contact is absent and a chain whose
// initial contact expired has no attributes.
const (
	// queryContactRow and queryContactByToken read a row whatever its age.
	queryContactRow     = `SELECT ` + contactColumns + `, NULL FROM contacts c WHERE c.instance_id = ? AND c.id = ?`
	queryContactByToken = `SELECT ` + contactColumns + `, NULL FROM contacts c WHERE c.instance_id = ? AND c.client_token = ?`
	queryCountPrevious  = `SELECT count(*) FROM contacts
		WHERE instance_id = ? AND previous_contact_id = ? AND initiated_ms >= ?`
	queryCountTransfers = `SELECT count(*) FROM contacts
		WHERE instance_id = ? AND initial_contact_id = ? AND initiated_ms >= ?
			AND initiation_method IN ('TRANSFER', 'QUEUE_TRANSFER')`
)

func (r *rows) ContactRow(ctx context.Context, instanceID, id string) (*connectd.Contact, error) {
	return r.contact(ctx, queryContactRow, instanceID, id)
}

func (r *rows) TokenHolder(ctx context.Context, instanceID, token string) (*connectd.Contact, error) {
	return r.contact(ctx, queryContactByToken, instanceID, token)
}

// contact scans the one contact of query, or nil.
func (r *rows) contact(ctx context.Context, query string, args ...any) (*connectd.Contact, error) {
	c, err := scanContact(r.q.QueryRowContext(ctx, query, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return c, err
}

func (r *rows) CountPrevious(ctx context.Context, instanceID, previousID string) (int, error) {
	return r.count(ctx, queryCountPrevious, instanceID, previousID, r.s.cutoff())
}

func (r *rows) CountTransfers(ctx context.Context, instanceID, initialID string) (int, error) {
	return r.count(ctx, queryCountTransfers, instanceID, initialID, r.s.cutoff())
}

func scanContact(r scanner) (*connectd.Contact, error) {
	var (
		c                                connectd.Contact
		previous, related, token, attrs  sql.NullString
		initiated, scheduled, ended, upd sql.NullInt64
		enqueued                         sql.NullInt64
		channel, method                  string
	)
	err := r.Scan(&c.InstanceID, &c.ID, &c.InitialContactID, &previous, &related,
		&channel, &method, &c.Name, &c.Description, &c.QueueID, &token,
		&initiated, &scheduled, &ended, &upd, &enqueued, &attrs)
	if err != nil {
		return nil, err
	}
	c.PreviousContactID, c.RelatedContactID, c.ClientToken = previous.String, related.String, token.String
	c.Channel, c.InitiationMethod = connectd.Channel(channel), connectd.InitiationMethod(method)
	c.InitiationTimestamp, c.ScheduledTimestamp = timeOf(initiated), timeOf(scheduled)
	c.DisconnectTimestamp, c.LastUpdateTimestamp = timeOf(ended), timeOf(upd)
	c.EnqueueTimestamp = timeOf(enqueued)
	m, err := decodeMap(attrs)
	if err != nil {
		return nil, err
	}
	c.Attributes = m
	return &c, nil
}

package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/connectd/connectd"
)

// queryContact reads one live contact of an owner's instance, with its
// chain's map from the initial contact's row. Both contact rows are found
// through the primary key (instance_id, id) and the instance through its
// own; the retention filter ?1 applies to both rows, so an expired contact is
// absent and a chain whose initial contact expired has no attributes.
const queryContact = `SELECT c.instance_id, c.id, c.initial_contact_id, c.previous_contact_id,
		c.related_contact_id, c.channel, c.initiation_method, c.name, c.description,
		c.queue_id, c.client_token, c.initiated_ms, c.scheduled_ms, c.disconnected_ms,
		c.updated_ms, ic.attributes
	FROM contacts c
	JOIN instances i ON i.id = c.instance_id
	LEFT JOIN contacts ic ON ic.instance_id = c.instance_id AND ic.id = c.initial_contact_id
		AND ic.initiated_ms >= ?1
	WHERE c.instance_id = ?2 AND c.id = ?3 AND c.initiated_ms >= ?1
		AND i.account = ?4 AND i.region = ?5`

// findContact returns the live contact id of the owner's instance, or an
// ENOTFOUND that says whether the instance or the contact is missing. what
// names the contact in that message ("Contact", "Previous contact", ...).
func (s *Store) findContact(ctx context.Context, q querier, owner connectd.Owner, instanceID, id, what string) (*connectd.Contact, error) {
	cutoff := connectd.RetentionCutoff(s.clock.Now()).UnixMilli()
	c, err := scanContact(q.QueryRowContext(ctx, queryContact, cutoff, instanceID, id, owner.AccountID, owner.Region))
	if err == nil {
		return c, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	// A miss is rare enough to afford a second lookup for a precise message.
	ok, err := instanceExists(ctx, q, owner, instanceID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, instanceNotFound(instanceID)
	}
	return nil, connectd.Errorf(connectd.ENOTFOUND, "%s %s not found in instance %s.", what, id, instanceID)
}

func scanContact(r scanner) (*connectd.Contact, error) {
	var (
		c                                connectd.Contact
		previous, related, token, attrs  sql.NullString
		initiated, scheduled, ended, upd sql.NullInt64
		channel, method                  string
	)
	err := r.Scan(&c.InstanceID, &c.ID, &c.InitialContactID, &previous, &related,
		&channel, &method, &c.Name, &c.Description, &c.QueueID, &token,
		&initiated, &scheduled, &ended, &upd, &attrs)
	if err != nil {
		return nil, err
	}
	c.PreviousContactID, c.RelatedContactID, c.ClientToken = previous.String, related.String, token.String
	c.Channel, c.InitiationMethod = connectd.Channel(channel), connectd.InitiationMethod(method)
	c.InitiationTimestamp, c.ScheduledTimestamp = timeOf(initiated), timeOf(scheduled)
	c.DisconnectTimestamp, c.LastUpdateTimestamp = timeOf(ended), timeOf(upd)
	m, err := decodeMap(attrs)
	if err != nil {
		return nil, err
	}
	c.Attributes = m
	return &c, nil
}

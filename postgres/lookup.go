package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/connectd/connectd"
	"github.com/jackc/pgx/v5"
)

// contactColumns are the columns scanContact reads, attributes last.
const contactColumns = `c.instance_id, c.id, c.initial_contact_id, c.previous_contact_id,
	c.related_contact_id, c.channel, c.initiation_method, c.name, c.description,
	c.queue_id, c.client_token, c.initiated_at, c.scheduled_at, c.disconnected_at,
	c.updated_at`

// queryContact reads one live contact of an owner's instance, with its
// chain's map from the initial contact's row. Both contact rows are found
// through the primary key (instance_id, id) and the instance through its
// own; the retention filter $1 applies to both contact rows, so an expired
// contact is absent and a chain whose initial contact expired has no map.
const queryContact = `SELECT ` + contactColumns + `, ic.attributes
	FROM contacts c
	JOIN instances i ON i.id = c.instance_id
	LEFT JOIN contacts ic ON ic.instance_id = c.instance_id AND ic.id = c.initial_contact_id
		AND ic.initiated_at >= $1
	WHERE c.instance_id = $2 AND c.id = $3 AND c.initiated_at >= $1
		AND i.account = $4 AND i.region = $5`

// queryInstanceExists is how a miss tells an unknown instance from an
// unknown contact.
const queryInstanceExists = `SELECT EXISTS (SELECT 1 FROM instances WHERE id = $1 AND account = $2 AND region = $3)`

// findContact returns the live contact id of the owner's instance, or an
// ENOTFOUND that says whether the instance or the contact is missing. what
// names the contact in that message ("Contact", "Previous contact", ...).
func (s *Store) findContact(ctx context.Context, q querier, owner connectd.Owner, instanceID, id, what string) (*connectd.Contact, error) {
	cutoff := s.cutoff()
	c, err := scanContact(q.QueryRow(ctx, queryContact, cutoff, instanceID, id, owner.AccountID, owner.Region))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, s.contactNotFound(ctx, q, owner, instanceID, id, what)
	}
	return c, err
}

// contactNotFound is the ENOTFOUND for a contact that a lookup missed,
// naming the instance instead if that is what is missing. A miss is rare
// enough to afford the second lookup.
func (s *Store) contactNotFound(ctx context.Context, q querier, owner connectd.Owner, instanceID, id, what string) error {
	ok, err := instanceExists(ctx, q, owner, instanceID)
	if err != nil {
		return err
	}
	if !ok {
		return instanceNotFound(instanceID)
	}
	return connectd.Errorf(connectd.ENOTFOUND, "%s %s not found in instance %s.", what, id, instanceID)
}

// instanceExists reports whether owner has the instance id.
func instanceExists(ctx context.Context, q querier, owner connectd.Owner, id string) (bool, error) {
	var ok bool
	err := q.QueryRow(ctx, queryInstanceExists, id, owner.AccountID, owner.Region).Scan(&ok)
	return ok, err
}

// instanceNotFound is the error for an instance the caller cannot see.
func instanceNotFound(id string) error {
	return connectd.Errorf(connectd.ENOTFOUND, "Instance %s not found.", id)
}

// scanContact reads contactColumns and a chain map.
func scanContact(r pgx.Row) (*connectd.Contact, error) {
	var (
		c                        connectd.Contact
		previous, related, token *string
		initiated, updated       time.Time
		scheduled, disconnected  *time.Time
		channel, method          string
		attrs                    []byte
	)
	err := r.Scan(&c.InstanceID, &c.ID, &c.InitialContactID, &previous, &related,
		&channel, &method, &c.Name, &c.Description, &c.QueueID, &token,
		&initiated, &scheduled, &disconnected, &updated, &attrs)
	if err != nil {
		return nil, err
	}
	c.PreviousContactID, c.RelatedContactID, c.ClientToken = deref(previous), deref(related), deref(token)
	c.Channel, c.InitiationMethod = connectd.Channel(channel), connectd.InitiationMethod(method)
	c.InitiationTimestamp, c.LastUpdateTimestamp = initiated.UTC(), updated.UTC()
	c.ScheduledTimestamp, c.DisconnectTimestamp = timeOf(scheduled), timeOf(disconnected)
	if c.Attributes, err = decodeMap(attrs); err != nil {
		return nil, err
	}
	return &c, nil
}

// cutoff is the retention cutoff at the clock's now, at the precision
// times are stored with, so that a contact initiated exactly on the
// boundary is kept, as in the sqlite store.
func (s *Store) cutoff() time.Time {
	return truncate(connectd.RetentionCutoff(s.clock.Now()))
}

// truncate returns t as it will read back: in UTC at millisecond
// precision (timestamptz keeps microseconds; connectd keeps milliseconds
// in every store).
func truncate(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.Truncate(time.Millisecond).UTC()
}

// nullTime stores the zero time ("not set") as NULL.
func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = truncate(t)
	return &t
}

// timeOf is the inverse of nullTime, in UTC.
func timeOf(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

// nullString stores "" as NULL, which keeps optional columns out of their
// partial indexes.
func nullString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// encodeMap returns a map as JSON text for a jsonb column, or nil (NULL)
// when it is empty.
func encodeMap(m map[string]string) (any, error) {
	if len(m) == 0 {
		return nil, nil
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("encode JSON map: %w", err)
	}
	return string(b), nil
}

// decodeMap reads what encodeMap stored; NULL reads as an empty map.
func decodeMap(doc []byte) (map[string]string, error) {
	m := map[string]string{}
	if len(doc) == 0 {
		return m, nil
	}
	if err := json.Unmarshal(doc, &m); err != nil {
		return nil, fmt.Errorf("decode JSON map: %w", err)
	}
	return m, nil
}

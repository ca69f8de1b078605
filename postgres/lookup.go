package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/internal/stored"
	"github.com/jackc/pgx/v5"
)

// contactColumns are the columns scanContact reads, attributes last.
const contactColumns = stored.ContactColumns + `, c.initiated_at, c.scheduled_at, c.disconnected_at, c.updated_at,
	c.enqueued_at`

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

// Contact lookups; each finds its rows through an index (see the EXPLAIN
// test). The retention filter applies to every contact row read, so an
// expired contact is absent and a chain whose initial contact expired has
// no map.
const (
	// lockContact locks a live contact's row for the rest of the
	// transaction and reads it with the map kept on the row itself. The
	// map must come from the locked row: a joined row would be read as of
	// the statement's snapshot, not as of the lock, and an update that
	// waited for the lock would merge into a stale map. The owner is
	// checked by an uncorrelated EXISTS (an InitPlan, run once, gating the
	// scan) rather than a join: a join under FOR UPDATE costs the plan a
	// nested loop and the join's row marks for a recheck after a wait,
	// 15–60 µs of PostgreSQL's CPU per update (BENCHMARKS.md, "Issue 18,
	// session 3: PostgreSQL write path CPU"). Same rows either way:
	// c.instance_id = $2.
	lockContact = `SELECT ` + contactColumns + `, c.attributes
		FROM contacts c
		WHERE c.instance_id = $2 AND c.id = $3 AND c.initiated_at >= $1
			AND EXISTS (SELECT 1 FROM instances i WHERE i.id = $2 AND i.account = $4 AND i.region = $5)
		FOR UPDATE OF c`
	lockChainMap    = `SELECT attributes FROM contacts WHERE instance_id = $1 AND id = $2 AND initiated_at >= $3 FOR UPDATE`
	queryContactRow = `SELECT ` + contactColumns + `, NULL::jsonb FROM contacts c
		WHERE c.instance_id = $1 AND c.id = $2`
	queryContactByToken = `SELECT ` + contactColumns + `, NULL::jsonb FROM contacts c
		WHERE c.instance_id = $1 AND c.client_token = $2`
	queryCountPrevious = `SELECT count(*) FROM contacts
		WHERE instance_id = $1 AND previous_contact_id = $2 AND initiated_at >= $3`
	queryCountTransfers = `SELECT count(*) FROM contacts
		WHERE instance_id = $1 AND initial_contact_id = $2 AND initiated_at >= $3
			AND initiation_method IN ('TRANSFER', 'QUEUE_TRANSFER')`
)

// TokenHolder and ContactRow read a row whatever its age, and whatever
// the owner: the Service checks both.
func (r *rows) TokenHolder(ctx context.Context, instanceID, token string) (*connectd.Contact, error) {
	return r.contact(ctx, queryContactByToken, instanceID, token)
}

func (r *rows) ContactRow(ctx context.Context, instanceID, id string) (*connectd.Contact, error) {
	return r.contact(ctx, queryContactRow, instanceID, id)
}

// LockContact and FindContact read a live contact of the owner's instance.
//
// LockContact also reads the contact's details in the same batch, as the
// statement after the lock: the Service's next read is most often
// LoadDetails of the contact it locked (an attribute update's event names
// its tags), and that statement's snapshot, taken once the lock is held,
// sees the latest committed details, as a read after the lock would. A
// join in the locking statement would not: it reads the joined rows as of
// that statement's start, before it waited for the lock. The same
// statement checks the instance's search keys for the members trigger
// (lockedDetails).
func (r *rows) LockContact(ctx context.Context, owner connectd.Owner, instanceID, id string) (*connectd.Contact, error) {
	if !r.write {
		return nil, errReadOnly
	}
	if r.fast != nil {
		return r.fast.lockCached(r.s, owner, instanceID, id)
	}
	var c *connectd.Contact
	lock := &stmt{sql: lockContact, args: []any{r.s.cutoff(), instanceID, id, owner.AccountID, owner.Region},
		scan: func(row pgx.Row) (err error) {
			if c, err = scanContact(row); errors.Is(err, pgx.ErrNoRows) {
				c, err = nil, nil
			}
			return err
		}}
	pre := &prefetch{instanceID: instanceID, id: id}
	details := &stmt{sql: lockedDetails, args: []any{instanceID, id}, scan: pre.scanLocked}
	if err := r.u.send(ctx, lock, details); err != nil {
		return nil, err
	}
	r.unindexed = nil
	if pre.unindexed {
		r.unindexed = &unindexedRow{instanceID, id}
	}
	if c == nil {
		r.forgetUnindexed(instanceID, id)
		return nil, nil
	}
	r.pre = pre
	r.lockedRow(owner, c, pre)
	return c, nil
}

func (r *rows) FindContact(ctx context.Context, owner connectd.Owner, instanceID, id string) (*connectd.Contact, error) {
	return r.owned(ctx, queryContact, owner, instanceID, id)
}

// owned runs a query of queryContact's parameters.
func (r *rows) owned(ctx context.Context, sql string, owner connectd.Owner, instanceID, id string) (*connectd.Contact, error) {
	return r.contact(ctx, sql, r.s.cutoff(), instanceID, id, owner.AccountID, owner.Region)
}

// contact scans the one contact of sql, or nil.
func (r *rows) contact(ctx context.Context, sql string, args ...any) (*connectd.Contact, error) {
	c, err := scanContact(r.q.QueryRow(ctx, sql, args...))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	return c, err
}

func (r *rows) LockChain(ctx context.Context, instanceID, initialID string) (connectd.Attributes, bool, error) {
	if !r.write {
		return nil, false, errReadOnly
	}
	var doc []byte
	found, err := r.one(ctx, lockChainMap, []any{instanceID, initialID, r.s.cutoff()}, &doc)
	if err != nil {
		return nil, false, err
	}
	m, err := decodeMap(doc)
	return m, found, err
}

// ChainOf reads the whole contact: PostgreSQL's cost is the round trip,
// not the columns.
func (r *rows) ChainOf(ctx context.Context, owner connectd.Owner, instanceID, id string) (string, connectd.Attributes, bool, error) {
	c, err := r.FindContact(ctx, owner, instanceID, id)
	if err != nil || c == nil {
		return "", nil, false, err
	}
	return c.InitialContactID, c.Attributes, true, nil
}

func (r *rows) CountPrevious(ctx context.Context, instanceID, previousID string) (int, error) {
	return r.count(ctx, queryCountPrevious, instanceID, previousID, r.s.cutoff())
}

func (r *rows) CountTransfers(ctx context.Context, instanceID, initialID string) (int, error) {
	return r.count(ctx, queryCountTransfers, instanceID, initialID, r.s.cutoff())
}

// scanContact reads contactColumns and a chain map.
func scanContact(r pgx.Row) (*connectd.Contact, error) {
	var (
		c                        connectd.Contact
		previous, related, token *string
		initiated, updated       time.Time
		scheduled, disconnected  *time.Time
		enqueued                 *time.Time
		channel, method          string
		attrs                    []byte
	)
	err := r.Scan(&c.InstanceID, &c.ID, &c.InitialContactID, &previous, &related,
		&channel, &method, &c.Name, &c.Description, &c.QueueID, &token,
		&initiated, &scheduled, &disconnected, &updated, &enqueued, &attrs)
	if err != nil {
		return nil, err
	}
	c.PreviousContactID, c.RelatedContactID, c.ClientToken = deref(previous), deref(related), deref(token)
	c.Channel, c.InitiationMethod = connectd.Channel(channel), connectd.InitiationMethod(method)
	c.InitiationTimestamp, c.LastUpdateTimestamp = initiated.UTC(), updated.UTC()
	c.ScheduledTimestamp, c.DisconnectTimestamp = timeOf(scheduled), timeOf(disconnected)
	c.EnqueueTimestamp = timeOf(enqueued)
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

// driver is how this store takes optional strings and times
// (stored.Driver): NULL or text, NULL or a timestamptz to the millisecond.
func driver() stored.Driver {
	return stored.Driver{
		Optional: func(s string) any { return nullString(s) },
		Time:     func(t time.Time) any { return nullTime(t) },
		ScanTime: func() stored.TimeDest { return new(tsTime) },
	}
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
// when it is empty (stored.Map).
func encodeMap(m map[string]string) (any, error) {
	doc, ok, err := stored.Map(m)
	if !ok || err != nil {
		return nil, err
	}
	return doc, nil
}

// decodeMap reads what encodeMap stored; NULL reads as an empty map.
func decodeMap(doc []byte) (map[string]string, error) { return stored.ParseMap(doc) }

package sqlite

import (
	"context"
	"errors"
	"fmt"

	"github.com/connectd/connectd"
)

// queryAllContacts lists initial contacts before the other members of their
// chains, so that Import finds every chain's map first.
const queryAllContacts = `SELECT ` + contactColumns + `, c.attributes
	FROM contacts c WHERE c.initiated_ms >= ?
	ORDER BY c.instance_id, c.id <> c.initial_contact_id, c.initiated_ms, c.id`

// purgeExpired deletes one batch of the oldest-qualifying expired contacts.
// SQLite's DELETE has no LIMIT unless built with an option, so the batch is
// chosen by rowid in a subquery that walks the contacts_initiated index.
const purgeExpired = `DELETE FROM contacts WHERE rowid IN
	(SELECT rowid FROM contacts WHERE initiated_ms < ? LIMIT ?)`

func (r *rows) AllContacts(ctx context.Context) ([]*connectd.Contact, error) {
	rs, err := r.q.QueryContext(ctx, queryAllContacts, r.s.cutoff())
	if err != nil {
		return nil, err
	}
	var out []*connectd.Contact
	for rs.Next() {
		c, err := scanContact(rs)
		if err != nil {
			rs.Close()
			return nil, err
		}
		out = append(out, c)
	}
	if err := errors.Join(rs.Err(), rs.Close()); err != nil {
		return nil, err
	}
	if err := attachDetails(ctx, r.q, out, queryAllDetails); err != nil {
		return nil, fmt.Errorf("contact details: %w", err)
	}
	return out, nil
}

func (r *rows) DeleteExpired(ctx context.Context, limit int) (int, error) {
	res, err := r.exec(ctx, purgeExpired, r.s.cutoff(), limit)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

func (r *rows) DeleteAll(ctx context.Context) error {
	if _, err := r.exec(ctx, `DELETE FROM flow_docs`); err != nil {
		return err
	}
	if _, err := r.exec(ctx, `DELETE FROM contacts`); err != nil {
		return err
	}
	if err := r.flushOutbox(ctx); err != nil { // what the batch appended before goes too
		return err
	}
	if _, err := r.exec(ctx, `DELETE FROM outbox`); err != nil {
		return err
	}
	_, err := r.exec(ctx, `DELETE FROM instances`)
	return err
}

package sqlite

import (
	"context"
	"time"

	"github.com/connectd/connectd"
)

// Statements of chains (migration 0005); the contact state itself is
// stored.Tables'. A chain's members are found through contacts_chain.
const (
	queryChainContacts = `SELECT ` + contactColumns + `, NULL FROM contacts c
		WHERE c.instance_id = ? AND c.initial_contact_id = ? AND c.initiated_ms >= ?
		ORDER BY c.initiated_ms, c.id`
	updateScheduled = `UPDATE contacts SET scheduled_ms = ?, updated_ms = ? WHERE instance_id = ? AND id = ?`
)

func (r *rows) ChainContacts(ctx context.Context, instanceID, initialID string) ([]*connectd.Contact, error) {
	return summaries(ctx, r.q, nil, queryChainContacts, instanceID, initialID, r.s.cutoff())
}

func (r *rows) SetScheduled(ctx context.Context, instanceID, id string, at, updated time.Time) error {
	_, err := r.exec(ctx, updateScheduled, millis(truncate(at)), millis(truncate(updated)), instanceID, id)
	return err
}

// summaries appends to out the contacts of a query of contactColumns and a NULL map,
// without their maps.
func summaries(ctx context.Context, q querier, out []*connectd.Contact, query string, args ...any) ([]*connectd.Contact, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		c, err := scanContact(rows)
		if err != nil {
			return nil, err
		}
		c.Attributes = nil
		out = append(out, c)
	}
	return out, rows.Err()
}

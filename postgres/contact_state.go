package postgres

import (
	"context"
	"time"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/internal/stored"
)

// Statements of chains and contact state (migration 0006). A chain's
// members are found through contacts_chain.
const (
	queryChainContacts = `SELECT ` + contactColumns + `, NULL::jsonb FROM contacts c
		WHERE c.instance_id = $1 AND c.initial_contact_id = $2 AND c.initiated_at >= $3
		ORDER BY c.initiated_at, c.id COLLATE "C"`
	queryContactState  = `SELECT doc FROM contact_state WHERE instance_id = $1 AND contact_id = $2`
	upsertContactState = `INSERT INTO contact_state (instance_id, contact_id, doc) VALUES ($1, $2, $3)
		ON CONFLICT (instance_id, contact_id) DO UPDATE SET doc = excluded.doc`
)

func (r *rows) ChainContacts(ctx context.Context, instanceID, initialID string) ([]*connectd.Contact, error) {
	rs, err := r.q.Query(ctx, queryChainContacts, instanceID, initialID, r.s.cutoff())
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []*connectd.Contact
	for rs.Next() {
		c, err := scanContact(rs)
		if err != nil {
			return nil, err
		}
		c.Attributes = nil
		out = append(out, c)
	}
	return out, rs.Err()
}

func (r *rows) ContactState(ctx context.Context, instanceID, id string) (*connectd.ContactState, error) {
	var doc []byte
	found, err := r.one(ctx, queryContactState, []any{instanceID, id}, &doc)
	if err != nil || !found {
		return nil, err
	}
	return stored.ParseContactState(doc)
}

func (r *rows) SaveContactState(ctx context.Context, instanceID, id string, s *connectd.ContactState) error {
	doc, err := stored.ContactState(s)
	if err != nil {
		return err
	}
	_, err = r.exec(ctx, upsertContactState, instanceID, id, string(doc))
	return err
}

const updateScheduled = `UPDATE contacts SET scheduled_at = $1, updated_at = $2 WHERE instance_id = $3 AND id = $4`

func (r *rows) SetScheduled(ctx context.Context, instanceID, id string, at, updated time.Time) error {
	_, err := r.exec(ctx, updateScheduled, truncate(at), truncate(updated), instanceID, id)
	return err
}

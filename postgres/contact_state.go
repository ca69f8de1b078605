package postgres

import (
	"context"
	"time"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/internal/stored"
)

// Statements of chains (migration 0006); the contact state itself is
// stored.Tables'. A chain's members are found through contacts_chain.
const (
	queryChainContacts = `SELECT ` + contactColumns + `, NULL::jsonb FROM contacts c
		WHERE c.instance_id = $1 AND c.initial_contact_id = $2 AND c.initiated_at >= $3
		ORDER BY c.initiated_at, c.id COLLATE "C"`
	updateScheduled = `UPDATE contacts SET scheduled_at = $1, updated_at = $2 WHERE instance_id = $3 AND id = $4`
)

// ChainContacts reads the members without their maps.
func (r *rows) ChainContacts(ctx context.Context, instanceID, initialID string) ([]*connectd.Contact, error) {
	rs, done, err := db{r}.Query(ctx, queryChainContacts, instanceID, initialID, r.s.cutoff())
	if err != nil {
		return nil, err
	}
	defer done()
	return stored.Collect(rs, summaryOf)
}

func (r *rows) SetScheduled(ctx context.Context, instanceID, id string, at, updated time.Time) error {
	_, err := r.exec(ctx, updateScheduled, truncate(at), truncate(updated), instanceID, id)
	return err
}

// summaryOf reads a contact of contactColumns without its map.
func summaryOf(scan func(dest ...any) error) (*connectd.Contact, error) {
	c, err := scanContact(rowFunc(scan))
	if c != nil {
		c.Attributes = nil
	}
	return c, err
}

// rowFunc is a Scan as a pgx.Row.
type rowFunc func(dest ...any) error

func (f rowFunc) Scan(dest ...any) error { return f(dest...) }

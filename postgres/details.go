package postgres

import (
	"context"
	"errors"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/internal/stored"
	"github.com/jackc/pgx/v5"
)

// Statements of a contact's details (migration 0003). A contact without
// references and tags has no row.
//
// The writes rewrite the contact's row too (touchContact, which changes
// no column): the row's new version has a new xmin, the version the row
// cache's compare-and-set checks (fast.go), so that an attribute update
// can never announce details older than a write of them that committed
// before its own.
const (
	queryDetails  = `SELECT refs, tags FROM contact_details WHERE instance_id = $1 AND contact_id = $2`
	touchContact  = `WITH touch AS (UPDATE contacts SET updated_at = updated_at WHERE instance_id = $1 AND id = $2) `
	upsertDetails = touchContact + `INSERT INTO contact_details (instance_id, contact_id, refs, tags) VALUES ($1, $2, $3, $4)
		ON CONFLICT (instance_id, contact_id) DO UPDATE SET refs = excluded.refs, tags = excluded.tags`
	deleteDetails   = touchContact + `DELETE FROM contact_details WHERE instance_id = $1 AND contact_id = $2`
	queryAllDetails = `SELECT instance_id, contact_id, refs, tags FROM contact_details`
	// queryPageDetails reads the details of a search's page in one query
	// rather than one per contact.
	queryPageDetails = `SELECT instance_id, contact_id, refs, tags FROM contact_details
		WHERE instance_id = $1 AND contact_id = ANY($2)`
)

// SaveDetails upserts the jsonb documents, or deletes the row of a contact
// left with neither references nor tags.
func (r *rows) SaveDetails(ctx context.Context, c *connectd.Contact) error {
	refs, hasRefs, err := stored.References(c.References)
	tags, tagsErr := encodeMap(c.Tags)
	if err := errors.Join(err, tagsErr); err != nil {
		return err
	}
	if !hasRefs && tags == nil {
		_, err := r.exec(ctx, deleteDetails, c.InstanceID, c.ID)
		return err
	}
	var refsArg any // NULL without references
	if hasRefs {
		refsArg = refs
	}
	_, err = r.exec(ctx, upsertDetails, c.InstanceID, c.ID, refsArg, tags)
	return err
}

// LoadDetails uses the details LockContact read with its lock, unless a
// write of the unit came since.
func (r *rows) LoadDetails(ctx context.Context, c *connectd.Contact) error {
	if r.fast != nil {
		return r.fast.loadCached(c)
	}
	if p := r.pre; p != nil && p.instanceID == c.InstanceID && p.id == c.ID {
		return stored.Details(c, p.refs, p.tags)
	}
	p := prefetch{}
	if err := p.scan(r.q.QueryRow(ctx, queryDetails, c.InstanceID, c.ID)); err != nil {
		return err
	}
	return stored.Details(c, p.refs, p.tags)
}

// prefetch holds the details of contact id as queryDetails or
// lockedDetails read them (nil documents for a contact without a row).
type prefetch struct {
	instanceID, id string
	refs, tags     []byte
	unindexed      bool // lockedDetails named the row in connectd.unindexed_*
}

// scanLocked reads lockedDetails' row.
func (p *prefetch) scanLocked(row pgx.Row) error {
	return row.Scan(&p.refs, &p.tags, nil, &p.unindexed)
}

// scan reads queryDetails' row, if there is one.
func (p *prefetch) scan(row pgx.Row) error {
	if err := row.Scan(&p.refs, &p.tags); err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return err
	}
	return nil
}

// attachDetails loads the details of contacts in one query: every row
// (an export, queryAllDetails) or those the query selects by args.
func attachDetails(ctx context.Context, q querier, contacts []*connectd.Contact, query string, args ...any) error {
	a := stored.NewAttacher(contacts)
	rs, err := q.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	var instanceID, id string
	var refs, tags []byte
	_, err = pgx.ForEachRow(rs, []any{&instanceID, &id, &refs, &tags}, func() error {
		return a.Attach(instanceID, id, refs, tags)
	})
	return err
}

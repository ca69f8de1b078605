package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/internal/stored"
)

// Queries of a contact's details (migration 0003). A contact without
// references and tags has no row.
const (
	queryDetails  = `SELECT refs, tags FROM contact_details WHERE instance_id = ? AND contact_id = ?`
	upsertDetails = `INSERT INTO contact_details (instance_id, contact_id, refs, tags) VALUES (?, ?, ?, ?)
		ON CONFLICT (instance_id, contact_id) DO UPDATE SET refs = excluded.refs, tags = excluded.tags`
	deleteDetails   = `DELETE FROM contact_details WHERE instance_id = ? AND contact_id = ?`
	queryAllDetails = `SELECT instance_id, contact_id, refs, tags FROM contact_details`
)

// LoadDetails takes the details from the row cache when it has the
// contact's row (cache.go keeps them with it), else reads them.
func (r *rows) LoadDetails(ctx context.Context, c *connectd.Contact) error {
	if r.snap == nil { // see rows.row: a read transaction's snapshot may be older
		if e := r.cached(rowKey{c.InstanceID, c.ID}); e != nil {
			e.details(c)
			return nil
		}
	}
	var refs, tags []byte
	err := r.q.QueryRowContext(ctx, queryDetails, c.InstanceID, c.ID).Scan(&refs, &tags)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	return stored.Details(c, refs, tags)
}

// SaveDetails removes the row when a contact has neither references nor
// tags.
func (r *rows) SaveDetails(ctx context.Context, c *connectd.Contact) error {
	if len(c.References) == 0 && len(c.Tags) == 0 {
		_, err := r.exec(ctx, deleteDetails, c.InstanceID, c.ID)
		return err
	}
	refs, hasRefs, err := stored.References(c.References)
	if err != nil {
		return err
	}
	tags, err := encodeMap(c.Tags)
	if err != nil {
		return err
	}
	_, err = r.exec(ctx, upsertDetails, c.InstanceID, c.ID, sql.NullString{String: refs, Valid: hasRefs}, tags)
	return err
}

// attachDetails loads the details of contacts in one query: every row
// (an export, queryAllDetails) or those the query selects by args.
func attachDetails(ctx context.Context, q querier, contacts []*connectd.Contact, query string, args ...any) error {
	a := stored.NewAttacher(contacts)
	rs, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rs.Close()
	for rs.Next() {
		var instanceID, id string
		var refs, tags []byte
		if err := rs.Scan(&instanceID, &id, &refs, &tags); err != nil {
			return err
		}
		if err := a.Attach(instanceID, id, refs, tags); err != nil {
			return err
		}
	}
	return rs.Err()
}

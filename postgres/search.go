package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/internal/stored"
	"github.com/jackc/pgx/v5"
)

// Search queries with a fixed text; the search itself is built per request
// (search_sql.go).
const (
	querySearchSetup = `SELECT i.searchable_keys, s.value FROM instances i
		LEFT JOIN connectd_secrets s ON s.name = 'search_token'
		WHERE i.id = $1 AND i.account = $2 AND i.region = $3`
	querySearchableKeys  = `SELECT searchable_keys FROM instances WHERE id = $1`
	updateSearchableKeys = `UPDATE instances SET searchable_keys = $1 WHERE id = $2`
)

// SearchContacts counts and reads one page of the matches, paging by keyset
// on (sort key, id). Both are planned for each execution with their values
// (QueryExecModeExec uses an unnamed statement): a cached generic plan
// cannot tell a rare attribute value from a common one, and chose scans 100
// times slower.
func (r *rows) SearchContacts(ctx context.Context, q *connectd.SearchQuery, cur *connectd.SearchCursor, limit int) ([]*connectd.Contact, int64, error) {
	if err := r.snapshot(ctx); err != nil { // TotalCount agrees with the page
		return nil, 0, err
	}
	var b searchSQL
	b.filters(q, r.s.cutoff())
	var total int64
	if c := b.counted; c != nil {
		n, err := r.countMembers(ctx, c)
		if err != nil {
			return nil, 0, err
		}
		total = n
	} else {
		count := append([]any{pgx.QueryExecModeExec}, b.args...)
		if err := r.q.QueryRow(ctx, "SELECT count(*) FROM "+b.from(true)+" WHERE "+b.where(), count...).Scan(&total); err != nil {
			return nil, 0, fmt.Errorf("count: %w", err)
		}
	}
	if cur != nil {
		b.after(q, cur)
	}
	dir := " ASC"
	if q.Descending {
		dir = " DESC"
	}
	col, id := b.sortColumns(q)
	query := "SELECT " + contactColumns + ", NULL::jsonb FROM " + b.from(false) + " WHERE " + b.where() +
		" ORDER BY " + col + dir + ", " + id + dir + " LIMIT " + b.arg(limit)
	rs, err := r.q.Query(ctx, query, append([]any{pgx.QueryExecModeExec}, b.args...)...)
	if err != nil {
		return nil, 0, err
	}
	contacts, err := pgx.CollectRows(rs, func(row pgx.CollectableRow) (*connectd.Contact, error) {
		c, err := scanContact(row)
		if c != nil {
			c.Attributes = nil
		}
		return c, err
	})
	if err != nil || len(contacts) == 0 {
		return contacts, total, err
	}
	// The page's References and Tags in one query, not one per contact.
	ids := make([]string, len(contacts))
	for i, c := range contacts {
		ids[i] = c.ID
	}
	if err := attachDetails(ctx, r.q, contacts, queryPageDetails, q.InstanceID, ids); err != nil {
		return nil, 0, fmt.Errorf("page details: %w", err)
	}
	return contacts, total, nil
}

// SearchSettings reads the keys and the secret of a search in one query,
// inside the search's snapshot.
func (r *rows) SearchSettings(ctx context.Context, owner connectd.Owner, instanceID string) (keys []string, secret []byte, found bool, err error) {
	var keysDoc []byte
	switch err = r.q.QueryRow(ctx, querySearchSetup, instanceID, owner.AccountID, owner.Region).Scan(&keysDoc, &secret); {
	case errors.Is(err, pgx.ErrNoRows):
		return nil, nil, false, nil
	case err != nil:
		return nil, nil, false, err
	}
	keys, err = decodeKeys(keysDoc)
	return keys, secret, err == nil, err
}

// SearchableKeys and SetSearchableKeys serve the control plane.
func (r *rows) SearchableKeys(ctx context.Context, instanceID string) (keys []string, found bool, err error) {
	var doc []byte
	switch err = r.q.QueryRow(ctx, querySearchableKeys, instanceID).Scan(&doc); {
	case errors.Is(err, pgx.ErrNoRows):
		return nil, false, nil
	case err != nil:
		return nil, false, err
	}
	keys, err = decodeKeys(doc)
	return keys, err == nil, err
}

func (r *rows) SetSearchableKeys(ctx context.Context, instanceID string, keys []string) (bool, error) {
	var arg any // NULL: every key
	switch doc, ok, err := stored.Keys(keys); {
	case err != nil:
		return false, err
	case ok:
		arg = doc
	}
	n, err := r.exec(ctx, updateSearchableKeys, arg, instanceID)
	return n > 0, err
}

// decodeKeys reads a searchable_keys column: NULL is every key (nil).
func decodeKeys(doc []byte) ([]string, error) { return stored.ParseKeys(doc, doc == nil) }

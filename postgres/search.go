package postgres

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/connectd/connectd"
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

func (r *rows) SearchSettings(ctx context.Context, owner connectd.Owner, instanceID string) ([]string, []byte, bool, error) {
	var keysDoc, secret []byte
	found, err := r.one(ctx, querySearchSetup, []any{instanceID, owner.AccountID, owner.Region}, &keysDoc, &secret)
	if err != nil || !found {
		return nil, nil, false, err
	}
	keys, err := decodeKeys(keysDoc)
	return keys, secret, err == nil, err
}

// SearchContacts counts and reads one page of the matches, paging by keyset
// on (sort key, id). Both are planned for each execution with their values
// (QueryExecModeExec uses an unnamed statement): a cached generic plan
// cannot tell a rare attribute value from a common one, and chose scans 100
// times slower.
func (r *rows) SearchContacts(ctx context.Context, q *connectd.SearchQuery, cur *connectd.SearchCursor, limit int) ([]*connectd.Contact, int64, error) {
	var b searchSQL
	b.filters(q, r.s.cutoff())
	var total int64
	count := append([]any{pgx.QueryExecModeExec}, b.args...)
	if err := r.q.QueryRow(ctx, "SELECT count(*) FROM contacts c WHERE "+b.where(), count...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count: %w", err)
	}
	if cur != nil {
		b.after(q, cur)
	}
	dir := " ASC"
	if q.Descending {
		dir = " DESC"
	}
	query := "SELECT " + contactColumns + ", NULL::jsonb FROM contacts c WHERE " + b.where() +
		" ORDER BY " + sortExpr(q.Sort) + dir + ", c.id" + dir + " LIMIT " + b.arg(limit)
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
	return contacts, total, err
}

func (r *rows) SearchableKeys(ctx context.Context, instanceID string) ([]string, bool, error) {
	var doc []byte
	found, err := r.one(ctx, querySearchableKeys, []any{instanceID}, &doc)
	if err != nil || !found {
		return nil, false, err
	}
	keys, err := decodeKeys(doc)
	return keys, err == nil, err
}

func (r *rows) SetSearchableKeys(ctx context.Context, instanceID string, keys []string) (bool, error) {
	var arg any
	if len(keys) > 0 {
		doc, err := json.Marshal(keys)
		if err != nil {
			return false, err
		}
		arg = string(doc)
	}
	n, err := r.exec(ctx, updateSearchableKeys, arg, instanceID)
	return n > 0, err
}

// decodeKeys reads a searchable_keys column: NULL is every key (nil).
func decodeKeys(doc []byte) ([]string, error) {
	if doc == nil {
		return nil, nil
	}
	keys := []string{}
	if err := json.Unmarshal(doc, &keys); err != nil {
		return nil, fmt.Errorf("decode searchable keys: %w", err)
	}
	return keys, nil
}

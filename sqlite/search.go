package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/connectd/connectd"
)

// Search queries with a fixed text; the search itself is built per request
// (search_sql.go) and runs unprepared on the read pool, so that its many
// shapes do not fill the statement cache.
const (
	querySearchSetup = `SELECT i.searchable_keys, s.value FROM instances i
		LEFT JOIN connectd_secrets s ON s.name = 'search_token'
		WHERE i.id = ? AND i.account = ? AND i.region = ?`
	querySearchableKeys  = `SELECT searchable_keys FROM instances WHERE id = ?`
	updateSearchableKeys = `UPDATE instances SET searchable_keys = ? WHERE id = ?`
	// searchColumns are scanContact's columns; summaries carry no map.
	searchColumns = `c.instance_id, c.id, c.initial_contact_id, c.previous_contact_id,
		c.related_contact_id, c.channel, c.initiation_method, c.name, c.description,
		c.queue_id, c.client_token, c.initiated_ms, c.scheduled_ms, c.disconnected_ms,
		c.updated_ms, NULL`
	// estimateCap bounds the counts that choose a plan (see plan).
	estimateCap = 2000
)

// SearchContacts returns one page of the contacts of the owner's instance
// that match q (see connectd.Searcher), paging by keyset on (sort key, id).
func (s *Store) SearchContacts(ctx context.Context, owner connectd.Owner, q *connectd.SearchQuery) (*connectd.SearchPage, error) {
	page, err := s.searchContacts(ctx, owner, q)
	return page, wrap("search contacts", err)
}

func (s *Store) searchContacts(ctx context.Context, owner connectd.Owner, q *connectd.SearchQuery) (*connectd.SearchPage, error) {
	var keysDoc sql.NullString
	var secret []byte
	err := s.reader.QueryRowContext(ctx, querySearchSetup, q.InstanceID, owner.AccountID, owner.Region).Scan(&keysDoc, &secret)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, instanceNotFound(q.InstanceID)
	}
	if err != nil {
		return nil, err
	}
	keys, err := decodeKeys(keysDoc)
	if err != nil {
		return nil, err
	}
	if err := q.CheckSearchable(keys); err != nil {
		return nil, err
	}
	cur, err := connectd.OpenSearchToken(secret, owner, q)
	if err != nil {
		return nil, err
	}
	cutoff := connectd.RetentionCutoff(s.clock.Now()).UnixMilli()
	from, fromArgs, skip, err := s.plan(ctx, q, cutoff)
	if err != nil {
		return nil, err
	}
	var b searchSQL
	b.filters(q, cutoff)
	if q.Attributes != nil {
		b.attributes(q.Attributes, cutoff, skip)
	}
	page := &connectd.SearchPage{Contacts: []*connectd.Contact{}}
	countArgs := append(append([]any{}, fromArgs...), b.args...)
	if err := s.read.QueryRowContext(ctx, "SELECT count(*) FROM "+from+" WHERE "+b.where(), countArgs...).Scan(&page.TotalCount); err != nil {
		return nil, fmt.Errorf("count: %w", err)
	}
	if cur != nil {
		b.after(q, cur)
	}
	limit := q.Limit
	if limit < 1 || limit > connectd.MaxSearchResults {
		limit = connectd.MaxSearchResults
	}
	dir := " ASC"
	if q.Descending {
		dir = " DESC"
	}
	query := "SELECT " + searchColumns + " FROM " + from + " WHERE " + b.where() +
		" ORDER BY " + sortExpr(q.Sort) + dir + ", c.id" + dir + " LIMIT ?"
	args := append(append(append([]any{}, fromArgs...), b.args...), limit+1)
	if page.Contacts, err = s.scanSearch(ctx, query, args); err != nil {
		return nil, err
	}
	if len(page.Contacts) > limit {
		page.Contacts = page.Contacts[:limit]
		last := page.Contacts[limit-1]
		num, str := connectd.SortKey(last, q.Sort)
		page.NextToken, err = connectd.SealSearchToken(secret, owner, q, connectd.SearchCursor{Num: num, Str: str, ID: last.ID})
	}
	return page, err
}

func (s *Store) scanSearch(ctx context.Context, query string, args []any) ([]*connectd.Contact, error) {
	rows, err := s.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*connectd.Contact{}
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

// plan picks what the search walks first, and returns its FROM clause and
// arguments, and the attribute criterion (if any) that the FROM applies.
// By default it walks the instance's contacts in the time range, through
// the contacts_search_* index, probing the attribute index per contact:
// cost in proportion to the contacts in range. When a MATCH_ALL criterion
// matches fewer chains than the range holds contacts (a rare value over a
// long range), it walks that criterion's chains instead, through
// contact_attribute_lookup, and joins their members. Both sizes are
// counted through those indexes up to estimateCap, so choosing is cheap.
func (s *Store) plan(ctx context.Context, q *connectd.SearchQuery, cutoff int64) (from string, args []any, skip int, err error) {
	from, skip = "contacts c", -1
	col := timeColumn(q.TimeRange)
	if q.Attributes == nil || q.Attributes.Match == connectd.MatchAny || col == "" {
		return from, nil, skip, nil
	}
	var inRange int
	err = s.read.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM contacts c
		WHERE c.instance_id = ? AND `+col+` BETWEEN ? AND ? LIMIT ?)`,
		q.InstanceID, q.Start.UnixMilli(), q.End.UnixMilli(), estimateCap).Scan(&inRange)
	if err != nil {
		return "", nil, 0, fmt.Errorf("estimate: %w", err)
	}
	best := inRange
	for i, c := range q.Attributes.Criteria {
		if len(c.Values) == 0 {
			continue
		}
		var n int
		cargs := append([]any{q.InstanceID, c.Key}, anys(c.Values, func(v string) any { return v })...)
		err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM contact_attribute_index
			WHERE instance_id = ? AND name = ? AND value IN (`+marks(len(c.Values))+`) LIMIT ?)`,
			append(slices.Clone(cargs), estimateCap)...).Scan(&n)
		if err != nil {
			return "", nil, 0, fmt.Errorf("estimate: %w", err)
		}
		if n < best {
			best, skip = n, i
			args = append(slices.Clone(cargs), cutoff, q.InstanceID)
		}
	}
	if skip < 0 {
		return from, nil, skip, nil
	}
	// CROSS JOIN makes SQLite keep the chains as the outer loop.
	from = `(SELECT initial_contact_id AS chain FROM contact_attribute_index
		WHERE instance_id = ? AND name = ? AND value IN (` + marks(len(q.Attributes.Criteria[skip].Values)) + `)
			AND initiated_ms >= ?) v
		CROSS JOIN contacts c ON c.instance_id = ? AND c.initial_contact_id = v.chain`
	return from, args, skip, nil
}

// SearchableKeys returns the keys searches may use in the instance id, of
// any owner; nil means every key.
func (s *Store) SearchableKeys(ctx context.Context, instanceID string) ([]string, error) {
	var doc sql.NullString
	err := s.reader.QueryRowContext(ctx, querySearchableKeys, instanceID).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, instanceNotFound(instanceID)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: searchable keys: %w", err)
	}
	keys, err := decodeKeys(doc)
	return keys, wrap("searchable keys", err)
}

// SetSearchableKeys restricts searches in the instance id, of any owner,
// to keys; none allows every key again.
func (s *Store) SetSearchableKeys(ctx context.Context, instanceID string, keys []string) error {
	doc := sql.NullString{}
	if len(keys) > 0 {
		b, err := json.Marshal(keys)
		if err != nil {
			return fmt.Errorf("sqlite: set searchable keys: %w", err)
		}
		doc = sql.NullString{String: string(b), Valid: true}
	}
	return s.write(ctx, "set searchable keys", func(tx *txn) error {
		res, err := tx.ExecContext(ctx, updateSearchableKeys, doc, instanceID)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err == nil && n == 0 {
			err = instanceNotFound(instanceID)
		}
		return err
	})
}

// decodeKeys reads a searchable_keys column: NULL is every key (nil).
func decodeKeys(doc sql.NullString) ([]string, error) {
	if !doc.Valid {
		return nil, nil
	}
	keys := []string{}
	if err := json.Unmarshal([]byte(doc.String), &keys); err != nil {
		return nil, fmt.Errorf("decode searchable keys: %w", err)
	}
	return keys, nil
}

package postgres

import (
	"context"
	"encoding/json"
	"errors"
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

// SearchContacts returns one page of the contacts of the owner's instance
// that match q (see connectd.Searcher), paging by keyset on (sort key, id).
// The count and the page are read in one REPEATABLE READ snapshot, so
// TotalCount agrees with the page it comes with.
func (s *Store) SearchContacts(ctx context.Context, owner connectd.Owner, q *connectd.SearchQuery) (*connectd.SearchPage, error) {
	var page *connectd.SearchPage
	err := s.retry(ctx, func() error {
		tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx) //nolint:errcheck // read-only
		page, err = s.searchContacts(ctx, tx, owner, q)
		return err
	})
	if err != nil {
		return nil, s.fail("search contacts", err)
	}
	return page, nil
}

func (s *Store) searchContacts(ctx context.Context, tx pgx.Tx, owner connectd.Owner, q *connectd.SearchQuery) (*connectd.SearchPage, error) {
	var keysDoc, secret []byte
	err := tx.QueryRow(ctx, querySearchSetup, q.InstanceID, owner.AccountID, owner.Region).Scan(&keysDoc, &secret)
	if errors.Is(err, pgx.ErrNoRows) {
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
	var b searchSQL
	b.filters(q, s.cutoff())
	page := &connectd.SearchPage{Contacts: []*connectd.Contact{}}
	// Planned for each execution with its values (QueryExecModeExec uses
	// an unnamed statement): a cached generic plan cannot tell a rare
	// attribute value from a common one, and chose scans 100 times slower.
	count := append([]any{pgx.QueryExecModeExec}, b.args...)
	if err := tx.QueryRow(ctx, "SELECT count(*) FROM contacts c WHERE "+b.where(), count...).Scan(&page.TotalCount); err != nil {
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
	query := "SELECT " + contactColumns + ", NULL::jsonb FROM contacts c WHERE " + b.where() +
		" ORDER BY " + sortExpr(q.Sort) + dir + ", c.id" + dir + " LIMIT " + b.arg(limit+1)
	rows, err := tx.Query(ctx, query, append([]any{pgx.QueryExecModeExec}, b.args...)...)
	if err != nil {
		return nil, err
	}
	page.Contacts, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (*connectd.Contact, error) {
		c, err := scanContact(r)
		if c != nil {
			c.Attributes = nil
		}
		return c, err
	})
	if err != nil {
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

// SearchableKeys returns the keys searches may use in the instance id, of
// any owner; nil means every key.
func (s *Store) SearchableKeys(ctx context.Context, instanceID string) ([]string, error) {
	var keys []string
	err := s.read(ctx, "searchable keys", func(q querier) error {
		var doc []byte
		err := q.QueryRow(ctx, querySearchableKeys, instanceID).Scan(&doc)
		if errors.Is(err, pgx.ErrNoRows) {
			return instanceNotFound(instanceID)
		}
		if err != nil {
			return err
		}
		keys, err = decodeKeys(doc)
		return err
	})
	if err != nil {
		return nil, err
	}
	return keys, nil
}

// SetSearchableKeys restricts searches in the instance id, of any owner,
// to keys; none allows every key again.
func (s *Store) SetSearchableKeys(ctx context.Context, instanceID string, keys []string) error {
	var doc []byte
	if len(keys) > 0 {
		var err error
		if doc, err = json.Marshal(keys); err != nil {
			return fmt.Errorf("postgres: set searchable keys: %w", err)
		}
	}
	return s.inTx(ctx, "set searchable keys", func(tx pgx.Tx) error {
		var arg any
		if doc != nil {
			arg = string(doc)
		}
		tag, err := tx.Exec(ctx, updateSearchableKeys, arg, instanceID)
		if err == nil && tag.RowsAffected() == 0 {
			err = instanceNotFound(instanceID)
		}
		return err
	})
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

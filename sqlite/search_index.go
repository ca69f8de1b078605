package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/connectd/connectd"
)

// The search index's keys (migration 0010; connectd's search_index.go).
// Lists of keys go as one JSON array argument, so each query has one text
// and stays in the statement cache. Registration needs nothing more than
// the single writer: a write after it runs after it, and its trigger sees
// the key; the backfill, also on the writer, reads what came before.
const (
	queryIndexedKeys = `SELECT name, ready, backfill_after FROM contact_attribute_keys
		WHERE instance_id = ? AND name IN (SELECT value FROM json_each(?))`
	registerIndexedKeys = `INSERT OR IGNORE INTO contact_attribute_keys (instance_id, name, ready)
		SELECT i.id, k.value, NOT EXISTS (SELECT 1 FROM contacts c WHERE c.instance_id = i.id)
		FROM instances i, json_each(?2) k WHERE i.id = ?1`
	queryPendingKeys = `SELECT instance_id, name, backfill_after FROM contact_attribute_keys
		WHERE ready = 0 LIMIT ?`
	// backfillBatch reads the batch's contacts in id order through the
	// primary key and indexes the key's pair of those that start a chain.
	backfillKey = `INSERT OR IGNORE INTO contact_attribute_index (instance_id, initial_contact_id, name, value, initiated_ms)
		SELECT b.instance_id, b.id, j.key, j.value, b.initiated_ms
		FROM (SELECT instance_id, id, initial_contact_id, initiated_ms, attributes FROM contacts
			WHERE instance_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3) b, json_each(b.attributes) j
		WHERE b.id = b.initial_contact_id AND j.key = ?4 AND length(j.key) <= 100 AND length(j.value) <= 100`
	queryBackfillLast = `SELECT coalesce(max(id), '') FROM (SELECT id FROM contacts
		WHERE instance_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3)`
	updateKeyProgress = `UPDATE contact_attribute_keys SET ready = ?, backfill_after = ?
		WHERE instance_id = ? AND name = ?`
)

func (r *rows) IndexedKeys(ctx context.Context, instanceID string, keys []string) ([]connectd.IndexedKey, error) {
	doc, err := json.Marshal(keys)
	if err != nil {
		return nil, fmt.Errorf("encode keys: %w", err)
	}
	rs, err := r.q.QueryContext(ctx, queryIndexedKeys, instanceID, string(doc))
	if err != nil {
		return nil, fmt.Errorf("indexed keys: %w", err)
	}
	defer rs.Close()
	var out []connectd.IndexedKey
	for rs.Next() {
		k := connectd.IndexedKey{InstanceID: instanceID}
		if err := rs.Scan(&k.Key, &k.Ready, &k.After); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rs.Err()
}

func (r *rows) RegisterIndexedKeys(ctx context.Context, instanceID string, keys []string) error {
	doc, err := json.Marshal(keys)
	if err != nil {
		return fmt.Errorf("encode keys: %w", err)
	}
	_, err = r.exec(ctx, registerIndexedKeys, instanceID, string(doc))
	return err
}

func (r *rows) PendingIndexedKeys(ctx context.Context, limit int) ([]connectd.IndexedKey, error) {
	rs, err := r.q.QueryContext(ctx, queryPendingKeys, limit)
	if err != nil {
		return nil, fmt.Errorf("pending keys: %w", err)
	}
	defer rs.Close()
	var out []connectd.IndexedKey
	for rs.Next() {
		var k connectd.IndexedKey
		if err := rs.Scan(&k.InstanceID, &k.Key, &k.After); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rs.Err()
}

func (r *rows) BackfillIndexedKey(ctx context.Context, instanceID, key, after string, limit int) (string, error) {
	if _, err := r.exec(ctx, backfillKey, instanceID, after, limit, key); err != nil {
		return "", fmt.Errorf("backfill %s: %w", key, err)
	}
	var last string
	if err := r.q.QueryRowContext(ctx, queryBackfillLast, instanceID, after, limit).Scan(&last); err != nil {
		return "", fmt.Errorf("backfill %s: %w", key, err)
	}
	return last, nil
}

func (r *rows) SetIndexedKeyProgress(ctx context.Context, k connectd.IndexedKey) error {
	_, err := r.exec(ctx, updateKeyProgress, k.Ready, k.After, k.InstanceID, k.Key)
	return err
}

// snapshot moves a View onto one read transaction of one connection of the
// read pool, once, so that every later read of the View (a search's plan,
// count and page) sees the same committed state: two reads on the pool may
// otherwise run on two connections, with a commit between them. In an
// Update it does nothing: the writer's transaction already is one.
func (r *rows) snapshot(ctx context.Context) error {
	if r.w != nil || r.snap != nil {
		return nil
	}
	tx, err := r.s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("begin snapshot: %w", err)
	}
	r.snap, r.q = tx, &snapQuerier{tx: tx, cache: r.s.reader.cache}
	return nil
}

// endSnapshot ends a View's read transaction, if it took one, and then
// prepares the queries it ran unprepared (search_stmts.go).
func (r *rows) endSnapshot() {
	if r.snap != nil {
		_ = r.snap.Rollback() // read-only: nothing to keep
		// In memory mode the read pool is the writer's one connection,
		// which the committer may hold: no preparing there.
		if q, ok := r.q.(*snapQuerier); ok && !r.s.memory {
			q.prepareMissed()
		}
	}
}

// IndexedPairs returns how many pairs of each key the search index holds
// for the instance: for tests and diagnostics, which check that only
// indexed keys cost index rows.
func (s *Store) IndexedPairs(ctx context.Context, instanceID string) (map[string]int, error) {
	rs, err := s.read.QueryContext(ctx, `SELECT name, count(*) FROM contact_attribute_index
		WHERE instance_id = ? GROUP BY name`, instanceID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: indexed pairs: %w", err)
	}
	defer rs.Close()
	out := map[string]int{}
	for rs.Next() {
		var k string
		var n int
		if err := rs.Scan(&k, &n); err != nil {
			return nil, fmt.Errorf("sqlite: indexed pairs: %w", err)
		}
		out[k] = n
	}
	return out, rs.Err()
}

func (r *rows) CountIndexedKeys(ctx context.Context, instanceID string) (n int, err error) {
	_, err = r.one(ctx, `SELECT count(*) FROM contact_attribute_keys WHERE instance_id = ?`, []any{instanceID}, &n)
	return n, err
}

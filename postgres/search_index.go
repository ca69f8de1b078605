package postgres

import (
	"context"
	"fmt"

	"github.com/connectd/connectd"
	"github.com/jackc/pgx/v5"
)

// The search index's keys (migration 0011; connectd's search_index.go).
const (
	queryIndexedKeys = `SELECT name, ready, backfill_after FROM contact_attribute_keys
		WHERE instance_id = $1 AND name = ANY($2)`
	queryUnregistered = `SELECT k FROM unnest($2::text[]) k WHERE NOT EXISTS
		(SELECT 1 FROM contact_attribute_keys x WHERE x.instance_id = $1 AND x.name = k)`
	// lockWriters waits for every transaction that has written contacts to
	// end, and holds back new ones until this one commits (SHARE conflicts
	// with the ROW EXCLUSIVE lock of INSERT, UPDATE and DELETE).
	lockWriters         = `LOCK TABLE contacts IN SHARE MODE`
	registerIndexedKeys = `INSERT INTO contact_attribute_keys (instance_id, name, ready)
		SELECT i.id, k, NOT EXISTS (SELECT 1 FROM contacts c WHERE c.instance_id = i.id)
		FROM instances i, unnest($2::text[]) k WHERE i.id = $1
		ON CONFLICT DO NOTHING`
	queryPendingKeys = `SELECT instance_id, name, backfill_after FROM contact_attribute_keys
		WHERE NOT ready LIMIT $1`
	// backfillKey indexes key for each contact of the batch (every
	// member, as the triggers do) from its chain's map. It locks the
	// batch's rows and their initial contacts' rows (FOR SHARE), so that
	// no write of a map runs between reading it and indexing it: a writer
	// waits for the batch, or the batch for the writer and then reads the
	// committed map. A member joining meanwhile indexes itself: its
	// transaction locks the initial contact first, and the key is
	// registered by then.
	backfillKey = `WITH b AS (
			SELECT id, initial_contact_id, initiated_at FROM contacts
			WHERE instance_id = $1 AND id > $2 ORDER BY id LIMIT $3 FOR SHARE),
		ic AS (
			SELECT id, initiated_at, attributes FROM contacts
			WHERE instance_id = $1 AND id IN (SELECT initial_contact_id FROM b)
			FOR SHARE),
		ins AS (
			INSERT INTO contact_attribute_members (instance_id, contact_id, name, value, initiated_at, chain_at)
			SELECT $1, b.id, $4, ic.attributes ->> $4, b.initiated_at, ic.initiated_at
			FROM b JOIN ic ON ic.id = b.initial_contact_id
			WHERE char_length($4) <= 100 AND ic.attributes ? $4 AND char_length(ic.attributes ->> $4) <= 100
			ON CONFLICT DO NOTHING)
		SELECT coalesce(max(id), '') FROM b`
	updateKeyProgress = `UPDATE contact_attribute_keys SET ready = $1, backfill_after = $2
		WHERE instance_id = $3 AND name = $4`
)

func (r *rows) IndexedKeys(ctx context.Context, instanceID string, keys []string) ([]connectd.IndexedKey, error) {
	rs, err := r.q.Query(ctx, queryIndexedKeys, instanceID, keys)
	if err != nil {
		return nil, fmt.Errorf("indexed keys: %w", err)
	}
	return pgx.CollectRows(rs, func(row pgx.CollectableRow) (connectd.IndexedKey, error) {
		k := connectd.IndexedKey{InstanceID: instanceID}
		err := row.Scan(&k.Key, &k.Ready, &k.After)
		return k, err
	})
}

// RegisterIndexedKeys first waits for the transactions writing contacts
// (lockWriters), when some key is new: a write whose trigger ran before
// the registration but that commits after the backfill read past it would
// otherwise stay unindexed. It happens once per key.
func (r *rows) RegisterIndexedKeys(ctx context.Context, instanceID string, keys []string) error {
	rs, err := r.q.Query(ctx, queryUnregistered, instanceID, keys)
	if err != nil {
		return fmt.Errorf("register keys: %w", err)
	}
	missing, err := pgx.CollectRows(rs, pgx.RowTo[string])
	if err != nil || len(missing) == 0 {
		return err
	}
	if _, err := r.exec(ctx, lockWriters); err != nil {
		return fmt.Errorf("register keys: %w", err)
	}
	_, err = r.exec(ctx, registerIndexedKeys, instanceID, missing)
	return err
}

func (r *rows) PendingIndexedKeys(ctx context.Context, limit int) ([]connectd.IndexedKey, error) {
	rs, err := r.q.Query(ctx, queryPendingKeys, limit)
	if err != nil {
		return nil, fmt.Errorf("pending keys: %w", err)
	}
	return pgx.CollectRows(rs, func(row pgx.CollectableRow) (connectd.IndexedKey, error) {
		var k connectd.IndexedKey
		err := row.Scan(&k.InstanceID, &k.Key, &k.After)
		return k, err
	})
}

func (r *rows) BackfillIndexedKey(ctx context.Context, instanceID, key, after string, limit int) (string, error) {
	if !r.write {
		return "", errReadOnly
	}
	var last string
	if err := r.q.QueryRow(ctx, backfillKey, instanceID, after, limit, key).Scan(&last); err != nil {
		return "", fmt.Errorf("backfill %s: %w", key, err)
	}
	return last, nil
}

func (r *rows) SetIndexedKeyProgress(ctx context.Context, k connectd.IndexedKey) error {
	_, err := r.exec(ctx, updateKeyProgress, k.Ready, k.After, k.InstanceID, k.Key)
	return err
}

// IndexedPairs returns how many pairs of each key the search index holds
// for the instance's chains (the rows of their initial contacts; each
// member has the same): for tests and diagnostics, which check that only
// indexed keys cost index rows.
func (s *Store) IndexedPairs(ctx context.Context, instanceID string) (map[string]int, error) {
	rs, err := s.pool.Query(ctx, `SELECT m.name, count(*)::int FROM contact_attribute_members m
		JOIN contacts c ON c.instance_id = m.instance_id AND c.id = m.contact_id
		WHERE m.instance_id = $1 AND c.id = c.initial_contact_id GROUP BY m.name`, instanceID)
	if err != nil {
		return nil, fmt.Errorf("postgres: indexed pairs: %w", err)
	}
	out := map[string]int{}
	var k string
	var n int
	_, err = pgx.ForEachRow(rs, []any{&k, &n}, func() error { out[k] = n; return nil })
	if err != nil {
		return nil, fmt.Errorf("postgres: indexed pairs: %w", err)
	}
	return out, nil
}

func (r *rows) CountIndexedKeys(ctx context.Context, instanceID string) (n int, err error) {
	_, err = r.one(ctx, `SELECT count(*) FROM contact_attribute_keys WHERE instance_id = $1`, []any{instanceID}, &n)
	return n, err
}

package postgres

import (
	"context"

	"github.com/connectd/connectd"
	"github.com/jackc/pgx/v5"
)

// Control-plane queries. Export lists initial contacts before the other
// members of their chains, so that Import finds every chain's map first.
const queryAllContacts = `SELECT ` + contactColumns + `, c.attributes
		FROM contacts c WHERE c.initiated_at >= $1
		ORDER BY c.instance_id, c.id <> c.initial_contact_id, c.initiated_at, c.id`

// purgeExpired deletes one batch of the oldest expired contacts. The batch
// is chosen through the contacts_initiated index and deleted by primary
// key. SKIP LOCKED lets the sweepers of several replicas take different
// batches instead of queueing on the same rows, and leaves alone a row
// some request holds (it is expired, so that request will find nothing).
const purgeExpired = `DELETE FROM contacts WHERE (instance_id, id) IN (
	SELECT instance_id, id FROM contacts WHERE initiated_at < $1
	ORDER BY initiated_at LIMIT $2 FOR UPDATE SKIP LOCKED)`

func (r *rows) AllContacts(ctx context.Context) ([]*connectd.Contact, error) {
	if err := r.snapshot(ctx); err != nil {
		return nil, err
	}
	rs, err := r.q.Query(ctx, queryAllContacts, r.s.cutoff())
	if err != nil {
		return nil, err
	}
	out, err := pgx.CollectRows(rs, func(row pgx.CollectableRow) (*connectd.Contact, error) {
		return scanContact(row)
	})
	if err != nil {
		return nil, err
	}
	return out, attachDetails(ctx, r.q, out, queryAllDetails)
}

func (r *rows) DeleteExpired(ctx context.Context, limit int) (int, error) {
	n, err := r.exec(ctx, purgeExpired, r.s.cutoff(), limit)
	return int(n), err
}

// DeleteAll uses TRUNCATE, which briefly locks the tables against every
// replica; that suits a control plane meant for tests. CASCADE empties
// every table that refers to these (instance settings and the like).
func (r *rows) DeleteAll(ctx context.Context) error {
	_, err := r.exec(ctx, `TRUNCATE flow_docs, storage_configs, outbox, contact_details, contacts, instances CASCADE`)
	return err
}

package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
)

// countedFrom is how many members a search must walk of one value, in its
// range, to ask for the value's counters (migration 0015): below it the
// walk costs less than about 0.4 ms (an index-only scan reads some 5,000
// entries a millisecond here), within target 4's five times of a rare
// value's search, and a value unique to each contact never costs writers
// a delta.
const countedFrom = 2000

// countedQueue bounds the values waiting for the folder to count them; a
// value that finds it full is asked for again by its next search.
const countedQueue = 64

// registerLockTimeout bounds registerCounted's wait for the members'
// writers: writers queue behind the waiting lock, so a long one (a
// backfill's batch, a large import) must not hold them all back; the
// value is asked for again by its next search.
const registerLockTimeout = 200 * time.Millisecond

// registerBackoffMax is the longest registerCounted waits to try again
// after its lock timed out.
const registerBackoffMax = time.Minute

// registerLock is the key of the advisory lock that lets one replica at a
// time register counted values: foldLock's, its last byte changed.
const registerLock int64 = 0x636f6e6e65637467

// countedValue is one value that a search found common.
type countedValue struct{ instanceID, key, value string }

// Queries of the counted values.
const (
	queryReadyCounted = `SELECT value FROM contact_attribute_counted
		WHERE instance_id = $1 AND name = $2 AND value = ANY($3) AND ready`
	queryWalkValues = `SELECT value, count(*) FROM contact_attribute_members
		WHERE instance_id = $1 AND name = $2 AND value = ANY($3)
			AND initiated_at BETWEEN $4 AND $5 AND chain_at >= $6 GROUP BY value`
	// registerCounted's values: the triples of three arrays, those of
	// instances that exist (a deleted one's would fail the foreign key).
	askedValues = `SELECT DISTINCT u.i, u.k, u.v FROM unnest($1::text[], $2::text[], $3::text[]) AS u(i, k, v)
		WHERE EXISTS (SELECT 1 FROM instances WHERE id = u.i)`
	queryUncounted = `SELECT EXISTS (SELECT 1 FROM (` + askedValues + `) a WHERE NOT EXISTS (SELECT 1
		FROM contact_attribute_counted c WHERE c.instance_id = a.i AND c.name = a.k AND c.value = a.v))`
	// registerCounted's lock waits for every transaction that has changed
	// members to end and holds back new ones until the registration
	// commits: every member written after it then finds the value counted
	// and adds its delta (its trigger's statement starts after the commit:
	// writers' BEGIN names READ COMMITTED: tx.go), and every one
	// written before it is committed when readyCounted takes its snapshot.
	lockMembers   = `LOCK TABLE contact_attribute_members IN SHARE MODE`
	insertCounted = `INSERT INTO contact_attribute_counted (instance_id, name, value, ready)
		SELECT i, k, v, false FROM (` + askedValues + `) a ON CONFLICT DO NOTHING`
	// readyCounted's statement readies one registered value: in one
	// snapshot it adds, as deltas, the recount of the value's members less
	// what its counters and deltas say (the folder moves deltas into
	// counters in one transaction, so their sum is whole in any snapshot).
	// Deltas committed after the snapshot are of members it did not see,
	// so counters and deltas add up to the members from then on. FOR
	// UPDATE makes a second replica readying the same value wait, and then
	// find it ready and add nothing.
	readyOne = `WITH v AS (
			SELECT instance_id, name, value FROM contact_attribute_counted WHERE NOT ready
			ORDER BY instance_id, name, value LIMIT 1 FOR UPDATE),
		recount AS (
			SELECT m.instance_id, m.name, m.value, floor(extract(epoch FROM m.initiated_at) / 300)::bigint AS bucket,
				floor(extract(epoch FROM m.chain_at) / 300)::bigint AS chain_bucket, count(*) AS n
			FROM contact_attribute_members m JOIN v USING (instance_id, name, value) GROUP BY 1, 2, 3, 4, 5),
		kept AS (
			SELECT k.instance_id, k.name, k.value, k.bucket, k.chain_bucket, -k.n AS n FROM contact_value_counts k JOIN v USING (instance_id, name, value)
			UNION ALL SELECT d.instance_id, d.name, d.value, d.bucket, d.chain_bucket, -d.n FROM contact_value_count_deltas d JOIN v USING (instance_id, name, value)),
		correction AS (
			INSERT INTO contact_value_count_deltas (instance_id, name, value, bucket, chain_bucket, n)
			SELECT instance_id, name, value, bucket, chain_bucket, sum(n) FROM (SELECT * FROM recount UNION ALL SELECT * FROM kept) u
			GROUP BY 1, 2, 3, 4, 5 HAVING sum(n) <> 0),
		readied AS (
			UPDATE contact_attribute_counted c SET ready = true FROM v
			WHERE c.instance_id = v.instance_id AND c.name = v.name AND c.value = v.value)
		SELECT count(*) FROM v`
)

// countLater asks the folder to count values; it never waits.
func (s *Store) countLater(instanceID, key string, values []string) {
	for _, v := range values {
		select {
		case s.toCount <- countedValue{instanceID, key, v}:
		default:
			return
		}
	}
}

// countValues registers the values searches asked for, then readies every
// registered value not ready yet (those of this call, and any a replica
// registered and did not ready before it stopped).
func (s *Store) countValues(ctx context.Context) error {
	var asked []countedValue
drain:
	for range countedQueue {
		select {
		case v := <-s.toCount:
			asked = append(asked, v)
		default:
			break drain
		}
	}
	var err error
	if len(asked) > 0 && !time.Now().Before(s.registerAfter) {
		err = s.registerCounted(ctx, asked)
	}
	return errors.Join(err, s.readyCounted(ctx))
}

// registerCounted registers values as counted, not ready, all in one
// transaction, one replica at a time (registerLock: their locks would
// queue writers one after another). It takes lockMembers only when one of
// them is new and its instance still exists: searches ask again for a
// value until it is ready. When the lock times out (a long writer, or a
// VACUUM of the members, whose lock conflicts with it too), it tries again
// after a wait that doubles up to registerBackoffMax, so that writers are
// not held back every second.
func (s *Store) registerCounted(ctx context.Context, vs []countedValue) error {
	insts, keys, values := make([]string, len(vs)), make([]string, len(vs)), make([]string, len(vs))
	for i, v := range vs {
		insts[i], keys[i], values[i] = v.instanceID, v.key, v.value
	}
	tried := false // another replica registering, or nothing new: no verdict on the lock
	err := pgx.BeginTxFunc(ctx, s.pool, readCommitted, func(tx pgx.Tx) error {
		var mine, missing bool
		if err := tx.QueryRow(ctx, `SELECT pg_try_advisory_xact_lock($1)`, registerLock).Scan(&mine); err != nil || !mine {
			return err
		}
		if err := tx.QueryRow(ctx, queryUncounted, insts, keys, values).Scan(&missing); err != nil || !missing {
			return err
		}
		if _, err := tx.Exec(ctx, `SET LOCAL lock_timeout = '`+registerLockTimeout.String()+`'`); err != nil {
			return err
		}
		tried = true
		if _, err := tx.Exec(ctx, lockMembers); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, insertCounted, insts, keys, values)
		return err
	})
	switch {
	case sqlState(err) == codeLockTimeout:
		s.registerWait = min(max(2*s.registerWait, time.Second), registerBackoffMax)
		s.registerAfter = time.Now().Add(s.registerWait)
		s.log.Info("attribute values not counted yet: the lock on the members timed out (a long writer, a VACUUM or an instance's deletion held it); searches walk them meanwhile",
			"values", len(vs), "retry_in", s.registerWait)
		return nil
	case sqlState(err) == codeForeignKeyViolation: // the instance was deleted meanwhile
		return nil
	case err != nil:
		return s.fail("register the counted values", err)
	}
	if tried {
		s.registerWait = 0
	}
	return nil
}

// readyCounted readies the registered values, one statement each.
func (s *Store) readyCounted(ctx context.Context) error {
	for {
		var n int
		if err := s.pool.QueryRow(ctx, readyOne).Scan(&n); err != nil {
			return s.fail("ready the counted values", err)
		}
		if n == 0 {
			return nil
		}
	}
}

// countWalked counts the members of key = one of values that are not
// counted (or not ready yet) by walking them, in the search's snapshot, and
// asks for those of countedFrom members or more to be counted.
func (r *rows) countWalked(ctx context.Context, c *countedRange, values []string) (int64, error) {
	rs, err := r.q.Query(ctx, queryWalkValues, pgx.QueryExecModeExec, c.instanceID, c.key, values,
		time.UnixMicro(c.lo).UTC(), time.UnixMicro(c.hi).UTC(), c.cutoff)
	if err != nil {
		return 0, fmt.Errorf("count: %w", err)
	}
	var total, n int64
	var value string
	var common []string
	_, err = pgx.ForEachRow(rs, []any{&value, &n}, func() error {
		total += n
		if n >= r.s.countFrom {
			common = append(common, value)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("count: %w", err)
	}
	if len(common) > 0 {
		r.s.countLater(c.instanceID, c.key, common)
	}
	return total, nil
}

// countMembers counts what c names: the ready counted values by their
// counters (memberCount), the others by walking them.
func (r *rows) countMembers(ctx context.Context, c *countedRange) (int64, error) {
	rs, err := r.q.Query(ctx, queryReadyCounted, c.instanceID, c.key, c.values)
	if err != nil {
		return 0, fmt.Errorf("counted values: %w", err)
	}
	ready, err := pgx.CollectRows(rs, pgx.RowTo[string])
	if err != nil {
		return 0, fmt.Errorf("counted values: %w", err)
	}
	var walked []string
	for _, v := range c.values {
		if !slices.Contains(ready, v) {
			walked = append(walked, v)
		}
	}
	var total int64
	if len(ready) > 0 {
		query, args := memberCount(c.instanceID, c.key, ready, c.lo, c.hi, c.cutoff)
		if err := r.q.QueryRow(ctx, query, append([]any{pgx.QueryExecModeExec}, args...)...).Scan(&total); err != nil {
			return 0, fmt.Errorf("count: %w", err)
		}
	}
	if len(walked) == 0 {
		return total, nil
	}
	n, err := r.countWalked(ctx, c, walked)
	return total + n, err
}

package postgres

import (
	"context"
	"testing"
	"time"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/internal/pgtest"
	"github.com/jackc/pgx/v5"
)

// TestIndexTriggerGuard: the attribute index's INSERT and UPDATE triggers
// (migration 0014) call contact_attribute_index_sync only for an instance
// with an indexed key, and then index the write; the DELETE trigger fires
// whatever the keys. The calls are counted by PostgreSQL itself
// (track_functions, pg_stat_xact_user_functions: this transaction's).
func TestIndexTriggerGuard(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	dsn := pgtest.DSN(t)
	s, err := Open(ctx, dsn, connectd.SystemClock{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := conn.Exec(ctx, q, args...); err != nil {
			t.Fatalf("%.60s: %v", q, err)
		}
	}
	exec(`SET track_functions = 'pl'`)
	now := time.Now()
	for _, inst := range []string{"inst-none", "inst-keys"} {
		exec(`INSERT INTO instances (id, account, region, status, created_at) VALUES ($1, 'a', 'r', 'ACTIVE', now())`, inst)
	}
	exec(`INSERT INTO contact_attribute_keys (instance_id, name, ready) VALUES ('inst-keys', 'tier', true)`)
	// calls runs stmt in a transaction of its own and returns how often
	// it called the trigger function, and the instance's index rows after.
	calls := func(inst, stmt string, args ...any) (n, rows int) {
		t.Helper()
		tx, err := conn.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(context.Background()) //nolint:errcheck // committed below
		// The backend's counts not yet reported accumulate over its
		// transactions, so the difference is the statement's.
		count := func() (n int) {
			t.Helper()
			err := tx.QueryRow(ctx, `SELECT coalesce(sum(calls), 0) FROM pg_stat_xact_user_functions
				WHERE funcname = 'contact_attribute_index_sync'`).Scan(&n)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		before := count()
		if _, err := tx.Exec(ctx, stmt, args...); err != nil {
			t.Fatalf("%.60s: %v", stmt, err)
		}
		n = count() - before
		if err := tx.Commit(ctx); err != nil {
			t.Fatal(err)
		}
		if err := conn.QueryRow(ctx, `SELECT count(*) FROM contact_attribute_index WHERE instance_id = $1`, inst).Scan(&rows); err != nil {
			t.Fatal(err)
		}
		return n, rows
	}
	for _, c := range []struct {
		inst      string
		wantCalls int
		wantRows  [3]int // after the insert, the update, the delete
	}{
		{"inst-none", 0, [3]int{0, 0, 0}},
		{"inst-keys", 1, [3]int{1, 1, 0}},
	} {
		steps := []struct {
			name, sql string
			args      []any
			calls     int
		}{
			{"insert", `INSERT INTO contacts (instance_id, id, initial_contact_id, channel, initiation_method, initiated_at, updated_at, attributes)
				VALUES ($1, 'c-1', 'c-1', 'TASK', 'API', $2, $2, '{"tier":"gold","lang":"en"}')`, []any{c.inst, now}, c.wantCalls},
			{"update", `UPDATE contacts SET attributes = '{"tier":"silver","lang":"en"}' WHERE instance_id = $1 AND id = 'c-1'`, []any{c.inst}, c.wantCalls},
			{"delete", `DELETE FROM contacts WHERE instance_id = $1 AND id = 'c-1'`, []any{c.inst}, 1},
		}
		for i, st := range steps {
			n, rows := calls(c.inst, st.sql, st.args...)
			if n != st.calls || rows != c.wantRows[i] {
				t.Errorf("%s, %s: the trigger function ran %d times and the index holds %d rows; want %d and %d",
					c.inst, st.name, n, rows, st.calls, c.wantRows[i])
			}
		}
	}
	var value string
	exec(`INSERT INTO contacts (instance_id, id, initial_contact_id, channel, initiation_method, initiated_at, updated_at, attributes)
		VALUES ('inst-keys', 'c-2', 'c-2', 'TASK', 'API', $1, $1, '{"tier":"gold"}')`, now)
	exec(`UPDATE contacts SET attributes = '{"tier":"bronze"}' WHERE instance_id = 'inst-keys' AND id = 'c-2'`)
	if err := conn.QueryRow(ctx, `SELECT value FROM contact_attribute_index WHERE instance_id = 'inst-keys' AND name = 'tier'`).Scan(&value); err != nil || value != "bronze" {
		t.Errorf("the index holds tier = %q (%v) after the update, want bronze", value, err)
	}
}

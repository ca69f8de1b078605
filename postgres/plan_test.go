package postgres

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/internal/pgtest"
	"github.com/jackc/pgx/v5"
)

// TestPlansUseIndexes checks that every statement the store runs per
// request finds its rows through an index. With sequential scans priced
// out (enable_seqscan=off), a plan still shows one only when no index can
// serve the query.
func TestPlansUseIndexes(t *testing.T) {
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
	if _, err := conn.Exec(ctx, `SET enable_seqscan = off`); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	statements := []struct {
		name string
		sql  string
		args []any
	}{
		{"queryInstance", queryInstance, []any{"i", "a", "r"}},
		{"queryInstanceExists", queryInstanceExists, []any{"i", "a", "r"}},
		{"queryInstanceIDTaken", queryInstanceIDTaken, []any{"i"}},
		{"queryInstanceAlias", queryInstanceAlias, []any{"a", "r", "alias"}},
		{"queryListInstances", queryListInstances, []any{"a", "r", "", 10}},
		{"deleteInstance", deleteInstance, []any{"i", "a", "r"}},
		{"queryContact", queryContact, []any{now, "i", "c", "a", "r"}},
		{"lockContact", lockContact, []any{now, "i", "c", "a", "r"}},
		{"lockChainMap", lockChainMap, []any{"i", "c", now}},
		{"queryCountPrevious", queryCountPrevious, []any{"i", "c", now}},
		{"queryContactByToken", queryContactByToken, []any{"i", "t"}},
		{"queryContactRow", queryContactRow, []any{"i", "c"}},
		{"queryCountTransfers", queryCountTransfers, []any{"i", "c", now}},
		{"deleteContact", deleteContact, []any{"i", "c"}},
		{"updateChainMap", updateChainMap, []any{`{"a":"1"}`, now, "i", "c"}},
		{"endContact", endContact, []any{now, "i", "c"}},
		{"updateNames", updateNames, []any{nil, nil, now, "i", "c"}},
		{"purgeExpired", purgeExpired, []any{now, 10}},
	}
	for _, st := range statements {
		rows, err := conn.Query(ctx, "EXPLAIN "+st.sql, st.args...)
		if err != nil {
			t.Errorf("%s: %v", st.name, err)
			continue
		}
		lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Errorf("%s: %v", st.name, err)
			continue
		}
		plan := strings.Join(lines, "\n")
		t.Logf("%s:\n%s", st.name, plan)
		if strings.Contains(plan, "Seq Scan") || !strings.Contains(plan, "Index") {
			t.Errorf("%s does not use an index:\n%s", st.name, plan)
		}
	}
}

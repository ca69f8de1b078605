package postgres

import (
	"slices"
	"testing"
	"time"

	"github.com/connectd/connectd"
)

// TestMigrationMarksOpenRuns builds a database as migration 0016 left it,
// with flow runs RUNNING (one named by a process, one from before runs
// named theirs), WAITING, COMPLETED and INTERRUPTED, then opens it:
// migration 0017 marks the three under way with their process
// (connectd.DocOpenRun), and a replica's start marks them INTERRUPTED from
// the marks alone, leaving the ended runs as they were.
func TestMigrationMarksOpenRuns(t *testing.T) {
	t.Parallel()
	dsn, _, exec := schemaBefore(t, 17)
	exec(`INSERT INTO instances (id, account, region, status, created_at) VALUES ('i1', '111122223333', 'us-east-1', 'ACTIVE', now())`)
	for id, doc := range map[string]string{
		"c-running": `{"InstanceID":"i1","ContactID":"c-running","FlowID":"f","Status":"RUNNING","Entries":null,"Process":"p-old"}`,
		"c-unnamed": `{"InstanceID":"i1","ContactID":"c-unnamed","FlowID":"f","Status":"RUNNING","Entries":null}`,
		"c-waiting": `{"InstanceID":"i1","ContactID":"c-waiting","FlowID":"f","Status":"WAITING","Wait":{"Identifier":"w","Until":"2026-11-23T11:00:00Z"},"Entries":null}`,
		"c-done":    `{"InstanceID":"i1","ContactID":"c-done","FlowID":"f","Status":"COMPLETED","Entries":null}`,
		"c-stopped": `{"InstanceID":"i1","ContactID":"c-stopped","FlowID":"f","Status":"INTERRUPTED","Entries":null}`,
	} {
		exec(`INSERT INTO flow_docs (instance_id, kind, id, doc) VALUES ('i1', 'run', $1, $2)`, id, doc)
	}
	clock := connectd.NewManualClock(time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC))
	s := openNoFold(t, dsn, clock)
	var marks []string
	if err := s.pool.QueryRow(t.Context(), `SELECT array_agg(id || '=' || doc ORDER BY id) FROM flow_docs WHERE kind = 'open-run'`).Scan(&marks); err != nil {
		t.Fatal(err)
	}
	if want := []string{"c-running=p-old", "c-unnamed=", "c-waiting="}; !slices.Equal(marks, want) {
		t.Fatalf("after 0017, open-run marks %q, want %q", marks, want)
	}
	svc := connectd.NewService(s, clock)
	if n, err := svc.InterruptFlowRuns(t.Context()); err != nil || n != 3 {
		t.Fatalf("InterruptFlowRuns = %d, %v; want the three runs under way", n, err)
	}
	for id, want := range map[string]string{"c-running": "INTERRUPTED", "c-unnamed": "INTERRUPTED", "c-waiting": "INTERRUPTED", "c-done": "COMPLETED", "c-stopped": "INTERRUPTED"} {
		if run, err := svc.FlowRunOf(t.Context(), "i1", id); err != nil || run.Status != want {
			t.Errorf("%s: %+v, %v; want %s", id, run, err, want)
		}
	}
	var left int
	if err := s.pool.QueryRow(t.Context(), `SELECT count(*) FROM flow_docs WHERE kind = 'open-run'`).Scan(&left); err != nil || left != 0 {
		t.Errorf("%d open-run marks left after the runs were marked (%v)", left, err)
	}
}

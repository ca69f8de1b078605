package sqlite

import (
	"context"
	"testing"
	"time"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/storetest"
)

// TestMigrationMarksOpenRuns builds a database as migration 0018 left it,
// with flow runs RUNNING, WAITING, COMPLETED and INTERRUPTED, then opens
// it: migration 0019 marks the two under way (connectd.DocOpenRun), so
// that the next start marks them INTERRUPTED, reading the marks alone, and
// leaves the ended ones as they were.
func TestMigrationMarksOpenRuns(t *testing.T) {
	dir := t.TempDir()
	db, exec := dbBefore(t, dir, 19)
	owner := storetest.SeedOwner()
	exec(`INSERT INTO instances (id, account, region, status, created_ms) VALUES ('i1', ?, ?, 'ACTIVE', 0)`, owner.AccountID, owner.Region)
	for id, doc := range map[string]string{
		"c-running":   `{"InstanceID":"i1","ContactID":"c-running","FlowID":"f","Status":"RUNNING","Entries":null}`,
		"c-waiting":   `{"InstanceID":"i1","ContactID":"c-waiting","FlowID":"f","Status":"WAITING","Wait":{"Identifier":"w","Until":"2026-11-23T11:00:00Z"},"Entries":null}`,
		"c-completed": `{"InstanceID":"i1","ContactID":"c-completed","FlowID":"f","Status":"COMPLETED","Entries":null}`,
		"c-stopped":   `{"InstanceID":"i1","ContactID":"c-stopped","FlowID":"f","Status":"INTERRUPTED","Entries":null}`,
	} {
		exec(`INSERT INTO flow_docs (instance_id, kind, id, doc) VALUES ('i1', 'run', ?, ?)`, id, doc)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	clock := connectd.NewManualClock(time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC))
	s, err := Open(t.Context(), dir, clock, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	var marks []string
	rows, err := s.read.Query(`SELECT id FROM flow_docs WHERE kind = 'open-run' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		marks = append(marks, id)
	}
	if rows.Close(); len(marks) != 2 || marks[0] != "c-running" || marks[1] != "c-waiting" {
		t.Fatalf("after 0019, open-run marks %v, want c-running and c-waiting", marks)
	}
	svc := connectd.NewService(s, clock)
	if n, err := svc.InterruptFlowRuns(t.Context()); err != nil || n != 2 {
		t.Fatalf("InterruptFlowRuns = %d, %v; want the two runs under way", n, err)
	}
	for id, want := range map[string]string{"c-running": "INTERRUPTED", "c-waiting": "INTERRUPTED", "c-completed": "COMPLETED", "c-stopped": "INTERRUPTED"} {
		run, err := svc.FlowRunOf(t.Context(), "i1", id)
		if err != nil || run.Status != want {
			t.Errorf("%s: %+v, %v; want %s", id, run, err, want)
		}
	}
	var left int
	if err := s.read.QueryRow(`SELECT count(*) FROM flow_docs WHERE kind = 'open-run'`).Scan(&left); err != nil || left != 0 {
		t.Errorf("%d open-run marks left after the runs were marked (%v)", left, err)
	}
}

// openRuns opens a store in a temporary directory, closed at the test's end.
func openRuns(t *testing.T) (*Store, *connectd.ManualClock) {
	t.Helper()
	clock := connectd.NewManualClock(time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC))
	s, err := Open(t.Context(), t.TempDir(), clock, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, clock
}

// withInstance creates instance i1, which the runs' documents belong to.
func withInstance(t *testing.T, svc *connectd.Service) {
	t.Helper()
	if err := svc.CreateInstance(t.Context(), &connectd.Instance{ID: "i1", Owner: storetest.SeedOwner(), Status: connectd.InstanceStatusActive,
		IdentityManagementType: connectd.IdentityConnectManaged}); err != nil {
		t.Fatal(err)
	}
}

// TestOpenRunMarks follows the marks of runs under way: a saved RUNNING run
// has one naming its process, and its end deletes it; a mark whose run has
// ended, or has no run at all, is dropped by the next start without
// marking anything.
func TestOpenRunMarks(t *testing.T) {
	ctx := t.Context()
	s, clock := openRuns(t)
	svc := connectd.NewService(s, clock)
	withInstance(t, svc)
	mark := func(id string) (string, bool) {
		t.Helper()
		var doc []byte
		err := s.View(ctx, "mark", func(tx connectd.Tx) (err error) {
			doc, err = tx.FlowDoc(ctx, "i1", connectd.DocOpenRun, id)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return string(doc), doc != nil
	}
	run := &connectd.FlowRun{InstanceID: "i1", ContactID: "c1", FlowID: "f", Status: connectd.FlowRunRunning, Process: "p1"}
	if err := svc.SaveFlowRun(ctx, run); err != nil {
		t.Fatal(err)
	}
	if doc, ok := mark("c1"); !ok || doc != "p1" {
		t.Fatalf("a RUNNING run's mark: %q, %v; want its process p1", doc, ok)
	}
	run.Status = connectd.FlowRunCompleted
	if err := svc.SaveFlowRun(ctx, run); err != nil {
		t.Fatal(err)
	}
	if _, ok := mark("c1"); ok {
		t.Fatal("a COMPLETED run kept its open-run mark")
	}

	err := s.Update(ctx, "stale marks", func(tx connectd.Tx) error {
		for _, id := range []string{"c1", "c-none"} {
			if err := tx.PutFlowDoc(ctx, connectd.FlowDoc{InstanceID: "i1", Kind: connectd.DocOpenRun, ID: id, Doc: []byte("p-gone")}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := svc.InterruptFlowRuns(ctx); err != nil || n != 0 {
		t.Fatalf("InterruptFlowRuns over stale marks = %d, %v; want 0", n, err)
	}
	for _, id := range []string{"c1", "c-none"} {
		if _, ok := mark(id); ok {
			t.Errorf("the stale mark of %s stayed", id)
		}
	}
	if got, err := svc.FlowRunOf(ctx, "i1", "c1"); err != nil || got.Status != connectd.FlowRunCompleted {
		t.Errorf("the ended run changed: %+v, %v", got, err)
	}
}

// orderPort is a Store that claims to be shared (connectd.Processes) by
// this process, p-self, and by p-new, a replica that records itself only
// once the open-run marks have been read: what a replica starting while
// another interrupts runs looks like from the second.
type orderPort struct {
	*Store
	marksRead bool
}

func (p *orderPort) Update(ctx context.Context, op string, fn func(connectd.Tx) error) error {
	return p.Store.Update(ctx, op, func(tx connectd.Tx) error { return fn(orderTx{tx, p}) })
}

func (p *orderPort) ProcessID() string { return "p-self" }

func (p *orderPort) LiveProcesses(context.Context) (map[string]bool, []string, error) {
	return map[string]bool{"p-self": true, "p-new": p.marksRead}, nil, nil
}

func (p *orderPort) ForgetProcesses(context.Context, []string) error { return nil }

type orderTx struct {
	connectd.Tx
	p *orderPort
}

func (t orderTx) FlowDocs(ctx context.Context, instanceID, kind string) ([]connectd.FlowDoc, error) {
	if kind == connectd.DocOpenRun {
		t.p.marksRead = true
	}
	return t.Tx.FlowDocs(ctx, instanceID, kind)
}

// TestInterruptReadsMarksBeforeProcesses: the marks are read before the
// processes that live, so a run of a replica that recorded itself in
// between is that of a live replica, and stays RUNNING.
func TestInterruptReadsMarksBeforeProcesses(t *testing.T) {
	ctx := t.Context()
	s, clock := openRuns(t)
	p := &orderPort{Store: s}
	svc := connectd.NewService(p, clock)
	withInstance(t, svc)
	for id, process := range map[string]string{"c-new": "p-new", "c-gone": "p-gone"} {
		run := &connectd.FlowRun{InstanceID: "i1", ContactID: id, FlowID: "f", Status: connectd.FlowRunRunning, Process: process}
		if err := svc.SaveFlowRun(ctx, run); err != nil {
			t.Fatal(err)
		}
	}
	p.marksRead = false
	if n, err := svc.InterruptFlowRuns(ctx); err != nil || n != 1 {
		t.Fatalf("InterruptFlowRuns = %d, %v; want only the gone process's run", n, err)
	}
	for id, want := range map[string]string{"c-new": "RUNNING", "c-gone": "INTERRUPTED"} {
		if run, err := svc.FlowRunOf(ctx, "i1", id); err != nil || run.Status != want {
			t.Errorf("%s: %+v, %v; want %s", id, run, err, want)
		}
	}
}

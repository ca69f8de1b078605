package postgres

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/flow"
	"github.com/connectd/connectd/internal/pgtest"
	"github.com/connectd/connectd/storetest"
)

// withRunsInstance creates instance i1, which the runs' documents belong to.
func withRunsInstance(t *testing.T, svc *connectd.Service) {
	t.Helper()
	if err := svc.CreateInstance(t.Context(), &connectd.Instance{ID: "i1", Owner: storetest.SeedOwner(), Status: connectd.InstanceStatusActive,
		IdentityManagementType: connectd.IdentityConnectManaged}); err != nil {
		t.Fatal(err)
	}
}

// silence stops s's beats, leaving its record as a killed process would.
func silence(s *Store) {
	s.stopBeat()
	<-s.beaten
}

// age makes the record of victim older than goneAfter, through db.
func age(t *testing.T, db, victim *Store) {
	t.Helper()
	if _, err := db.pool.Exec(t.Context(), `UPDATE processes SET seen = now() - $1::interval WHERE id = $2`, 2*goneAfter, victim.ProcessID()); err != nil {
		t.Fatal(err)
	}
}

// TestFlowRunsOfReplicas (each replica's Store without its folder, which
// plays no part here): a replica starting marks INTERRUPTED only the
// runs under way of processes that are not live: one stored before runs
// named their process, one of a replica that closed its store. The run of
// a live replica stays RUNNING, and so does that of a replica killed (its
// beats stopped) until it has been silent for goneAfter; then the sweep
// (InterruptGoneProcessRuns) marks its run and forgets it, and a process
// that beat again after it was found silent is not forgotten.
func TestFlowRunsOfReplicas(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	dsn := pgtest.DSN(t)
	clock := connectd.NewManualClock(time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC))
	a, killed, starting := openNoFold(t, dsn, clock), openNoFold(t, dsn, clock), openNoFold(t, dsn, clock)
	closed := openNoFold(t, dsn, clock)
	svcA, svc := connectd.NewService(a, clock), connectd.NewService(starting, clock)
	withRunsInstance(t, svcA)
	for contact, process := range map[string]string{"c-live": a.ProcessID(), "c-old": "", "c-closed": closed.ProcessID(), "c-killed": killed.ProcessID()} {
		run := &connectd.FlowRun{InstanceID: "i1", ContactID: contact, FlowID: "f", Status: connectd.FlowRunRunning, Process: process}
		if err := svcA.SaveFlowRun(ctx, run); err != nil {
			t.Fatal(err)
		}
	}
	closed.Close()
	silence(killed) // as kill -9 would: no more beats, the record stays
	status := func(contact string) string {
		t.Helper()
		run, err := svc.FlowRunOf(ctx, "i1", contact)
		if err != nil {
			t.Fatal(err)
		}
		return run.Status
	}

	if n, err := svc.InterruptFlowRuns(ctx); err != nil || n != 2 {
		t.Fatalf("InterruptFlowRuns = %d, %v; want the old run and the closed replica's", n, err)
	}
	for contact, want := range map[string]string{"c-live": "RUNNING", "c-old": "INTERRUPTED", "c-closed": "INTERRUPTED", "c-killed": "RUNNING"} {
		if got := status(contact); got != want {
			t.Errorf("after a replica's start, %s is %s, want %s", contact, got, want)
		}
	}
	if n, err := svc.InterruptGoneProcessRuns(ctx); err != nil || n != 0 {
		t.Fatalf("InterruptGoneProcessRuns with no process silent for %v = %d, %v", goneAfter, n, err)
	}

	age(t, a, killed)
	if n, err := svc.InterruptGoneProcessRuns(ctx); err != nil || n != 1 {
		t.Fatalf("InterruptGoneProcessRuns = %d, %v; want the killed replica's run", n, err)
	}
	if got := status("c-killed"); got != "INTERRUPTED" {
		t.Errorf("the killed replica's run is %s", got)
	}
	if got := status("c-live"); got != "RUNNING" {
		t.Errorf("the live replica's run is %s", got)
	}
	live, gone, err := starting.LiveProcesses(ctx)
	if err != nil || len(gone) != 0 || !live[a.ProcessID()] || !live[starting.ProcessID()] || live[killed.ProcessID()] || live[closed.ProcessID()] {
		t.Fatalf("after the sweep: live %v, gone %v, %v", live, gone, err)
	}

	// A replica found silent that beats before it is forgotten stays.
	// Its own beats stop first, so that none lands between the aging and
	// the look.
	silence(a)
	age(t, a, a)
	if _, gone, err = starting.LiveProcesses(ctx); err != nil || !slices.Equal(gone, []string{a.ProcessID()}) {
		t.Fatalf("gone = %v, %v; want the aged replica", gone, err)
	}
	if err := a.beat(ctx); err != nil {
		t.Fatal(err)
	}
	if err := starting.ForgetProcesses(ctx, gone); err != nil {
		t.Fatal(err)
	}
	if live, _, err = starting.LiveProcesses(ctx); err != nil || !live[a.ProcessID()] {
		t.Fatalf("a replica that beat again was forgotten: %v, %v", live, err)
	}
}

// TestRunnerSweepsGoneReplicas: with SweepEvery, the flow Runner of a live
// replica marks the run of a replica gone without a word, without anyone
// starting.
func TestRunnerSweepsGoneReplicas(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	dsn := pgtest.DSN(t)
	clock := connectd.NewManualClock(time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC))
	live, killed := openNoFold(t, dsn, clock), openNoFold(t, dsn, clock)
	svc := connectd.NewService(live, clock)
	withRunsInstance(t, svc)
	run := &connectd.FlowRun{InstanceID: "i1", ContactID: "c1", FlowID: "f", Status: connectd.FlowRunWaiting, Process: killed.ProcessID(),
		Wait: &connectd.FlowRunWait{Identifier: "w", Until: clock.Now().Add(time.Hour)}}
	if err := svc.SaveFlowRun(ctx, run); err != nil {
		t.Fatal(err)
	}
	silence(killed)
	age(t, live, killed)
	r := flow.New(flow.Config{Service: svc, Clock: clock, SweepEvery: 10 * time.Millisecond})
	defer r.Close()
	wait, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for {
		got, err := svc.FlowRunOf(wait, "i1", "c1")
		if err != nil {
			t.Fatal(err)
		}
		if got.Status == connectd.FlowRunInterrupted {
			if got.Wait != nil || got.Reason == "" {
				t.Errorf("interrupted run: %+v", got)
			}
			return
		}
		select {
		case <-wait.Done():
			t.Fatalf("the gone replica's run is still %s", got.Status)
		case <-time.After(10 * time.Millisecond):
		}
	}
}

package postgres_test

import (
	"strings"
	"testing"
	"time"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/internal/pgtest"
	"github.com/connectd/connectd/postgres"
)

// TestFailover runs connectd on a primary with a synchronous streaming
// standby and a DSN that lists both with target_session_attrs=read-write,
// kills the primary's postmaster (SIGKILL) under a write load of one
// writer per contact, and promotes the standby. It asserts that no
// acknowledged write is lost, that every failure a client saw was a 503
// ServiceUnavailableException with Retry-After, and that writes succeed
// again within a second of the promotion, without restarting connectd.
// Then the old primary comes back as a second primary on the old
// timeline: connectd must refuse it (the fence), not write to it.
//
// Before the failover, a replica whose DSN lists the standby first
// without target_session_attrs answers writes with 503, not 500, and its
// health check with 503.
func TestFailover(t *testing.T) {
	t.Parallel()
	primary, standby := pgtest.NewReplicatedPair(t)
	// Start-up against a standby of a database without connectd's schema
	// fails, saying why; once the primary has the schema, it succeeds
	// (see StandbyFirst).
	_, err := postgres.Open(t.Context(), hostsDSN("", standby), connectd.SystemClock{}, nil)
	if err == nil || !strings.Contains(err.Error(), "read-only") || !strings.Contains(err.Error(), "against the primary") {
		t.Fatalf("Open on a standby without the schema: %v, want an error saying the server is read-only", err)
	}
	a := newHAReplica(t, hostsDSN("target_session_attrs=read-write", primary, standby))
	instance, contacts := setup(t, a, 8)

	t.Run("StandbyFirst", func(t *testing.T) {
		waitForSchema(t, primary, standby)
		s := newHAReplica(t, hostsDSN("", standby, primary))
		want503(t, "a write through the standby", s.update(t, instance, contacts[0], "via_standby"))
		if got := s.health(t); got != 503 {
			t.Errorf("health on the standby: %d, want 503", got)
		}
		if got := a.health(t); got != 200 {
			t.Errorf("health on the primary: %d, want 200", got)
		}
	})

	l := startLoad(t, a, instance, contacts)
	time.Sleep(time.Second)
	if err := primary.Kill(); err != nil {
		t.Fatal(err)
	}
	killed := time.Now()
	time.Sleep(500 * time.Millisecond) // the outage, seen by the writers
	if err := standby.Promote(); err != nil {
		t.Fatal(err)
	}
	promoted := time.Now()
	time.Sleep(1500 * time.Millisecond)
	l.stop.Store(true)
	l.wg.Wait()

	first, ok := l.firstSuccessAfter(promoted)
	switch {
	case !ok:
		t.Fatalf("no write succeeded after the promotion; %d failed", len(l.failures))
	case first.Sub(promoted) > time.Second:
		t.Errorf("first write succeeded %v after the promotion, want within 1s", first.Sub(promoted))
	}
	for i, err := range l.failures {
		want503(t, "a write during the failover", err)
		if i > 1000 {
			break
		}
	}
	acked := 0
	for w, keys := range l.acked {
		got := a.attributes(t, instance, contacts[w])
		for _, k := range keys {
			if got[k] != "1" {
				t.Errorf("acknowledged key %s of contact %d was lost in the failover", k, w)
			}
		}
		acked += len(keys)
	}
	t.Logf("%d writes acknowledged, %d failed (all 503) during %v of outage; first success %v after the promotion",
		acked, len(l.failures), promoted.Sub(killed), first.Sub(promoted))

	// The old primary comes back, unfenced by anything but connectd: a
	// second primary, on the old timeline, listed first.
	if err := primary.Restart(30 * time.Second); err != nil {
		t.Fatal(err)
	}
	t.Run("OldPrimaryBack", func(t *testing.T) {
		// A replica that saw the promotion refuses the old primary when
		// it next connects, and takes the next host.
		postgres.ResetPool(a.store)
		if err := a.update(t, instance, contacts[0], "after_return"); err != nil {
			t.Fatalf("write with the old primary back: %v", err)
		}
		if !strings.Contains(a.log.String(), "refusing a server") {
			t.Errorf("no log line names the refused old primary; log:\n%s", a.log.String())
		}
		// A replica that starts now surveys every host, learns the new
		// timeline, and never writes to the old primary either.
		b := newHAReplica(t, hostsDSN("target_session_attrs=read-write", primary, standby))
		if err := b.update(t, instance, contacts[1], "new_replica"); err != nil {
			t.Fatalf("write through a replica started with the old primary back: %v", err)
		}
		if got := a.attributes(t, instance, contacts[1]); got["new_replica"] != "1" {
			t.Errorf("the new replica's write is not on the promoted primary")
		}
		// With the promoted primary gone too, only the old one is left:
		// 503, not a write to it.
		if err := standby.Stop(); err != nil {
			t.Fatal(err)
		}
		postgres.ResetPool(a.store)
		want503(t, "a write with only the old primary up", a.update(t, instance, contacts[2], "diverged"))
		if got := a.health(t); got != 503 {
			t.Errorf("health with only the old primary up: %d, want 503", got)
		}
		// Nothing written after the failover reached the old primary.
		var n int
		err := primary.QueryRow(`SELECT count(*) FROM contacts WHERE attributes ?| array['after_return', 'new_replica', 'diverged']`, &n)
		if err != nil || n != 0 {
			t.Errorf("the old primary holds %d contacts written after the failover (err %v), want 0", n, err)
		}
	})
}

// waitForSchema waits until standby has replayed the migrations the
// primary recorded: synchronous replication waits for the standby's flush,
// not for its replay.
func waitForSchema(t *testing.T, primary, standby *pgtest.Cluster) {
	t.Helper()
	var want, got int
	if err := primary.QueryRow(`SELECT count(*) FROM schema_migrations`, &want); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); got != want; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the standby has %d of %d migrations after 10s", got, want)
		}
		_ = standby.QueryRow(`SELECT count(*) FROM schema_migrations`, &got)
	}
}

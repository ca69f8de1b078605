package postgres_test

import (
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"

	"github.com/connectd/connectd/internal/pgtest"
)

// TestReadFromStandby gives a replica a read DSN naming the synchronous
// standby and checks that reads are served there, that the replica reads
// its own writes even while the standby's replay is paused (it reads the
// primary then), that another replica reading the paused standby sees the
// documented staleness and a measured lag, and that with the primary
// stopped the standby still serves the reads while writes are 503s.
func TestReadFromStandby(t *testing.T) {
	t.Parallel()
	primary, standby := pgtest.NewReplicatedPair(t)
	a := newHAReplica(t, hostsDSN("target_session_attrs=read-write", primary, standby))
	if err := a.store.ReadFrom(t.Context(), hostsDSN("", standby)); err != nil {
		t.Fatal(err)
	}
	b := newHAReplica(t, hostsDSN("target_session_attrs=read-write", primary, standby))
	if err := b.store.ReadFrom(t.Context(), hostsDSN("", standby)); err != nil {
		t.Fatal(err)
	}
	instance, contacts := setup(t, a, 1)
	c := contacts[0]
	if err := a.update(t, instance, c, "first"); err != nil {
		t.Fatal(err)
	}
	if got := a.attributes(t, instance, c); got["first"] != "1" {
		t.Fatalf("a does not read its own write: %v", got)
	}
	// Synchronous replication acknowledges once the standby has flushed
	// the WAL, not replayed it: wait for the replay before pausing it.
	deadline := time.Now().Add(10 * time.Second)
	for !standbyHas(t, b, instance, c, "first") {
		if time.Now().After(deadline) {
			t.Fatal("the standby did not replay the first write within 10s")
		}
		time.Sleep(20 * time.Millisecond)
	}

	if err := standby.Exec(`SELECT pg_wal_replay_pause()`); err != nil {
		t.Fatal(err)
	}
	if err := a.update(t, instance, c, "while_paused"); err != nil {
		t.Fatal(err)
	}
	if got := a.attributes(t, instance, c); got["while_paused"] != "1" {
		t.Errorf("a does not read its own write while the standby's replay is paused: %v", got)
	}
	// b wrote nothing since, so it reads the standby, which has not
	// replayed a's write: stale by the lag, as documented.
	if got := b.attributes(t, instance, c); got["first"] != "1" || got["while_paused"] == "1" {
		t.Errorf("b read %v from the paused standby, want first but not while_paused", got)
	}
	time.Sleep(20 * time.Millisecond)
	if b.health(t) != 200 {
		t.Error("health with a paused standby is not 200")
	}
	if lag, _, ok := b.store.ReadLag(); !ok || lag <= 0 {
		t.Errorf("ReadLag with replay paused: %v (ok %v), want > 0", lag, ok)
	}
	if err := standby.Exec(`SELECT pg_wal_replay_resume()`); err != nil {
		t.Fatal(err)
	}

	// Once the standby has replayed a's writes, a reads there: with the
	// primary stopped, a's reads still succeed, and its writes are 503s.
	deadline = time.Now().Add(10 * time.Second)
	for b.attributes(t, instance, c)["while_paused"] != "1" {
		if time.Now().After(deadline) {
			t.Fatal("the standby did not replay within 10s of resuming")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := a.update(t, instance, c, "last"); err != nil {
		t.Fatal(err)
	}
	for !standbyHas(t, b, instance, c, "last") {
		if time.Now().After(deadline) {
			t.Fatal("the standby did not replay the last write within 10s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := primary.Stop(); err != nil {
		t.Fatal(err)
	}
	if got := a.attributes(t, instance, c); got["last"] != "1" {
		t.Errorf("with the primary down, a read %v from the standby", got)
	}
	want503(t, "a write with the primary down", a.update(t, instance, c, "primary_down"))
}

// standbyHas reports whether r, which has written nothing, reads key. A
// standby that has not yet replayed the instance or the contact answers
// 404, which is "not yet" too (under load the replay can trail the
// synchronous commit's flush by more than the writes between them).
func standbyHas(t *testing.T, r *haReplica, instance, contact, key string) bool {
	t.Helper()
	out, err := r.client.GetContactAttributes(t.Context(), &connect.GetContactAttributesInput{
		InstanceId: aws.String(instance), InitialContactId: aws.String(contact),
	})
	var notFound *types.ResourceNotFoundException
	if errors.As(err, &notFound) {
		return false
	}
	if err != nil {
		t.Fatalf("read contact %s: %v", contact, err)
	}
	return out.Attributes[key] == "1"
}

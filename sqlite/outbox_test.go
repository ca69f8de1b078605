package sqlite

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/connectd/connectd"
)

// The batch's outbox entries are inserted just before its commit
// (outbox.go). These tests hand the committer batches directly
// (runBatch) and check what the outbox holds after: every entry of a kept
// unit once, in the order of the appends, none of a unit rolled back.

// unitJob is a job whose unit runs fn with the writer's rows in tx.
func unitJob(t *testing.T, s *Store, fn func(tx *txn, r *rows) error) *job {
	return &job{ctx: t.Context(), op: "test", done: make(chan error, 1), fn: func(tx *txn) error {
		r := &rows{s: s, q: tx, w: tx}
		r.Tables = tables(r)
		return fn(tx, r)
	}}
}

// outboxEntry is a pending contact event of contact in inst-1.
func outboxEntry(contact string) *connectd.OutboxEntry {
	return &connectd.OutboxEntry{InstanceID: "inst-1", ContactID: contact, Kind: connectd.OutboxEvent,
		Payload: []byte(`{"n":"` + contact + `"}`), CreatedAt: time.Now(), State: connectd.OutboxPending}
}

// outboxJob is a job that appends one entry per name, then fails with
// fail if it is not nil, after a write if write.
func outboxJob(t *testing.T, s *Store, names []string, write bool, fail error, appended *[]*connectd.OutboxEntry) *job {
	return unitJob(t, s, func(_ *txn, r *rows) error {
		for _, n := range names {
			e := outboxEntry(n)
			if err := r.AppendOutbox(t.Context(), e); err != nil {
				return err
			}
			if appended != nil {
				*appended = append(*appended, e)
			}
		}
		if write {
			if err := r.SetChainMap(t.Context(), "inst-1", "c-1", connectd.Attributes{"k": names[0]}, time.Time{}); err != nil {
				return err
			}
		}
		return fail
	})
}

// runJobs runs batch as one batch of the committer and returns each
// job's answer.
func runJobs(s *Store, batch ...*job) []error {
	s.runBatch(batch)
	errs := make([]error, len(batch))
	for i, j := range batch {
		errs[i] = <-j.done
	}
	return errs
}

// outboxNames returns the contact ids of every outbox entry in seq order,
// checking that seq increases.
func outboxNames(t *testing.T, svc *connectd.Service) []string {
	t.Helper()
	es, err := svc.Outbox(t.Context(), "", 0, 10000)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i, e := range es {
		if i > 0 && e.Seq <= es[i-1].Seq {
			t.Fatalf("seq %d after %d", e.Seq, es[i-1].Seq)
		}
		out = append(out, e.ContactID)
	}
	return out
}

func names(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%03d", prefix, i)
	}
	return out
}

func equal(a, b []string) bool { return fmt.Sprint(a) == fmt.Sprint(b) }

// TestOutboxBatchOrder: 75 units of a batch, one entry each, and one unit
// of 130 (statements of 64, 8, 2 and 1 rows, and several of 64): every
// entry is stored once, in the order appended, and each got the Seq of
// its row.
func TestOutboxBatchOrder(t *testing.T) {
	s, svc := seeded(t)
	before := outboxNames(t, svc)
	var appended []*connectd.OutboxEntry
	var batch []*job
	var want []string
	for i := range 75 {
		n := fmt.Sprintf("u%03d", i)
		batch = append(batch, outboxJob(t, s, []string{n}, false, nil, &appended))
		want = append(want, n)
	}
	batch = append(batch, outboxJob(t, s, names("big", 130), false, nil, &appended))
	want = append(want, names("big", 130)...)
	for i, err := range runJobs(s, batch...) {
		if err != nil {
			t.Fatalf("job %d: %v", i, err)
		}
	}
	if got := outboxNames(t, svc)[len(before):]; !equal(got, want) {
		t.Fatalf("outbox holds %v,\nwant %v", got, want)
	}
	es, err := svc.Outbox(t.Context(), "", 0, 10000)
	if err != nil {
		t.Fatal(err)
	}
	bySeq := map[int64]string{}
	for _, e := range es {
		bySeq[e.Seq] = e.ContactID
	}
	for _, e := range appended {
		if bySeq[e.Seq] != e.ContactID {
			t.Fatalf("entry %s got Seq %d, which holds %q", e.ContactID, e.Seq, bySeq[e.Seq])
		}
	}
}

// TestOutboxRollback: a unit rejected before it wrote, and one rejected
// after writing (which makes the batch run again, with savepoints), leave
// none of their entries and neither repeat nor drop their neighbours';
// a failed batch of one leaves nothing.
func TestOutboxRollback(t *testing.T) {
	s, svc := seeded(t)
	before := outboxNames(t, svc)
	rejected := connectd.Errorf(connectd.EINVALID, "rejected on purpose")
	errs := runJobs(s,
		outboxJob(t, s, []string{"a1", "a2"}, true, nil, nil),
		outboxJob(t, s, []string{"b1"}, false, rejected, nil), // read, at most
		outboxJob(t, s, []string{"c1"}, true, rejected, nil),  // wrote: the batch runs again
		outboxJob(t, s, []string{"d1"}, false, nil, nil),
	)
	for i, want := range []error{nil, rejected, rejected, nil} {
		if !errors.Is(errs[i], want) {
			t.Fatalf("job %d: %v, want %v", i, errs[i], want)
		}
	}
	if got := outboxNames(t, svc)[len(before):]; !equal(got, []string{"a1", "a2", "d1"}) {
		t.Fatalf("outbox holds %v, want [a1 a2 d1]", got)
	}
	errs = runJobs(s, outboxJob(t, s, []string{"e1"}, true, rejected, nil))
	if !errors.Is(errs[0], rejected) {
		t.Fatalf("batch of one: %v", errs[0])
	}
	if got := outboxNames(t, svc)[len(before):]; !equal(got, []string{"a1", "a2", "d1"}) {
		t.Fatalf("after a failed batch of one the outbox holds %v, want [a1 a2 d1]", got)
	}
}

// TestOutboxReadInBatch: a unit that reads the outbox sees the entries of
// the units before it and its own, in order; when it is then rolled back
// to its savepoint, the earlier units' entries, which its read inserted,
// are inserted again, once, and its own are gone.
func TestOutboxReadInBatch(t *testing.T) {
	s, svc := seeded(t)
	before := outboxNames(t, svc)
	rejected := connectd.Errorf(connectd.EINVALID, "rejected on purpose")
	var seen []string
	reader := func(fail error) *job {
		return unitJob(t, s, func(_ *txn, r *rows) error {
			if err := r.AppendOutbox(t.Context(), outboxEntry("own")); err != nil {
				return err
			}
			es, err := r.Outbox(t.Context(), "", 0, 10000)
			if err != nil {
				return err
			}
			seen = nil
			for _, e := range es[len(before):] {
				seen = append(seen, e.ContactID)
			}
			return fail
		})
	}
	// The reader writes (its read inserts), so its rejection makes the
	// batch run again with savepoints, where ROLLBACK TO takes a1 and a2
	// out again: they must be inserted once more.
	errs := runJobs(s, outboxJob(t, s, []string{"a1", "a2"}, false, nil, nil), reader(rejected),
		outboxJob(t, s, []string{"c1"}, false, nil, nil))
	if errs[0] != nil || !errors.Is(errs[1], rejected) || errs[2] != nil {
		t.Fatalf("answers %v", errs)
	}
	if !equal(seen, []string{"a1", "a2", "own"}) {
		t.Errorf("the reading unit saw %v, want [a1 a2 own]", seen)
	}
	if got := outboxNames(t, svc)[len(before):]; !equal(got, []string{"a1", "a2", "c1"}) {
		t.Fatalf("outbox holds %v, want [a1 a2 c1]", got)
	}
	errs = runJobs(s, outboxJob(t, s, []string{"x1"}, false, nil, nil), reader(nil),
		outboxJob(t, s, []string{"y1"}, false, nil, nil))
	if errs[0] != nil || errs[1] != nil || errs[2] != nil {
		t.Fatalf("answers %v", errs)
	}
	if got := outboxNames(t, svc)[len(before)+3:]; !equal(got, []string{"x1", "own", "y1"}) {
		t.Fatalf("outbox holds %v after the kept reader, want [x1 own y1]", got)
	}
	// A kept reader, then a unit rolled back after writing: what the
	// reader inserted stays inserted once (review finding: a mutation of
	// release survived the suite).
	errs = runJobs(s, outboxJob(t, s, []string{"p1"}, false, nil, nil), reader(nil),
		outboxJob(t, s, []string{"q1"}, true, rejected, nil), outboxJob(t, s, []string{"r1"}, false, nil, nil))
	if errs[0] != nil || errs[1] != nil || !errors.Is(errs[2], rejected) || errs[3] != nil {
		t.Fatalf("answers %v", errs)
	}
	if got := outboxNames(t, svc)[len(before)+6:]; !equal(got, []string{"p1", "own", "r1"}) {
		t.Fatalf("outbox holds %v after a kept reader and a rejected writer, want [p1 own r1]", got)
	}
}

// TestOutboxDeleteAllInBatch: a reset in the batch deletes the entries
// the units before it appended, not only those committed before.
func TestOutboxDeleteAllInBatch(t *testing.T) {
	s, svc := seeded(t)
	reset := unitJob(t, s, func(_ *txn, r *rows) error { return r.DeleteAll(t.Context()) })
	errs := runJobs(s, outboxJob(t, s, []string{"a1"}, false, nil, nil), reset,
		outboxJob(t, s, []string{"b1"}, false, nil, nil))
	for i, err := range errs {
		if err != nil {
			t.Fatalf("job %d: %v", i, err)
		}
	}
	if got := outboxNames(t, svc); !equal(got, []string{"b1"}) {
		t.Fatalf("outbox holds %v after the reset, want [b1]", got)
	}
}

// TestOutboxFlushFailure: an INSERT of the outbox that fails inside a unit
// (here a TEMP trigger of the writer's connection refuses the entry
// "bad") takes back what the statements before it inserted, fails that
// unit alone, even one that went on after the error, and leaves the
// entries of its neighbours once each (review finding: they were
// inserted twice). An entry without CreatedAt, which created_ms refuses,
// fails its unit at AppendOutbox, not the batch at its commit.
func TestOutboxFlushFailure(t *testing.T) {
	s, svc := seeded(t)
	exec := func(sql string) {
		t.Helper()
		errs := runJobs(s, unitJob(t, s, func(tx *txn, _ *rows) error {
			_, err := tx.ExecContext(t.Context(), sql)
			return err
		}))
		if errs[0] != nil {
			t.Fatalf("%s: %v", sql, errs[0])
		}
	}
	exec(`CREATE TEMP TRIGGER refuse_bad BEFORE INSERT ON outbox WHEN NEW.contact_id = 'bad' BEGIN SELECT RAISE(FAIL, 'bad entry'); END`)
	defer exec(`DROP TRIGGER temp.refuse_bad`)
	reader := func(ignore bool) *job {
		return unitJob(t, s, func(_ *txn, r *rows) error {
			if err := r.AppendOutbox(t.Context(), outboxEntry("bad")); err != nil {
				return err
			}
			_, err := r.Outbox(t.Context(), "", 0, 10000)
			if ignore {
				return nil
			}
			return err
		})
	}
	for _, ignore := range []bool{false, true} {
		start := len(outboxNames(t, svc))
		errs := runJobs(s, outboxJob(t, s, []string{"a1", "a2"}, false, nil, nil), reader(ignore),
			outboxJob(t, s, []string{"c1"}, false, nil, nil))
		if errs[0] != nil || errs[1] == nil || !strings.Contains(errs[1].Error(), "bad entry") || errs[2] != nil {
			t.Fatalf("ignore=%v: answers %v, want the reader alone to fail with the trigger's error", ignore, errs)
		}
		if got := outboxNames(t, svc)[start:]; !equal(got, []string{"a1", "a2", "c1"}) {
			t.Fatalf("ignore=%v: outbox holds %v, want [a1 a2 c1]", ignore, got)
		}
	}
	zero := unitJob(t, s, func(_ *txn, r *rows) error {
		e := outboxEntry("zero")
		e.CreatedAt = time.Time{}
		return r.AppendOutbox(t.Context(), e)
	})
	start := len(outboxNames(t, svc))
	errs := runJobs(s, outboxJob(t, s, []string{"x1"}, true, nil, nil), zero, outboxJob(t, s, []string{"y1"}, false, nil, nil))
	if errs[0] != nil || errs[1] == nil || errs[2] != nil {
		t.Fatalf("an entry without CreatedAt: answers %v, want its unit alone to fail", errs)
	}
	if got := outboxNames(t, svc)[start:]; !equal(got, []string{"x1", "y1"}) {
		t.Fatalf("outbox holds %v, want [x1 y1]", got)
	}
}

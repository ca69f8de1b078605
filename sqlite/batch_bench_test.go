package sqlite

import (
	"context"
	"testing"

	"github.com/connectd/connectd"
)

// capturePort is a Port whose Update keeps the Service's unit of work
// instead of running it, so that a benchmark can hand the committer a
// batch of a chosen size (runBatch) without depending on how the
// scheduler groups concurrent callers.
type capturePort struct {
	connectd.Port
	fn func(connectd.Tx) error
}

func (c *capturePort) Update(_ context.Context, _ string, fn func(connectd.Tx) error) error {
	c.fn = fn
	return nil
}

// BenchmarkCommitBatch is the committer's work for one batch of 64
// UpdateContactAttributes on 64 contacts (10 attributes each), run
// directly through runBatch: its SQL, the Service's unit of work, the
// commit and its fsync, per update. Unlike BenchmarkUpdateAttributes its
// batches do not shrink when the machine is busy, so its CPU per update
// compares builds in a noisy sitting.
func BenchmarkCommitBatch(b *testing.B) {
	const size = 64
	s, ids := benchContacts(b, 1000)
	capture := &capturePort{Port: s}
	svc := connectd.NewService(capture, s.clock)
	ctx := context.Background()
	var seq uint64
	b.ReportAllocs()
	b.ResetTimer()
	defer cpuPerOp(b)()
	for done := 0; done < b.N; done += size {
		batch := make([]*job, size)
		for i := range batch {
			seq++
			if err := svc.UpdateAttributes(ctx, owner, "inst-bench", ids[seq%uint64(len(ids))], update(seq, 10)); err != nil {
				b.Fatal(err)
			}
			fn := capture.fn
			batch[i] = &job{ctx: ctx, op: "update attributes", done: make(chan error, 1), fn: func(tx *txn) error {
				r := &rows{s: s, q: tx, w: tx}
				r.Tables = tables(r)
				return fn(r)
			}}
		}
		s.runBatch(batch)
		for _, j := range batch {
			if err := <-j.done; err != nil {
				b.Fatal(err)
			}
		}
	}
}

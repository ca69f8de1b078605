package sqlite

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

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

// BenchmarkOutboxInsert is the insert of one outbox entry (a 900-byte
// payload, about a CONTACT_DATA_UPDATED event's) alone in its statement
// and as one row of the batch's 64-row statement (outbox.go), 256 entries
// a transaction (a full batch), commit included.
func BenchmarkOutboxInsert(b *testing.B) {
	const perTx = 4 * maxOutboxRows
	for _, rows := range []int{1, maxOutboxRows} {
		b.Run(fmt.Sprintf("rows=%d", rows), func(b *testing.B) {
			s, _ := benchContacts(b, 1)
			size := 0
			for 1<<size < rows {
				size++
			}
			var args []any
			for range rows {
				args = append(args, "inst-bench", "contact-000000", "CONTACT_EVENT", strings.Repeat("x", 900), time.Now().UnixMilli(), "PENDING")
			}
			b.ResetTimer()
			defer cpuPerOp(b)()
			for done := 0; done < b.N; done += perTx {
				err := s.write(b.Context(), "bench", func(tx *txn) error {
					for i := 0; i < perTx; i += rows {
						if _, err := tx.ExecContext(b.Context(), s.outboxInserts[size], args...); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

package postgres

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/internal/pgtest"
)

// BenchmarkUpdateIndexedKeys is UpdateContactAttributes' store work under
// 64 callers on 1,000 contacts, 10 attributes an update, with no key of
// the instance indexed (the default until a search names one) and with all
// 10 keys configured searchable, which costs what indexing every pair did
// before issue 18. ns/op is the inverse of the store's write throughput.
func BenchmarkUpdateIndexedKeys(b *testing.B) {
	keys := make([]string, 10)
	for k := range keys {
		keys[k] = fmt.Sprintf("key%02d", k)
	}
	for _, tc := range []struct {
		name    string
		indexed []string
	}{{"NoKeyIndexed", nil}, {"AllTenIndexed", keys}} {
		b.Run(tc.name, func(b *testing.B) {
			ctx := context.Background()
			clock := connectd.SystemClock{}
			s, err := Open(ctx, pgtest.DSN(b), clock, nil)
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { s.Close() })
			svc := connectd.NewService(s, clock)
			owner := connectd.Owner{AccountID: "111122223333", Region: "us-east-1"}
			if err := svc.CreateInstance(ctx, &connectd.Instance{ID: "bench", Owner: owner, Status: connectd.InstanceStatusActive}); err != nil {
				b.Fatal(err)
			}
			if tc.indexed != nil {
				if err := svc.SetSearchableKeys(ctx, "bench", tc.indexed); err != nil {
					b.Fatal(err)
				}
			}
			snap := &connectd.Snapshot{}
			ids := make([]string, 1000)
			for i := range ids {
				ids[i] = fmt.Sprintf("c%04d", i)
				snap.Contacts = append(snap.Contacts, &connectd.Contact{InstanceID: "bench", ID: ids[i], InitialContactID: ids[i],
					Channel: connectd.ChannelTask, InitiationMethod: connectd.InitiationAPI, InitiationTimestamp: time.Now()})
			}
			if err := svc.Import(ctx, snap); err != nil {
				b.Fatal(err)
			}
			var seq atomic.Uint64
			b.SetParallelism(32)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := seq.Add(1)
					m := make(connectd.Attributes, len(keys))
					for _, k := range keys {
						m[k] = fmt.Sprintf("value-%d-%s", i, k)
					}
					if err := svc.UpdateAttributes(ctx, owner, "bench", ids[i%uint64(len(ids))], m); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

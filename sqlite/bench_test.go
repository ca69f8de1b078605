package sqlite

import (
	"fmt"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/connectd/connectd"
)

// The benchmarks below measure the store's hot paths on a file store with
// its production settings (WAL, synchronous=FULL: every acknowledged write
// is fsync'd), so that a regression of the write path shows in
// `go test -bench . ./sqlite`. They never decide whether a test passes.

// benchContacts opens a durable store in a temp dir with one instance and n
// contacts, and returns it with the contacts' ids.
func benchContacts(b testing.TB, n int) (*Store, []string) {
	b.Helper()
	ctx := b.Context()
	s, err := Open(ctx, b.TempDir(), connectd.SystemClock{}, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	inst := &connectd.Instance{ID: "inst-bench", Owner: owner, IdentityManagementType: connectd.IdentityConnectManaged}
	if err := service(s).CreateInstance(ctx, inst); err != nil {
		b.Fatal(err)
	}
	snap := &connectd.Snapshot{}
	ids := make([]string, n)
	now := time.Now()
	for i := range ids {
		ids[i] = fmt.Sprintf("contact-%06d", i)
		snap.Contacts = append(snap.Contacts, &connectd.Contact{InstanceID: inst.ID, ID: ids[i], InitialContactID: ids[i],
			Channel: connectd.ChannelTask, InitiationMethod: connectd.InitiationAPI, InitiationTimestamp: now})
	}
	if err := service(s).Import(ctx, snap); err != nil {
		b.Fatal(err)
	}
	return s, ids
}

// cpuPerOp reports the process's CPU time (user and system, every
// goroutine: callers, committer, SQLite) per operation as cpu-ns/op, from
// the call until the returned function runs. On a shared machine wall-clock
// ns/op swings with the neighbours' load; CPU time per operation is what an
// optimisation changes.
func cpuPerOp(b *testing.B) func() {
	b.Helper()
	before := cpuTime(b)
	return func() { b.ReportMetric(float64((cpuTime(b)-before).Nanoseconds())/float64(b.N), "cpu-ns/op") }
}

func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// update returns an update of attrs keys whose values are new for every i,
// as the load generator sends.
func update(i uint64, attrs int) connectd.Attributes {
	m := make(connectd.Attributes, attrs)
	for k := range attrs {
		m[fmt.Sprintf("key%02d", k)] = fmt.Sprintf("value-%d-%d", i, k)
	}
	return m
}

// BenchmarkUpdateAttributes is UpdateContactAttributes' store work under
// concurrency like the load generator's (64 callers on 1,000 contacts, 10
// attributes each), so group commit shares fsyncs as it does in service.
// ns/op is the inverse of the store's write throughput.
func BenchmarkUpdateAttributes(b *testing.B) {
	s, ids := benchContacts(b, 1000)
	parallelUpdates(b, s, ids)
}

// parallelUpdates times b.N updates of 10 attributes of ids in s by 64
// concurrent callers, reporting CPU per update.
func parallelUpdates(b *testing.B, s *Store, ids []string) {
	parallelCalls(b, func(i uint64) error {
		return service(s).UpdateAttributes(b.Context(), owner, "inst-bench", ids[i%uint64(len(ids))], update(i, 10))
	})
}

// parallelCalls times b.N calls of call, the i-th given i (from 0), by 64
// concurrent callers as the load generator's, reporting CPU and
// allocations per call; the first error fails the benchmark.
func parallelCalls(b *testing.B, call func(i uint64) error) {
	var seq atomic.Uint64
	b.SetParallelism(32) // × GOMAXPROCS (2 here) goroutines: the load generator's 64
	b.ReportAllocs()
	b.ResetTimer()
	defer cpuPerOp(b)()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := call(seq.Add(1) - 1); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkUpdateAttributesSerial is one caller at a time: each write
// waits for its own commit and fsync, the latency floor of an update.
func BenchmarkUpdateAttributesSerial(b *testing.B) {
	s, ids := benchContacts(b, 1000)
	b.ReportAllocs()
	b.ResetTimer()
	defer cpuPerOp(b)()
	for i := range uint64(b.N) {
		if err := service(s).UpdateAttributes(b.Context(), owner, "inst-bench", ids[i%uint64(len(ids))], update(i, 10)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGetAttributes reads chain maps of 10 attributes concurrently
// through the read pool.
func BenchmarkGetAttributes(b *testing.B) {
	s, ids := benchContacts(b, 1000)
	for i, id := range ids {
		if err := service(s).UpdateAttributes(b.Context(), owner, "inst-bench", id, update(uint64(i), 10)); err != nil {
			b.Fatal(err)
		}
	}
	parallelCalls(b, func(i uint64) error {
		m, err := service(s).GetAttributes(b.Context(), owner, "inst-bench", ids[i%uint64(len(ids))])
		if err != nil || len(m) != 10 {
			return fmt.Errorf("GetAttributes = %d attributes, %v", len(m), err)
		}
		return nil
	})
}

// BenchmarkImport is the bulk path the load generator's -preload uses:
// ns/op is per contact, in batches of 10,000 per Import.
func BenchmarkImport(b *testing.B) {
	s, _ := benchContacts(b, 0)
	const batch = 10000
	now := time.Now()
	b.ReportAllocs()
	b.ResetTimer()
	defer cpuPerOp(b)()
	for done := 0; done < b.N; done += batch {
		snap := &connectd.Snapshot{}
		for i := done; i < min(b.N, done+batch); i++ {
			id := fmt.Sprintf("p%09d", i)
			snap.Contacts = append(snap.Contacts, &connectd.Contact{InstanceID: "inst-bench", ID: id, InitialContactID: id,
				Channel: connectd.ChannelTask, InitiationMethod: connectd.InitiationAPI, InitiationTimestamp: now,
				Attributes: connectd.Attributes{"tier": "gold", "n": id}})
		}
		if err := service(s).Import(b.Context(), snap); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGenerateContacts is the bulk path of the load generator's
// -preload (GenerateContacts); ns/op is per contact, to compare with
// BenchmarkImport.
func BenchmarkGenerateContacts(b *testing.B) {
	s, _ := benchContacts(b, 0)
	b.ResetTimer()
	defer cpuPerOp(b)()
	if err := s.GenerateContacts(b.Context(), "inst-bench", "g", b.N, time.Now()); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkUpdateLargeMap updates one key of a chain map of 1,000 keys: the
// search index's trigger must not cost in proportion to the square of the
// map's size.
func BenchmarkUpdateLargeMap(b *testing.B) {
	s, ids := benchContacts(b, 1)
	big := make(connectd.Attributes, 1000)
	for k := range 1000 {
		big[fmt.Sprintf("key%04d", k)] = "v"
	}
	if err := service(s).UpdateAttributes(b.Context(), owner, "inst-bench", ids[0], big); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	defer cpuPerOp(b)()
	for i := range uint64(b.N) {
		if err := service(s).UpdateAttributes(b.Context(), owner, "inst-bench", ids[0], update(i, 1)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStopContact is StopContact's store work under the load
// generator's concurrency, each call ending another active contact: the
// contact's end, its contact record and DISCONNECTED event in the outbox,
// and the contact state that keeps how it ended (for records sent again
// after a later change), all in one unit of work.
func BenchmarkStopContact(b *testing.B) {
	s, ids := benchContacts(b, b.N)
	parallelCalls(b, func(i uint64) error {
		return service(s).StopContact(b.Context(), owner, "inst-bench", ids[i])
	})
}

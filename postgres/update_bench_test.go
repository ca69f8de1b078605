package postgres_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/internal/pgtest"
	"github.com/connectd/connectd/postgres"
)

// BenchmarkUpdateAttributes is the PostgreSQL write path without HTTP and
// SigV4: UpdateAttributes of 10 changed attributes on one of 1,000
// contacts, from 16 goroutines a core, on a throwaway server
// (internal/pgtest). cpu-µs/op is this process's CPU (the store's side; the
// server's is not in it). BENCHMARKS.md, "PostgreSQL write path", has the
// figures.
func BenchmarkUpdateAttributes(b *testing.B) {
	s := open(b, pgtest.DSN(b), connectd.SystemClock{})
	svc, ctx := service(s), b.Context()
	if err := svc.CreateInstance(ctx, &connectd.Instance{ID: "inst-1", Owner: owner, IdentityManagementType: connectd.IdentityConnectManaged}); err != nil {
		b.Fatal(err)
	}
	const contacts, attrs = 1000, 10
	ids := make([]string, contacts)
	for i := range ids {
		c := &connectd.Contact{InstanceID: "inst-1", ID: fmt.Sprintf("c-%04d", i), Channel: connectd.ChannelTask,
			InitiationMethod: connectd.InitiationAPI, Name: "bench", Attributes: values(attrs, "0")}
		if _, err := svc.CreateContact(ctx, owner, c); err != nil {
			b.Fatal(err)
		}
		ids[i] = c.ID
	}
	server := serverCPU(b, s)
	var seq atomic.Int64
	b.SetParallelism(16)
	b.ReportAllocs()
	cpu0, server0 := cpuTime(), server()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			n := seq.Add(1)
			if err := svc.UpdateAttributes(ctx, owner, "inst-1", ids[rand.IntN(contacts)], values(attrs, fmt.Sprint(n))); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-µs/op")
	if d := server() - server0; d > 0 {
		b.ReportMetric(float64(d.Microseconds())/float64(b.N), "server-cpu-µs/op")
	}
}

// serverCPU returns a function that reads the CPU time the server of s has
// used so far: its postmaster's and its children's (the backends), from
// /proc at the clock tick's precision; 0 where that cannot be read.
func serverCPU(b *testing.B, s *postgres.Store) func() time.Duration {
	var dir string
	if err := postgres.QueryRowForTest(b.Context(), s, "SHOW data_directory", &dir); err != nil {
		return func() time.Duration { return 0 }
	}
	pidFile, err := os.ReadFile(filepath.Join(dir, "postmaster.pid"))
	if err != nil {
		return func() time.Duration { return 0 }
	}
	postmaster, _, _ := strings.Cut(string(pidFile), "\n")
	return func() time.Duration {
		stats, _ := filepath.Glob("/proc/[0-9]*/stat")
		var ticks int64
		for _, f := range stats {
			doc, err := os.ReadFile(f)
			if err != nil {
				continue
			}
			pid, _, _ := strings.Cut(strings.TrimPrefix(f, "/proc/"), "/")
			_, rest, ok := strings.Cut(string(doc), ") ")
			fields := strings.Fields(rest)
			if !ok || len(fields) < 13 || (pid != postmaster && fields[1] != postmaster) {
				continue
			}
			utime, _ := strconv.ParseInt(fields[11], 10, 64)
			stime, _ := strconv.ParseInt(fields[12], 10, 64)
			ticks += utime + stime
		}
		return time.Duration(ticks) * 10 * time.Millisecond // USER_HZ is 100 on Linux
	}
}

// values is a map of n attributes k0..k(n-1), all of value v.
func values(n int, v string) connectd.Attributes {
	m := make(connectd.Attributes, n)
	for i := range n {
		m[fmt.Sprintf("k%d", i)] = v
	}
	return m
}

// cpuTime is the process's CPU time so far, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru) //nolint:errcheck // Linux does not fail here
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

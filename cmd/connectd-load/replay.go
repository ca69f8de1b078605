package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// result is one measurement.
type result struct {
	requests int
	errors   int
	elapsed  time.Duration
	cpu      time.Duration   // this process's CPU time (user+system) during the round
	server   time.Duration   // the server process's CPU time during the round: a -server binary's, or the yardstick child's
	lat      []time.Duration // sorted
}

func (r result) rps() float64 { return float64(r.requests) / r.elapsed.Seconds() }

func (r result) pct(p float64) time.Duration {
	if len(r.lat) == 0 {
		return 0
	}
	i := int(p / 100 * float64(len(r.lat)-1))
	return r.lat[i]
}

// cpuPerRequest is the process's CPU time per request: client and, for the
// in-process connectd and the yardstick, server together. Unlike req/s it
// hardly depends on what else the machine is running.
func (r result) cpuPerRequest() time.Duration {
	if r.requests == 0 {
		return 0
	}
	return r.cpu / time.Duration(r.requests)
}

func (r result) String() string {
	s := fmt.Sprintf("%9.0f req/s  p50 %-9v p99 %-9v p99.9 %-9v errors %d  cpu/req %v",
		r.rps(), r.pct(50).Round(time.Microsecond), r.pct(99).Round(time.Microsecond),
		r.pct(99.9).Round(time.Microsecond), r.errors, r.cpuPerRequest().Round(time.Microsecond))
	if r.server > 0 && r.requests > 0 {
		s += fmt.Sprintf(" (client) server cpu/req %v", (r.server / time.Duration(r.requests)).Round(time.Microsecond))
	}
	return s
}

// cpuTime is the process's CPU time so far, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0 // Linux does not fail here; a zero shows as cpu/req 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// replay sends the pre-serialised requests round-robin over conns keep-alive
// connections to target for d, like wrk: one outstanding request per
// connection, each answered before the next is sent. Raw connections keep
// the client's own cost low and equal for both servers.
func replay(ctx context.Context, target string, reqs [][]byte, conns int, d time.Duration) (result, error) {
	u, err := url.Parse(target)
	if err != nil {
		return result{}, err
	}
	var (
		next   atomic.Uint64
		total  atomic.Int64
		errs   atomic.Int64
		mu     sync.Mutex
		all    []time.Duration
		wg     sync.WaitGroup
		failed error
	)
	deadline := time.Now().Add(d)
	start, cpu0 := time.Now(), cpuTime()
	for i := 0; i < conns; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lat, err := drive(ctx, u.Host, reqs, &next, deadline, &errs)
			mu.Lock()
			defer mu.Unlock()
			if err != nil && failed == nil {
				failed = err
			}
			all = append(all, lat...)
			total.Add(int64(len(lat)))
		}()
	}
	wg.Wait()
	elapsed, cpu := time.Since(start), cpuTime()-cpu0
	if failed != nil {
		return result{}, failed
	}
	slices.Sort(all)
	return result{requests: int(total.Load()), errors: int(errs.Load()), elapsed: elapsed, cpu: cpu, lat: all}, nil
}

// drive runs one connection until the deadline and returns its latencies.
func drive(ctx context.Context, host string, reqs [][]byte, next *atomic.Uint64, deadline time.Time, errs *atomic.Int64) ([]time.Duration, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", host)
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", host, err)
	}
	defer conn.Close()
	br := bufio.NewReaderSize(conn, 16<<10)
	lat := make([]time.Duration, 0, 1<<14)
	for ctx.Err() == nil {
		t0 := time.Now()
		if t0.After(deadline) {
			break
		}
		req := reqs[next.Add(1)%uint64(len(reqs))]
		if _, err := conn.Write(req); err != nil {
			return lat, fmt.Errorf("write: %w", err)
		}
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			return lat, fmt.Errorf("read response: %w", err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		lat = append(lat, time.Since(t0))
		if resp.StatusCode != http.StatusOK {
			errs.Add(1)
		}
	}
	return lat, nil
}

// yardstick is the bare net/http server every figure is compared with: it
// reads the body and answers {}.
func yardstick() (url string, stop func(), err error) { return yardstickOn("127.0.0.1:0") }

// yardstickOn is the yardstick listening on addr.
func yardstickOn(addr string) (url string, stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte("{}"))
	})}
	go srv.Serve(ln) //nolint:errcheck // ends with Close
	return "http://" + ln.Addr().String(), func() { srv.Close() }, nil
}

// serialise writes a request as it goes on the wire.
func serialise(r *http.Request) ([]byte, error) {
	var b bytes.Buffer
	if err := r.Write(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// The operations of the mixed load (-op mixed), and their order in each
// run of ten requests: 40 % UpdateContactAttributes, 30 %
// GetContactAttributes, 10 % DescribeContact, 10 % StartTaskContact, 10 %
// SearchContacts, the mix issue 18 measured starvation with.
const (
	mixUpdate = iota
	mixGet
	mixDescribe
	mixStart
	mixSearch
	mixKinds
)

// mixName is the operation name of a mix kind.
func mixName(k int) string {
	return [mixKinds]string{"UpdateContactAttributes", "GetContactAttributes", "DescribeContact", "StartTaskContact", "SearchContacts"}[k]
}

// mixOf is the kind of the i-th request of a connection's sequence.
func mixOf(i uint64) int {
	return [10]int{mixUpdate, mixGet, mixUpdate, mixDescribe, mixUpdate, mixGet, mixStart, mixUpdate, mixGet, mixSearch}[i%10]
}

// segments is how many values the "segment" attribute of the measured
// contacts takes: each is held by a quarter of them, the common value
// whose search was the slow one.
const segments = 4

// prepareMixed creates the contacts (each with c.attrs attributes and a
// segment) and pre-signs c.requests requests of each kind.
func prepareMixed(ctx context.Context, c config, target string) ([mixKinds][][]byte, error) {
	var reqs [mixKinds][][]byte
	inst, ids, err := setupContacts(ctx, c, target, func(i int) map[string]string {
		m := attributes(0, c.attrs)
		m["segment"] = fmt.Sprintf("s%d", i%segments)
		return m
	})
	if err != nil {
		return reqs, err
	}
	p := newPresigner(c, target)
	// The search's day ends after the run, so that it covers the
	// contacts the run starts too.
	from, to := p.now.Add(-24*time.Hour).Unix(), p.now.Add(maxSkew).Unix()
	for k := range reqs {
		reqs[k] = make([][]byte, c.requests)
		for i := range reqs[k] {
			contact := ids[i%len(ids)]
			var b []byte
			switch k {
			case mixUpdate:
				b, err = p.attributesRequest(ctx, "update", inst, contact, attributes(i, c.attrs))
			case mixGet:
				b, err = p.attributesRequest(ctx, "get", inst, contact, nil)
			case mixDescribe:
				b, err = p.sign(ctx, http.MethodGet, "/contacts/"+inst+"/"+contact, nil)
			case mixStart:
				body, _ := json.Marshal(map[string]any{"InstanceId": inst, "Name": "load", "ContactFlowId": "flow",
					"Attributes": map[string]string{"segment": fmt.Sprintf("s%d", i%segments)}})
				b, err = p.sign(ctx, http.MethodPut, "/contact/task", body)
			case mixSearch:
				body, _ := json.Marshal(map[string]any{"InstanceId": inst, "MaxResults": 100,
					"TimeRange": map[string]any{"Type": "INITIATION_TIMESTAMP", "StartTime": from, "EndTime": to},
					"SearchCriteria": map[string]any{"SearchableContactAttributes": map[string]any{
						"MatchType": "MATCH_ALL", "Criteria": []any{map[string]any{"Key": "segment", "Values": []string{fmt.Sprintf("s%d", i%segments)}}}}}})
				b, err = p.sign(ctx, http.MethodPost, "/search-contacts", body)
			}
			if err != nil {
				return reqs, err
			}
			reqs[k][i] = b
		}
	}
	return reqs, nil
}

// opStats is what one kind of request met.
type opStats struct {
	lat      []time.Duration // answered requests, and timed-out ones at the timeout
	status   map[int]int
	timeouts int
	broken   int // connections that failed otherwise (reset, closed)
}

func (s *opStats) merge(o *opStats) {
	s.lat = append(s.lat, o.lat...)
	for k, v := range o.status {
		s.status[k] += v
	}
	s.timeouts, s.broken = s.timeouts+o.timeouts, s.broken+o.broken
}

func newStats() *[mixKinds]opStats {
	var s [mixKinds]opStats
	for k := range s {
		s[k].status = map[int]int{}
	}
	return &s
}

// mixed replays the mix over c.connections connections for c.duration,
// each request with the client timeout c.timeout (a timed-out connection
// is closed and dialled again, as an SDK would), and prints per operation
// the answers by status and the latencies.
func mixed(ctx context.Context, c config, srv server, out io.Writer) error {
	reqs, err := prepareMixed(ctx, c, srv.url)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "op=mixed auth=%s connections=%d duration=%v timeout=%v contacts=%d attrs=%d requests=%d of each kind\n",
		c.auth, c.connections, c.duration, c.timeout, c.contacts, c.attrs, c.requests)
	var (
		next atomic.Uint64
		mu   sync.Mutex
		all  = newStats()
		wg   sync.WaitGroup
	)
	host := srv.url[len("http://"):]
	stopProfile, err := startProfile(c.cpuProfile, 1) // in-process: server and client together
	if err != nil {
		return err
	}
	defer stopProfile()
	deadline := time.Now().Add(c.duration)
	start, cpu0, srv0 := time.Now(), cpuTime(), srv.cpu()
	var sched0 schedStat
	if srv.pid != 0 {
		sched0 = readSchedStat(srv.pid)
	}
	for range c.connections {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mine := driveMixed(ctx, host, &reqs, &next, deadline, c.timeout)
			mu.Lock()
			defer mu.Unlock()
			for k := range all {
				all[k].merge(&mine[k])
			}
		}()
	}
	wg.Wait()
	elapsed, cpu, srvCPU := time.Since(start), cpuTime()-cpu0, srv.cpu()-srv0
	printMixed(out, all, elapsed, cpu, srvCPU, srv.pid)
	if srv.pid != 0 {
		// Time the server's threads were runnable but had no CPU: on a
		// shared machine, much of a request's latency can be this.
		sched := readSchedStat(srv.pid)
		fmt.Fprintf(out, "server threads: %v on a CPU, %v runnable waiting for one (/proc/%d/task/*/schedstat)\n",
			(sched.run - sched0.run).Round(time.Millisecond), (sched.wait - sched0.wait).Round(time.Millisecond), srv.pid)
	}
	if srv.log != "" {
		lv := srv.logLevels()
		fmt.Fprintf(out, "server log (--log-level warn): %d ERROR lines, %d WARN lines\n", lv["ERROR"], lv["WARN"])
		for _, l := range srv.logLines("level=ERROR", 3) {
			fmt.Fprintf(out, "  %s", l)
		}
	}
	return nil
}

// driveMixed runs one connection until the deadline.
func driveMixed(ctx context.Context, host string, reqs *[mixKinds][][]byte, next *atomic.Uint64, deadline time.Time, timeout time.Duration) *[mixKinds]opStats {
	st := newStats()
	var conn net.Conn
	var br *bufio.Reader
	defer func() {
		if conn != nil {
			conn.Close()
		}
	}()
	for ctx.Err() == nil {
		t0 := time.Now()
		if t0.After(deadline) {
			break
		}
		if conn == nil {
			var d net.Dialer
			var err error
			if conn, err = d.DialContext(ctx, "tcp", host); err != nil {
				time.Sleep(10 * time.Millisecond) // the server's accept queue is full: try again
				continue
			}
			br = bufio.NewReaderSize(conn, 16<<10)
		}
		i := next.Add(1)
		k := mixOf(i)
		req := (*reqs)[k][(i/10)%uint64(len((*reqs)[k]))]
		_ = conn.SetDeadline(t0.Add(timeout))
		resp, err := roundTrip(conn, br, req)
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				st[k].timeouts++
				st[k].lat = append(st[k].lat, timeout)
			} else {
				st[k].broken++
			}
			conn.Close()
			conn = nil
			continue
		}
		st[k].lat = append(st[k].lat, time.Since(t0))
		st[k].status[resp]++
	}
	return st
}

// roundTrip sends req and reads the answer, returning its status.
func roundTrip(conn net.Conn, br *bufio.Reader, req []byte) (int, error) {
	if _, err := conn.Write(req); err != nil {
		return 0, err
	}
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, err
}

// printMixed writes one line per operation and the totals.
func printMixed(out io.Writer, all *[mixKinds]opStats, elapsed, cpu, srvCPU time.Duration, pid int) {
	fmt.Fprintf(out, "%-24s %7s %7s %6s %6s %6s %8s %7s %10s %10s %10s\n",
		"operation", "sent", "200", "429", "503", "other", "timeouts", "broken", "p50", "p99", "max")
	var total, ok, over5 int
	var worst time.Duration
	for k := range all {
		s := &all[k]
		slices.Sort(s.lat)
		other := 0
		for code, n := range s.status {
			if code != 200 && code != 429 && code != 503 {
				other += n
			}
		}
		for _, l := range s.lat {
			if l > 5*time.Second {
				over5++
			}
		}
		var mx time.Duration
		if len(s.lat) > 0 {
			mx = s.lat[len(s.lat)-1]
		}
		worst = max(worst, mx)
		total, ok = total+len(s.lat), ok+s.status[200]
		fmt.Fprintf(out, "%-24s %7d %7d %6d %6d %6d %8d %7d %10v %10v %10v\n", mixName(k), len(s.lat), s.status[200],
			s.status[429], s.status[503], other, s.timeouts, s.broken,
			pctOf(s.lat, 50).Round(time.Microsecond), pctOf(s.lat, 99).Round(time.Microsecond), mx.Round(time.Microsecond))
	}
	fmt.Fprintf(out, "total %.0f answers/s (%.0f/s of them 200) in %v; slowest %v; waits over 5s: %d\n",
		float64(total)/elapsed.Seconds(), float64(ok)/elapsed.Seconds(), elapsed.Round(time.Millisecond), worst.Round(time.Millisecond), over5)
	if total == 0 {
		return
	}
	if pid != 0 {
		fmt.Fprintf(out, "cpu/req: server (pid %d, /proc/%d/stat) %v, client %v\n", pid, pid,
			(srvCPU / time.Duration(total)).Round(time.Microsecond), (cpu / time.Duration(total)).Round(time.Microsecond))
	} else {
		fmt.Fprintf(out, "cpu/req: %v (server in this process: client and server together)\n", (cpu / time.Duration(total)).Round(time.Microsecond))
	}
}

// pctOf is the p-th percentile of sorted latencies.
func pctOf(lat []time.Duration, p float64) time.Duration {
	return result{lat: lat}.pct(p)
}

package main

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/connectd/connectd"
	"github.com/connectd/connectd/sqlite"
)

// startupTimeout bounds the wait for a start-up's first response.
const startupTimeout = 30 * time.Second

// memory is a reading of a process's /proc/<pid>/status.
type memory struct {
	rss, hwm int64 // VmRSS and VmHWM, bytes
}

func (m memory) String() string {
	return fmt.Sprintf("VmRSS %.1f MiB, VmHWM %.1f MiB", mib(m.rss), mib(m.hwm))
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }

// measureStartup starts the connectd binary c.startup c.startupRuns times,
// as `connectd serve --data DIR --addr 127.0.0.1:PORT --auth sigv4`, and
// prints the time from starting the process to its first successful
// signed response (ListInstances, which verifies the signature and reads
// the store) and its memory after a second idle. DIR is a new, empty
// directory for each run, or with -preload one holding that many contacts
// (made beforehand, in this process); -data :memory: measures the process
// alone, on an in-memory store. With -startup-load, the first run
// then serves the usual rounds (against the same yardstick) and its memory
// is read during and after them.
func measureStartup(ctx context.Context, c config, out io.Writer) error {
	work, err := os.MkdirTemp("", "connectd-startup-")
	if err != nil {
		return fmt.Errorf("work directory: %w", err)
	}
	defer os.RemoveAll(work)
	creds, err := json.Marshal([]map[string]string{{"AccessKeyId": c.accessKey, "SecretAccessKey": c.secretKey}})
	if err != nil {
		return err
	}
	credsFile := filepath.Join(work, "credentials.json")
	if err := os.WriteFile(credsFile, creds, 0o600); err != nil {
		return fmt.Errorf("credentials file: %w", err)
	}
	preloaded := ""
	if c.preload > 0 {
		preloaded = filepath.Join(work, "preloaded")
		if err := preloadDir(ctx, preloaded, c.preload, out); err != nil {
			return err
		}
	}
	var times, runs []time.Duration // wall time to the first response, CPU time by then
	var idle []memory
	for run := 1; run <= c.startupRuns; run++ {
		dir := preloaded
		if c.data == sqlite.MemoryPath { // the process's own start-up, without a disk
			dir = c.data
		} else if dir == "" {
			dir = filepath.Join(work, fmt.Sprintf("empty-%d", run))
			if err := os.Mkdir(dir, 0o750); err != nil {
				return fmt.Errorf("data directory: %w", err)
			}
		}
		load := c.startupLoad > 0 && run == 1
		d, sched, m, err := startOnce(ctx, c, dir, credsFile, load, out)
		if err != nil {
			return fmt.Errorf("run %d: %w", run, err)
		}
		fmt.Fprintf(out, "start-up %d: first signed response after %v (by then %v on a CPU, %v waiting for one, over all threads); idle after 1s: %v\n",
			run, d.Round(10*time.Microsecond), sched.run.Round(10*time.Microsecond), sched.wait.Round(10*time.Microsecond), m)
		runs = append(runs, sched.run)
		times, idle = append(times, d), append(idle, m)
	}
	slices.Sort(times)
	state := "an empty data directory"
	if c.data == sqlite.MemoryPath {
		state = "--data " + sqlite.MemoryPath
	} else if c.preload > 0 {
		state = fmt.Sprintf("%d preloaded contacts", c.preload)
	}
	slices.Sort(runs)
	maxRSS := slices.MaxFunc(idle, func(a, b memory) int { return cmp.Compare(a.rss, b.rss) })
	fmt.Fprintf(out, "start-up with %s over %d runs: median %v, min %v, max %v (CPU time by then: median %v); idle VmRSS at most %.1f MiB\n",
		state, len(times), times[len(times)/2].Round(10*time.Microsecond), times[0].Round(10*time.Microsecond),
		times[len(times)-1].Round(10*time.Microsecond), runs[len(runs)/2].Round(10*time.Microsecond), mib(maxRSS.rss))
	return nil
}

// preloadDir makes a data directory holding n contacts.
func preloadDir(ctx context.Context, dir string, n int, out io.Writer) error {
	store, err := sqlite.Open(ctx, dir, connectd.SystemClock{}, nil)
	if err != nil {
		return err
	}
	if err := preload(ctx, store, n, out); err != nil {
		store.Close()
		return err
	}
	return store.Close()
}

// startOnce starts the binary on dir, waits for its first successful
// signed response, reads its memory after a second idle, applies the load
// if asked, and stops it.
func startOnce(ctx context.Context, c config, dir, credsFile string, load bool, out io.Writer) (time.Duration, schedStat, memory, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, schedStat{}, memory{}, fmt.Errorf("pick a port: %w", err)
	}
	addr := ln.Addr().String()
	ln.Close()
	probe, err := signedListInstances(ctx, c, "http://"+addr)
	if err != nil {
		return 0, schedStat{}, memory{}, err
	}
	var stderr bytes.Buffer
	cmd := exec.Command(c.startup, "serve", "--data", dir, "--addr", addr, "--auth", "sigv4",
		"--credentials", credsFile, "--log-level", "warn")
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, schedStat{}, memory{}, fmt.Errorf("start %s: %w", c.startup, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer stop(cmd, exited)

	var took time.Duration
	var sched schedStat
	for {
		if ok, err := try(addr, probe); ok {
			took = time.Since(start)
			sched = readSchedStat(cmd.Process.Pid)
			break
		} else if err != nil {
			return 0, schedStat{}, memory{}, err
		}
		select {
		case err := <-exited:
			exited <- err // for stop
			return 0, schedStat{}, memory{}, fmt.Errorf("connectd exited before answering (%v): %s", err, stderr.String())
		case <-ctx.Done():
			return 0, schedStat{}, memory{}, ctx.Err()
		case <-time.After(200 * time.Microsecond):
		}
		if time.Since(start) > startupTimeout {
			return 0, schedStat{}, memory{}, fmt.Errorf("no answer after %v: %s", startupTimeout, stderr.String())
		}
	}
	time.Sleep(time.Second)
	idle, err := readMemory(cmd.Process.Pid)
	if err != nil {
		return 0, schedStat{}, memory{}, err
	}
	if load {
		if err := loadBinary(ctx, c, cmd.Process.Pid, "http://"+addr, idle, out); err != nil {
			return 0, schedStat{}, memory{}, err
		}
	}
	return took, sched, idle, nil
}

// loadBinary runs the rounds against the binary while sampling its
// resident memory, and prints the memory readings.
func loadBinary(ctx context.Context, c config, pid int, url string, idle memory, out io.Writer) error {
	reqs, err := prepare(ctx, c, url)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "load on the binary (pid %d), idle before: %v\n", pid, idle)
	var (
		mu      sync.Mutex
		peakRSS int64
		samples []int64
		done    = make(chan struct{})
		wg      sync.WaitGroup
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			if m, err := readMemory(pid); err == nil {
				mu.Lock()
				peakRSS, samples = max(peakRSS, m.rss), append(samples, m.rss)
				mu.Unlock()
			}
		}
	}()
	c.preload = 0    // already in the directory; the header line would say otherwise
	c.endpoint = url // out of process: the summary leaves out CPU per request
	_, err = rounds(ctx, c, server{url: url, pid: pid}, reqs, out)
	close(done)
	wg.Wait()
	if err != nil {
		return err
	}
	after, err := readMemory(pid)
	if err != nil {
		return err
	}
	// The last quarter of the samples against the peak shows whether
	// memory still grows at the end of the load or has levelled off.
	var last int64
	if n := len(samples); n > 0 {
		for _, s := range samples[n-n/4-1:] {
			last = max(last, s)
		}
	}
	fmt.Fprintf(out, "memory under load: peak VmRSS %.1f MiB over %d samples (last quarter of the load: at most %.1f MiB); after the load: %v\n",
		mib(peakRSS), len(samples), mib(last), after)
	return nil
}

// signedListInstances returns a ListInstances request to url signed with
// the load generator's key, as it goes on the wire.
func signedListInstances(ctx context.Context, c config, url string) ([]byte, error) {
	r, err := http.NewRequest(http.MethodGet, url+"/instance", nil)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(nil)
	cred := aws.Credentials{AccessKeyID: c.accessKey, SecretAccessKey: c.secretKey}
	if err := v4.NewSigner().SignHTTP(ctx, cred, r, hex.EncodeToString(sum[:]), "connect", "us-east-1", time.Now()); err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	return serialise(r)
}

// try sends req once on a new connection: ok when connectd answers 200. A
// refused connection is not an error (connectd is not listening yet);
// another answer is.
func try(addr string, req []byte) (ok bool, err error) {
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false, nil
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(5 * time.Second)); err != nil {
		return false, err
	}
	if _, err := conn.Write(req); err != nil {
		return false, nil
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return false, nil // closed while starting
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return false, fmt.Errorf("first answer: %s: %s", resp.Status, body)
	}
	return true, nil
}

// stop ends connectd as an operator would (SIGTERM, a graceful shutdown),
// and kills it if it has not exited after 10 seconds.
func stop(cmd *exec.Cmd, exited chan error) {
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		<-exited
	}
}

// readMemory reads VmRSS and VmHWM of pid from /proc/<pid>/status.
func readMemory(pid int) (memory, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return memory{}, fmt.Errorf("read memory: %w", err)
	}
	var m memory
	for line := range strings.Lines(string(b)) {
		name, value, ok := strings.Cut(line, ":")
		if !ok || (name != "VmRSS" && name != "VmHWM") {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
		if err != nil {
			return memory{}, fmt.Errorf("read memory: %s: %w", name, err)
		}
		if name == "VmRSS" {
			m.rss = kb << 10
		} else {
			m.hwm = kb << 10
		}
	}
	if m.rss == 0 {
		return memory{}, errors.New("read memory: no VmRSS in /proc status")
	}
	return m, nil
}

// schedStat is a process's time on a CPU and time runnable but waiting for
// one, summed over its threads. On a busy machine the wait, not connectd's
// own work, can make most of a start-up; the two tell them apart.
type schedStat struct{ run, wait time.Duration }

// readSchedStat sums /proc/<pid>/task/*/schedstat (nanoseconds on a CPU,
// nanoseconds waiting on a run queue, time slices). Threads that end
// meanwhile are skipped; a zero result means it could not be read.
func readSchedStat(pid int) schedStat {
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/schedstat", pid))
	var s schedStat
	for _, t := range tasks {
		b, err := os.ReadFile(t)
		if err != nil {
			continue
		}
		f := strings.Fields(string(b))
		if len(f) < 2 {
			continue
		}
		run, err1 := strconv.ParseInt(f[0], 10, 64)
		wait, err2 := strconv.ParseInt(f[1], 10, 64)
		if err1 == nil && err2 == nil {
			s.run, s.wait = s.run+time.Duration(run), s.wait+time.Duration(wait)
		}
	}
	return s
}

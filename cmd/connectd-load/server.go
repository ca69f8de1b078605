package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// server is the connectd under measurement. pid is that of a built binary
// started with -server, whose CPU time /proc tells apart from the load
// generator's; 0 for one in this process or at -endpoint.
type server struct {
	url string
	pid int
	log string // the binary's log file
}

// logLines returns the first n lines of the binary's log that hold s.
func (s server) logLines(sub string, n int) []string {
	var lines []string
	b, _ := os.ReadFile(s.log)
	for line := range strings.Lines(string(b)) {
		if len(lines) < n && strings.Contains(line, sub) {
			lines = append(lines, line)
		}
	}
	return lines
}

// logLevels counts the lines of the binary's log by level (text format:
// level=ERROR and so on).
func (s server) logLevels() map[string]int {
	n := map[string]int{}
	if s.log == "" {
		return n
	}
	b, err := os.ReadFile(s.log)
	if err != nil {
		return n
	}
	for line := range strings.Lines(string(b)) {
		for _, f := range strings.Fields(line) {
			if lvl, ok := strings.CutPrefix(f, "level="); ok {
				n[lvl]++
				break
			}
		}
	}
	return n
}

// cpu returns the server process's CPU time so far (0 without a pid).
func (s server) cpu() time.Duration {
	if s.pid == 0 {
		return 0
	}
	d, _ := processCPU(s.pid)
	return d
}

// userHZ is the unit of the times in /proc/<pid>/stat (USER_HZ, the
// kernel's CLK_TCK for user space: 100 on every Linux architecture Go
// supports).
const userHZ = 100

// processCPU reads utime+stime of pid, over all its threads, living and
// ended, from /proc/<pid>/stat (fields 14 and 15, in 1/userHZ s). Its
// resolution is 10 ms, plenty over a round of thousands of requests.
func processCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("read cpu time: %w", err)
	}
	// The command name (field 2) is in parentheses and may hold spaces:
	// count fields after its closing one.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, fmt.Errorf("read cpu time: /proc/%d/stat has no command name", pid)
	}
	f := strings.Fields(string(b[i+1:])) // f[0] is field 3, the state
	if len(f) < 13 {
		return 0, fmt.Errorf("read cpu time: /proc/%d/stat is short", pid)
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("read cpu time: /proc/%d/stat: utime %q, stime %q", pid, f[11], f[12])
	}
	return time.Duration(utime+stime) * time.Second / userHZ, nil
}

// startServer starts the binary c.server as `connectd serve --data DIR
// --addr 127.0.0.1:PORT --auth sigv4 --credentials FILE --log-level warn`
// (DIR is -data, or a temp directory removed at the end) and waits for its
// first signed answer. Its log goes to a file of the temp directory.
func startServer(ctx context.Context, c config) (server, func(), error) {
	work, err := os.MkdirTemp("", "connectd-load-server-")
	if err != nil {
		return server{}, nil, fmt.Errorf("work directory: %w", err)
	}
	creds, _ := json.Marshal([]map[string]string{{"AccessKeyId": c.accessKey, "SecretAccessKey": c.secretKey}})
	credsFile := filepath.Join(work, "credentials.json")
	if err := os.WriteFile(credsFile, creds, 0o600); err != nil {
		os.RemoveAll(work)
		return server{}, nil, fmt.Errorf("credentials file: %w", err)
	}
	dir := c.data
	if dir == "" {
		dir = filepath.Join(work, "data")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		os.RemoveAll(work)
		return server{}, nil, fmt.Errorf("pick a port: %w", err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(c.server, "serve", "--data", dir, "--addr", addr, "--auth", "sigv4",
		"--credentials", credsFile, "--log-level", "warn")
	logPath := filepath.Join(work, "connectd.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		os.RemoveAll(work)
		return server{}, nil, fmt.Errorf("log file: %w", err)
	}
	defer logFile.Close() // the child has its own descriptor
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		os.RemoveAll(work)
		return server{}, nil, fmt.Errorf("start %s: %w", c.server, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	done := func() { stop(cmd, exited); os.RemoveAll(work) }
	probe, err := signedListInstances(ctx, c, "http://"+addr)
	if err != nil {
		done()
		return server{}, nil, err
	}
	for start := time.Now(); ; {
		if ok, err := try(addr, probe); ok {
			break
		} else if err != nil {
			done()
			return server{}, nil, err
		}
		select {
		case err := <-exited:
			exited <- err // for stop
			done()
			return server{}, nil, fmt.Errorf("%s exited before answering: %v", c.server, err)
		case <-ctx.Done():
			done()
			return server{}, nil, ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
		if time.Since(start) > startupTimeout {
			done()
			return server{}, nil, fmt.Errorf("%s: no answer after %v", c.server, startupTimeout)
		}
	}
	return server{url: "http://" + addr, pid: cmd.Process.Pid, log: logPath}, done, nil
}

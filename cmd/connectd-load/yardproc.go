package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"
)

// childEnv marks a process this program started as its own yardstick: it
// then ends when its standard input closes (serveYardstick), and a test
// binary re-executed as the yardstick reads it in TestMain to act as this
// program.
const childEnv = "CONNECTD_LOAD_CHILD"

// yardstickFor returns the yardstick the rounds compare connectd with.
//
// A connectd in another process (-server or -endpoint) is compared with a
// yardstick in another process too: one in this process shares the client's
// Go runtime, which hands each request from client to server goroutine
// without waking another process, and on a 2-core machine that alone made
// the same yardstick serve a third more requests a second (BENCHMARKS.md,
// session 10), so the ratio of an out-of-process connectd came out a
// quarter low. -yardstick-in-process keeps the old comparison, for figures
// of sessions before 10.
func yardstickFor(ctx context.Context, c config) (server, func(), error) {
	if c.yardInProcess || (c.server == "" && c.endpoint == "") {
		url, stop, err := yardstick()
		return server{url: url}, stop, err
	}
	return startYardstick(ctx)
}

// startYardstick runs this program again as `-serve-yardstick
// 127.0.0.1:0` and reads the address from the line it prints first. Its CPU
// time is read from /proc like a -server binary's. The child also ends when
// its standard input closes (serveYardstick, under childEnv), so it does
// not outlive this process however this one ends, SIGKILL included. The
// returned stop may be called more than once.
func startYardstick(ctx context.Context) (server, func(), error) {
	self, err := os.Executable()
	if err != nil {
		return server{}, nil, fmt.Errorf("yardstick process: %w", err)
	}
	// Pipes of our own rather than cmd.StdoutPipe, which cmd.Wait closes
	// under a reader that has not finished.
	outR, outW, err := os.Pipe()
	if err != nil {
		return server{}, nil, fmt.Errorf("yardstick process: %w", err)
	}
	inR, inW, err := os.Pipe()
	if err != nil {
		outR.Close()
		outW.Close()
		return server{}, nil, fmt.Errorf("yardstick process: %w", err)
	}
	cmd := exec.Command(self, "-serve-yardstick", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), childEnv+"=1")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = inR, outW, os.Stderr
	err = cmd.Start()
	inR.Close() // the child's ends
	outW.Close()
	if err != nil {
		outR.Close()
		inW.Close()
		return server{}, nil, fmt.Errorf("yardstick process: start %s: %w", self, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	var once sync.Once
	done := func() {
		once.Do(func() {
			stop(cmd, exited)
			inW.Close()
		})
	}
	line := make(chan string, 1)
	go func() {
		defer outR.Close()
		s := bufio.NewScanner(outR)
		s.Scan()
		line <- s.Text()
		for s.Scan() { // drain, so the child never blocks on a full pipe
		}
	}()
	select {
	case l := <-line:
		url, ok := yardstickURL(l)
		if !ok {
			done()
			return server{}, nil, fmt.Errorf("yardstick process: unexpected first line %q", l)
		}
		return server{url: url, pid: cmd.Process.Pid}, done, nil
	case err := <-exited:
		exited <- err // for stop
		done()
		return server{}, nil, fmt.Errorf("yardstick process: exited before it listened: %v", err)
	case <-ctx.Done():
		done()
		return server{}, nil, ctx.Err()
	case <-time.After(startupTimeout):
		done()
		return server{}, nil, fmt.Errorf("yardstick process: no address after %v", startupTimeout)
	}
}

// yardstickURL reads the address from serveYardstick's first line,
// "yardstick at http://127.0.0.1:PORT (pid N); …".
func yardstickURL(line string) (string, bool) {
	rest, ok := strings.CutPrefix(line, "yardstick at ")
	if !ok {
		return "", false
	}
	url, _, ok := strings.Cut(rest, " ")
	if !ok || !strings.HasPrefix(url, "http://") {
		return "", false
	}
	_, port, ok := strings.Cut(strings.TrimPrefix(url, "http://"), ":")
	if _, err := strconv.Atoi(port); !ok || err != nil {
		return "", false
	}
	return url, true
}

package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets this test binary serve as the yardstick process that
// startYardstick starts: run again with childEnv set, it is the load
// generator, given the arguments startYardstick passes.
func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
			os.Exit(1)
		}
		return
	}
	os.Exit(m.Run())
}

// TestYardstickProcess starts the yardstick in a process of its own, as the
// rounds against a -server binary do: it answers {} and its CPU time is
// read from /proc, apart from this process's, and stopping it ends it.
func TestYardstickProcess(t *testing.T) {
	yard, stop, err := startYardstick(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop) // stop may be called again
	if yard.pid == 0 || yard.pid == os.Getpid() {
		t.Fatalf("yardstick pid %d, this process %d", yard.pid, os.Getpid())
	}
	before := yard.cpu()
	for range 2000 {
		resp, err := http.Post(yard.url, "application/json", nil)
		if err != nil {
			stop()
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || string(body) != "{}" {
			stop()
			t.Fatalf("yardstick answered %d %q", resp.StatusCode, body)
		}
	}
	if used := yard.cpu() - before; used <= 0 {
		t.Errorf("yardstick process used %v of CPU for 2,000 requests", used)
	}
	stop()
	if _, err := processCPU(yard.pid); err == nil {
		t.Errorf("yardstick process %d still runs after stop", yard.pid)
	}
	if _, err := http.Post(yard.url, "application/json", nil); err == nil {
		t.Errorf("yardstick still answers at %s after stop", yard.url)
	}
}

// TestYardstickChoice: a connectd in this process is compared with a
// yardstick in this process, one in another process with one in another,
// unless -yardstick-in-process asks for the old comparison.
func TestYardstickChoice(t *testing.T) {
	for _, tc := range []struct {
		name       string
		c          config
		ownProcess bool
	}{
		{"in-process connectd", config{}, false},
		{"-endpoint", config{endpoint: "http://127.0.0.1:1"}, true},
		{"-server", config{server: "/bin/true"}, true},
		{"-server -yardstick-in-process", config{server: "/bin/true", yardInProcess: true}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
			defer cancel()
			yard, stop, err := yardstickFor(ctx, tc.c)
			if err != nil {
				t.Fatal(err)
			}
			defer stop()
			if got := yard.pid != 0; got != tc.ownProcess {
				t.Errorf("yardstick in a process of its own = %v (pid %d), want %v", got, yard.pid, tc.ownProcess)
			}
		})
	}
}

func TestYardstickURL(t *testing.T) {
	for line, want := range map[string]string{
		"yardstick at http://127.0.0.1:4321 (pid 7); interrupt to stop": "http://127.0.0.1:4321",
		"yardstick at http://127.0.0.1: (pid 7)":                        "",
		"yardstick at 127.0.0.1:4321 (pid 7)":                           "",
		"connectd-load: listen tcp: address in use":                     "",
		"": "",
	} {
		got, ok := yardstickURL(line)
		if got != want || ok != (want != "") {
			t.Errorf("yardstickURL(%q) = %q, %v; want %q", line, got, ok, want)
		}
	}
}

// TestYardstickChildEndsWithItsParent: the child ends when its standard
// input closes, as it does when the load generator dies however it dies
// (SIGKILL too), so no yardstick outlives the run.
func TestYardstickChildEndsWithItsParent(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self, "-serve-yardstick", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), childEnv+"=1")
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if _, ok := yardstickURL(strings.TrimSpace(line)); err != nil || !ok {
		t.Fatalf("first line %q, %v", line, err)
	}
	in.Close()
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("the child exited with %v, want 0", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the child still runs 10 s after its standard input closed")
	}
}

//go:build unix

package main

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestQuickStart runs the README's quick-start command as written,
// `go run ./cmd/connectd serve` from the repository's root (only its
// address and data directory moved, by CONNECTD_ADDR and CONNECTD_DATA, so
// as not to touch the clone), waits for it to answer its health check, and
// stops it with SIGINT as Ctrl-C would; then `go install ./cmd/connectd`
// into a temporary GOBIN, and runs the installed `connectd --version`.
func TestQuickStart(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{"go run ./cmd/connectd serve      #", "go install ./cmd/connectd        #"} {
		if !strings.Contains(string(readme), "\n"+line) {
			t.Fatalf("the README no longer shows %q; update this test with it", line)
		}
	}
	cmd := exec.Command("go", "run", "./cmd/connectd", "serve")
	cmd.Dir = "../.."
	cmd.Env = append(os.Environ(), "CONNECTD_ADDR=127.0.0.1:0", "CONNECTD_DATA="+t.TempDir())
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	logPath := filepath.Join(t.TempDir(), "serve.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()
	cmd.Stderr = logFile
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) })
	// The first build may take minutes (the README says so).
	var url string
	ready := regexp.MustCompile(`msg="connectd ready" url=(\S+)`)
	for deadline := time.Now().Add(8 * time.Minute); url == ""; time.Sleep(100 * time.Millisecond) {
		b, _ := os.ReadFile(logPath)
		if m := ready.FindSubmatch(b); m != nil {
			url = string(m[1])
		} else if time.Now().After(deadline) {
			t.Fatalf("not ready after 8 minutes:\n%s", b)
		}
	}
	resp, err := http.Get(url + "/_connectd/health")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("health: %s", resp.Status)
	}
	// Ctrl-C signals the terminal's whole process group: go run and connectd.
	if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
		// go run itself exits 1 when interrupted, whatever its program
		// did; connectd's log tells whether it shut down cleanly.
		b, _ := os.ReadFile(logPath)
		if !strings.Contains(string(b), `msg="shutting down"`) || strings.Contains(string(b), "level=ERROR") {
			t.Fatalf("connectd did not shut down cleanly on SIGINT:\n%s", b)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("connectd did not stop within 30s of SIGINT")
	}

	gobin := t.TempDir()
	install := exec.Command("go", "install", "./cmd/connectd")
	install.Dir = "../.."
	install.Env = append(os.Environ(), "GOBIN="+gobin)
	if out, err := install.CombinedOutput(); err != nil {
		t.Fatalf("go install ./cmd/connectd: %v\n%s", err, out)
	}
	out, err := exec.Command(filepath.Join(gobin, "connectd"), "--version").Output()
	if err != nil || !strings.HasPrefix(string(out), "connectd ") {
		t.Fatalf("installed connectd --version: %q, %v", out, err)
	}
}

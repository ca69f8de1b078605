package main

import (
	"bytes"
	"context"
	"log/slog"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

// TestTuneGC: serve's collector defaults apply only where the environment
// leaves GOGC and GOMEMLIMIT unset.
func TestTuneGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	log := slog.New(slog.DiscardHandler)

	tuneGC(log, func(string) string { return "" })
	if got := debug.SetGCPercent(100); got != gcPercent {
		t.Errorf("GOGC unset: gc percent %d, want %d", got, gcPercent)
	}
	if got := debug.SetMemoryLimit(math.MaxInt64); got != memLimit {
		t.Errorf("GOMEMLIMIT unset: memory limit %d, want %d", got, memLimit)
	}

	set := map[string]string{"GOGC": "50", "GOMEMLIMIT": "1GiB"}
	tuneGC(log, func(k string) string { return set[k] })
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GOGC set: gc percent changed to %d", got)
	}
	if got := debug.SetMemoryLimit(math.MaxInt64); got != math.MaxInt64 {
		t.Errorf("GOMEMLIMIT set: memory limit changed to %d", got)
	}
}

// TestCPUProfileFlag: serve --cpuprofile writes a profile (gzip, as
// runtime/pprof writes it) by the time serve returns; a path it cannot
// create fails the start.
func TestCPUProfileFlag(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cpu.pprof")
	url, stop := startInProcess(t, "--data", ":memory:", "--cpuprofile", path)
	if resp, err := http.Get(url + "/_connectd/health"); err != nil {
		t.Fatal(err)
	} else {
		resp.Body.Close()
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil || len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
		t.Fatalf("profile %s: %d bytes, %v; want a gzipped pprof", path, len(b), err)
	}
	var out bytes.Buffer
	err = serve(context.Background(), []string{"--data", ":memory:", "--addr", "127.0.0.1:0",
		"--cpuprofile", filepath.Join(t.TempDir(), "missing", "cpu.pprof")}, env{stdout: &out, stderr: &out, getenv: func(string) string { return "" }})
	if err == nil || !strings.Contains(err.Error(), "CPU profile") {
		t.Fatalf("serve with an uncreatable profile path: %v", err)
	}
}

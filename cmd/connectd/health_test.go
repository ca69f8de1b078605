//go:build linux

package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// smallDisk mounts a 4 MiB tmpfs for the test, so that it can fill the
// disk under a running server; it skips where mounting is not allowed
// (not root, or a container without CAP_SYS_ADMIN).
func smallDisk(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a small tmpfs to fill (%v: %s); run as root to test a full disk", err, strings.TrimSpace(string(out)))
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
	return dir
}

// fill writes a file until the disk is full and returns its path.
func fill(t *testing.T, dir string) string {
	t.Helper()
	p := filepath.Join(dir, "filler")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 64<<10)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("filling the disk: %v", err)
			}
			break
		}
	}
	// Smaller pieces take the last pages.
	for _, err := f.Write(chunk[:512]); err == nil; _, err = f.Write(chunk[:512]) {
	}
	return p
}

// TestHealthTellsTheTruth: while the disk is full, health answers 503 with
// the reason and writes get 503; once space is back, both recover.
func TestHealthTellsTheTruth(t *testing.T) {
	disk := smallDisk(t)
	url, stop := startInProcess(t, "--data", filepath.Join(disk, "data"))
	defer stop()
	ctx := context.Background()
	client := clientAs(url, "AKIDTEST", "x", "us-east-1")
	if err := newInstance(ctx, client); err != nil {
		t.Fatal(err)
	}
	if code, body := health(t, url); code != 200 {
		t.Fatalf("health before: %d %v", code, body)
	}
	filler := fill(t, disk)
	code, body := health(t, url)
	if code != 503 || body["Status"] != "unavailable" || !strings.Contains(body["Error"], "disk is full") {
		t.Fatalf("health on a full disk: %d %v, want 503 saying the disk is full", code, body)
	}
	wantAPIError(t, newInstance(ctx, client), "ServiceUnavailableException", "disk is full")

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	if code, body := health(t, url); code != 200 || body["Status"] != "running" {
		t.Fatalf("health once space is back: %d %v", code, body)
	}
	if err := newInstance(ctx, client); err != nil {
		t.Fatalf("a write once space is back: %v", err)
	}
}

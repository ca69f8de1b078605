//go:build unix

package sqlite

import (
	"os"
	"os/exec"
	"syscall"
	"testing"

	"github.com/connectd/connectd"
)

// TestSurvivesSIGKILL writes in a child process that is killed with SIGKILL
// right after the write returns, without Close, then checks that the write
// is there: an acknowledged write must not depend on a clean shutdown.
func TestSurvivesSIGKILL(t *testing.T) {
	if dir := os.Getenv("CONNECTD_SQLITE_KILL_DIR"); dir != "" {
		s, err := Open(t.Context(), dir, connectd.SystemClock{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		seed(t, s)
		syscall.Kill(os.Getpid(), syscall.SIGKILL) //nolint:errcheck // does not return
		select {}
	}
	dir := t.TempDir()
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestSurvivesSIGKILL$")
	cmd.Env = append(os.Environ(), "CONNECTD_SQLITE_KILL_DIR="+dir)
	out, err := cmd.CombinedOutput()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("child did not die by SIGKILL: %v\n%s", err, out)
	}
	s := openDir(t, dir, connectd.SystemClock{})
	defer s.Close()
	attrs, err := service(s).GetAttributes(t.Context(), owner, "inst-1", "c-1")
	if err != nil {
		t.Fatal(err)
	}
	if attrs["a"] != "1" || attrs["b"] != "2" {
		t.Fatalf("attributes after SIGKILL = %v, want a=1 b=2", attrs)
	}
}

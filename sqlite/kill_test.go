//go:build unix

package sqlite

import (
	"os"
	"os/exec"
	"strings"
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
		// Its CONTACT_DATA_UPDATED event waits for the batch's outbox
		// INSERT (outbox.go), which must have committed with the map.
		if err := service(s).UpdateAttributes(t.Context(), owner, "inst-1", "c-1", connectd.Attributes{"kill": "9"}); err != nil {
			t.Fatal(err)
		}
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
	if attrs["a"] != "1" || attrs["b"] != "2" || attrs["kill"] != "9" {
		t.Fatalf("attributes after SIGKILL = %v, want a=1 b=2 kill=9", attrs)
	}
	// The seed's own updates announce some; the child's one more.
	seeded := openDir(t, MemoryPath, connectd.SystemClock{})
	defer seeded.Close()
	seed(t, seeded)
	if got, want := dataUpdates(t, s), dataUpdates(t, seeded)+1; got != want {
		t.Fatalf("after SIGKILL the outbox holds %d CONTACT_DATA_UPDATED events of c-1, want %d", got, want)
	}
}

// dataUpdates counts the CONTACT_DATA_UPDATED events of c-1 in s's outbox.
func dataUpdates(t *testing.T, s *Store) int {
	t.Helper()
	es, err := service(s).Outbox(t.Context(), "inst-1", 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range es {
		if e.ContactID == "c-1" && strings.Contains(string(e.Payload), `"eventType":"CONTACT_DATA_UPDATED"`) {
			n++
		}
	}
	return n
}

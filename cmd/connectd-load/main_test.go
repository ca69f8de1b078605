package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// TestRunSmoke runs a tiny measurement of each operation against an
// in-process connectd that verifies SigV4, and checks that every request
// succeeded (a signature connectd refused would show as errors). It checks
// nothing about speed.
func TestRunSmoke(t *testing.T) {
	for _, op := range []string{"update", "get"} {
		t.Run(op, func(t *testing.T) {
			var out, errOut bytes.Buffer
			// Updates with two keys in the search index, so that the
			// registering searches run (a refused one fails the run).
			args := []string{"-op", op, "-duration", "200ms", "-rounds", "1", "-contacts", "3", "-n", "12", "-c", "4", "-preload", "10",
				"-indexed-keys", map[string]string{"update": "2", "get": "0"}[op]}
			if err := run(t.Context(), args, &out, &errOut); err != nil {
				t.Fatalf("run: %v\n%s%s", err, out.String(), errOut.String())
			}
			got := out.String()
			for _, want := range []string{"auth=sigv4", "indexed-keys=" + args[len(args)-1], "preloaded 10 contacts", "round 1 connectd", "ratio: median of rounds", "cpu/req over all rounds"} {
				if !strings.Contains(got, want) {
					t.Errorf("output lacks %q:\n%s", want, got)
				}
			}
			for _, line := range strings.Split(got, "\n") {
				if strings.Contains(line, "connectd ") && strings.Contains(line, "errors") && !strings.Contains(line, "errors 0 ") {
					t.Errorf("failed requests: %s", line)
				}
			}
		})
	}
}

func TestReadMemoryAndSchedStat(t *testing.T) {
	m, err := readMemory(os.Getpid())
	if err != nil || m.rss <= 0 || m.hwm < m.rss {
		t.Fatalf("readMemory = %+v, %v", m, err)
	}
	if s := readSchedStat(os.Getpid()); s.run <= 0 {
		t.Errorf("readSchedStat = %+v, want some time on a CPU", s)
	}
}

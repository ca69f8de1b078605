package postgres

import (
	"strings"
	"testing"
)

// TestFenceAdmit walks the fence through a cluster's life: the first
// server sets the system identifier, a promotion raises the timeline, and
// from then on an old-timeline server, another cluster's server, or a
// server whose own record is ahead of it is refused, naming why.
func TestFenceAdmit(t *testing.T) {
	f := &fence{}
	steps := []struct {
		name   string
		srv    server
		refuse string // a word the refusal must contain; "" to admit
		raised bool
	}{
		{"first server", server{system: "7", timeline: 1}, "", false},
		{"same server", server{system: "7", timeline: 1, fenceLine: 1}, "", false},
		{"promoted standby", server{system: "7", timeline: 2, fenceLine: 1}, "", true},
		{"old primary back", server{system: "7", timeline: 1, fenceLine: 1}, "timeline 1", false},
		{"another cluster", server{system: "8", timeline: 5}, "system identifier 8", false},
		{"record ahead of its server", server{system: "7", timeline: 2, fenceLine: 3}, "records timeline 3", false},
		{"then timeline 2 is old", server{system: "7", timeline: 2}, "since a promotion", false},
		{"the new primary", server{system: "7", timeline: 3, fenceLine: 3}, "", false},
	}
	for _, s := range steps {
		refusal, raised := f.admit(s.srv)
		switch {
		case s.refuse == "" && refusal != "":
			t.Errorf("%s: refused (%s), want admitted", s.name, refusal)
		case s.refuse != "" && !strings.Contains(refusal, s.refuse):
			t.Errorf("%s: refusal %q, want one naming %q", s.name, refusal, s.refuse)
		case raised != s.raised:
			t.Errorf("%s: raised %v, want %v", s.name, raised, s.raised)
		}
	}
	if f.system != "7" || f.timeline != 3 {
		t.Errorf("fence ends at system %s timeline %d, want 7 and 3", f.system, f.timeline)
	}
}

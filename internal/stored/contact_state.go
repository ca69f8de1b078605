package stored

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/connectd/connectd"
)

// stateDoc is the stored form of connectd.ContactState: times in Unix
// milliseconds, durations in milliseconds.
type stateDoc struct {
	Paused      bool  `json:"paused,omitempty"`
	PausedAtMs  int64 `json:"last_paused_at_ms,omitempty"`
	PauseCount  int   `json:"pause_count,omitempty"`
	PausedForMs int64 `json:"paused_for_ms,omitempty"`
}

// ContactState encodes s for the contact_state table.
func ContactState(s *connectd.ContactState) ([]byte, error) {
	d := stateDoc{Paused: s.Paused, PauseCount: s.PauseCount, PausedForMs: s.PausedFor.Milliseconds()}
	if !s.LastPausedAt.IsZero() {
		d.PausedAtMs = s.LastPausedAt.UnixMilli()
	}
	return json.Marshal(d)
}

// ParseContactState decodes a document ContactState wrote.
func ParseContactState(doc []byte) (*connectd.ContactState, error) {
	var d stateDoc
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, fmt.Errorf("decode contact state: %w", err)
	}
	s := &connectd.ContactState{Paused: d.Paused, PauseCount: d.PauseCount, PausedFor: time.Duration(d.PausedForMs) * time.Millisecond}
	if d.PausedAtMs != 0 {
		s.LastPausedAt = time.UnixMilli(d.PausedAtMs).UTC()
	}
	return s, nil
}

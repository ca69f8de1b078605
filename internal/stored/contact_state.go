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
	Paused      bool        `json:"paused,omitempty"`
	PausedAtMs  int64       `json:"last_paused_at_ms,omitempty"`
	PauseCount  int         `json:"pause_count,omitempty"`
	PausedForMs int64       `json:"paused_for_ms,omitempty"`
	Routing     *routingDoc `json:"routing,omitempty"`
	EmailSentMs int64       `json:"email_sent_at_ms,omitempty"`
	EmailToken  string      `json:"email_sent_token,omitempty"`
	Redacted    []string    `json:"redacted,omitempty"`
	Continued   string      `json:"continued_from,omitempty"`
	Source      string      `json:"persistent_source,omitempty"`
	// How the contact ended (connectd.ContactState.Ended).
	Disconnect    string `json:"disconnect_reason,omitempty"`
	NextContact   string `json:"next_contact_id,omitempty"`
	TransferredMs int64  `json:"transfer_completed_at_ms,omitempty"`
}

type routingDoc struct {
	Priority   *int64          `json:"queue_priority,omitempty"`
	Adjustment *int64          `json:"queue_time_adjustment_seconds,omitempty"`
	Steps      json.RawMessage `json:"routing_steps,omitempty"`
	SetAtMs    int64           `json:"routing_set_at_ms,omitempty"`
}

// ContactState encodes s for the contact_state table.
func ContactState(s *connectd.ContactState) ([]byte, error) {
	d := stateDoc{Paused: s.Paused, PauseCount: s.PauseCount, PausedForMs: s.PausedFor.Milliseconds(), EmailToken: s.EmailSentToken,
		Redacted: s.Redacted, Continued: s.ContinuedFrom, Source: s.PersistentSource,
		Disconnect: s.Ended.DisconnectReason, NextContact: s.Ended.NextContactID}
	if !s.Ended.TransferCompleted.IsZero() {
		d.TransferredMs = s.Ended.TransferCompleted.UnixMilli()
	}
	if !s.EmailSentAt.IsZero() {
		d.EmailSentMs = s.EmailSentAt.UnixMilli()
	}
	if !s.LastPausedAt.IsZero() {
		d.PausedAtMs = s.LastPausedAt.UnixMilli()
	}
	if r := s.Routing; r != nil {
		d.Routing = &routingDoc{Priority: r.QueuePriority, Adjustment: r.QueueTimeAdjustmentSeconds, Steps: r.RoutingSteps}
		if !r.RoutingSetAt.IsZero() {
			d.Routing.SetAtMs = r.RoutingSetAt.UnixMilli()
		}
	}
	return json.Marshal(d)
}

// ParseContactState decodes a document ContactState wrote.
func ParseContactState(doc []byte) (*connectd.ContactState, error) {
	var d stateDoc
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, fmt.Errorf("decode contact state: %w", err)
	}
	s := &connectd.ContactState{Paused: d.Paused, PauseCount: d.PauseCount, PausedFor: time.Duration(d.PausedForMs) * time.Millisecond,
		EmailSentToken: d.EmailToken, Redacted: d.Redacted, ContinuedFrom: d.Continued, PersistentSource: d.Source,
		Ended: connectd.RecordFacts{DisconnectReason: d.Disconnect, NextContactID: d.NextContact}}
	if d.TransferredMs != 0 {
		s.Ended.TransferCompleted = time.UnixMilli(d.TransferredMs).UTC()
	}
	if d.EmailSentMs != 0 {
		s.EmailSentAt = time.UnixMilli(d.EmailSentMs).UTC()
	}
	if d.PausedAtMs != 0 {
		s.LastPausedAt = time.UnixMilli(d.PausedAtMs).UTC()
	}
	if r := d.Routing; r != nil {
		s.Routing = &connectd.RoutingData{QueuePriority: r.Priority, QueueTimeAdjustmentSeconds: r.Adjustment}
		if len(r.Steps) > 0 {
			s.Routing.RoutingSteps = []byte(r.Steps)
		}
		if r.SetAtMs != 0 {
			s.Routing.RoutingSetAt = time.UnixMilli(r.SetAtMs).UTC()
		}
	}
	return s, nil
}

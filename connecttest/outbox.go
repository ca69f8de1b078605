package connecttest

import (
	"encoding/json"
	"fmt"
	"net/url"
	"time"
)

// OutboxEntry is a contact record or contact event connectd wrote, with
// where its delivery stands (GET /_connectd/outbox).
type OutboxEntry struct {
	Seq        int64
	InstanceId string
	ContactId  string
	// Kind is CONTACT_RECORD or CONTACT_EVENT.
	Kind string
	// State is PENDING, DELIVERED or NO_DESTINATION.
	State     string
	Attempts  int
	LastError string
	// Payload is the record, or the event as EventBridge delivers it.
	Payload map[string]any
}

// Records returns the contact records (CTRs) of the instance, oldest
// first: what Kinesis or Firehose receives (or would, with a storage
// config), each a map in the contact records data model.
func (s *Server) Records(instanceID string) ([]OutboxEntry, error) {
	return s.Outbox(instanceID, "CONTACT_RECORD")
}

// Events returns the contact events of the instance, oldest first, each
// with its EventBridge envelope (Payload["detail"]["eventType"] ...).
func (s *Server) Events(instanceID string) ([]OutboxEntry, error) {
	return s.Outbox(instanceID, "CONTACT_EVENT")
}

// Outbox returns every outbox entry of kind ("" for both) of the instance
// ("" for every instance), oldest first, reading page after page.
func (s *Server) Outbox(instanceID, kind string) ([]OutboxEntry, error) {
	var all []OutboxEntry
	after := int64(0)
	for {
		q := url.Values{"After": {fmt.Sprint(after)}}
		if instanceID != "" {
			q.Set("InstanceId", instanceID)
		}
		if kind != "" {
			q.Set("Kind", kind)
		}
		var page struct {
			Entries []struct {
				OutboxEntry
				Payload json.RawMessage
			}
			NextAfter *int64
		}
		if err := s.adminDo("GET", "/_connectd/outbox?"+q.Encode(), nil, &page); err != nil {
			return nil, err
		}
		for _, e := range page.Entries {
			entry := e.OutboxEntry
			if err := json.Unmarshal(e.Payload, &entry.Payload); err != nil {
				return nil, fmt.Errorf("connecttest: outbox entry %d: %w", e.Seq, err)
			}
			all = append(all, entry)
		}
		if page.NextAfter == nil {
			return all, nil
		}
		after = *page.NextAfter
	}
}

// WaitRecords waits up to timeout for the instance to have at least n
// contact records, and returns them.
func (s *Server) WaitRecords(instanceID string, n int, timeout time.Duration) ([]OutboxEntry, error) {
	deadline := time.Now().Add(timeout)
	for {
		rs, err := s.Records(instanceID)
		if err != nil || len(rs) >= n {
			return rs, err
		}
		if time.Now().After(deadline) {
			return rs, fmt.Errorf("connecttest: %d contact records of instance %s after %v, want %d", len(rs), instanceID, timeout, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

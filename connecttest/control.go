package connecttest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// Fixtures is a data set to import: instances and contacts with explicit ids
// and timestamps. Every rule of the API applies (a bad key or an oversized
// map is refused), and an import is all or nothing.
type Fixtures struct {
	Instances []Instance
	Contacts  []Contact
}

// Instance is a fixture instance. Only Id is required; AccountId defaults to
// 000000000000 and Region to the server's.
type Instance struct {
	Id                     string
	InstanceAlias          string
	AccountId              string
	Region                 string
	IdentityManagementType string
	CreatedTime            time.Time
	Tags                   map[string]string
}

// Contact is a fixture contact. InstanceId, Id and Channel are required;
// InitialContactId defaults to Id, InitiationMethod to API and
// InitiationTimestamp to the server's now. Attributes on a chain's later
// member are merged into the chain's shared map.
type Contact struct {
	InstanceId          string
	Id                  string
	InitialContactId    string
	PreviousContactId   string
	RelatedContactId    string
	Channel             string
	InitiationMethod    string
	InitiationTimestamp time.Time
	DisconnectTimestamp time.Time
	Name                string
	Description         string
	QueueId             string
	Attributes          map[string]string
}

// Fault is a fault-injection rule: requests to Operation ("*" for all) fail
// with the AWS error ErrorCode (and Status; the exception's usual one when
// 0) and/or are delayed by Latency, each with Probability (0 means 1).
type Fault struct {
	Operation   string
	Probability float64
	ErrorCode   string
	Status      int
	Message     string
	Latency     time.Duration
}

// Import loads fixtures through POST /_connectd/import.
func (s *Server) Import(f Fixtures) error {
	doc := map[string]any{"Instances": []any{}, "Contacts": []any{}}
	var instances, contacts []any
	for _, i := range f.Instances {
		m := map[string]any{"Id": i.Id, "InstanceAlias": i.InstanceAlias, "AccountId": i.AccountId,
			"Region": i.Region, "IdentityManagementType": i.IdentityManagementType, "Tags": i.Tags}
		putTime(m, "CreatedTime", i.CreatedTime)
		instances = append(instances, dropEmpty(m))
	}
	for _, c := range f.Contacts {
		m := map[string]any{"InstanceId": c.InstanceId, "Id": c.Id, "InitialContactId": c.InitialContactId,
			"PreviousContactId": c.PreviousContactId, "RelatedContactId": c.RelatedContactId,
			"Channel": c.Channel, "InitiationMethod": c.InitiationMethod, "Name": c.Name,
			"Description": c.Description, "QueueId": c.QueueId, "Attributes": c.Attributes}
		putTime(m, "InitiationTimestamp", c.InitiationTimestamp)
		putTime(m, "DisconnectTimestamp", c.DisconnectTimestamp)
		contacts = append(contacts, dropEmpty(m))
	}
	if instances != nil {
		doc["Instances"] = instances
	}
	if contacts != nil {
		doc["Contacts"] = contacts
	}
	return s.admin(http.MethodPost, "/_connectd/import", doc)
}

// Faults replaces the fault-injection rules. Faults are seeded (by
// WithSeed, else 1), so the same requests meet the same faults every run.
func (s *Server) Faults(rules ...Fault) error {
	seed := uint64(1)
	if s.opts.seed != nil {
		seed = *s.opts.seed
	}
	var wire []map[string]any
	for _, r := range rules {
		m := map[string]any{"Operation": r.Operation}
		if r.Probability != 0 {
			m["Probability"] = r.Probability
		}
		if r.ErrorCode != "" {
			m["Error"] = dropEmpty(map[string]any{"Code": r.ErrorCode, "Status": r.Status, "Message": r.Message})
		}
		if r.Latency > 0 {
			m["LatencyMs"] = r.Latency.Milliseconds()
		}
		wire = append(wire, m)
	}
	return s.admin(http.MethodPut, "/_connectd/faults", map[string]any{"Seed": seed, "Rules": wire})
}

// ClearFaults removes every fault-injection rule.
func (s *Server) ClearFaults() error { return s.admin(http.MethodDelete, "/_connectd/faults", nil) }

// Reset deletes every instance and contact.
func (s *Server) Reset() error { return s.admin(http.MethodPost, "/_connectd/reset", nil) }

// admin calls a control-plane endpoint and turns an error response into an
// error carrying the server's message.
func (s *Server) admin(method, path string, body any) error {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("connecttest: encode %s body: %w", path, err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, s.URL+path, r)
	if err != nil {
		return fmt.Errorf("connecttest: %w", err)
	}
	// connectd refuses a control-plane change without this content type
	// (its guard against web pages; README "Security").
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.http.Client().Do(req)
	if err != nil {
		return fmt.Errorf("connecttest: %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		return nil
	}
	var e struct{ Message string }
	_ = json.NewDecoder(resp.Body).Decode(&e)
	return fmt.Errorf("connecttest: %s %s: %s: %s", method, path, resp.Header.Get("X-Amzn-ErrorType"), e.Message)
}

func putTime(m map[string]any, key string, t time.Time) {
	if !t.IsZero() {
		m[key] = float64(t.UnixMilli()) / 1000
	}
}

// dropEmpty leaves out zero members, which the server then defaults.
func dropEmpty(m map[string]any) map[string]any {
	for k, v := range m {
		switch v := v.(type) {
		case string:
			if v == "" {
				delete(m, k)
			}
		case int:
			if v == 0 {
				delete(m, k)
			}
		case map[string]string:
			if v == nil {
				delete(m, k)
			}
		}
	}
	return m
}

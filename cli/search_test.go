package cli

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestSearchRequest checks what contact search sends, against a stand-in
// for Amazon Connect that answers two pages, and how it prints them.
func TestSearchRequest(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var bodies []map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != "POST" || r.URL.Path != "/search-contacts" {
			http.Error(w, "unexpected "+r.Method+" "+r.URL.Path, http.StatusBadRequest)
			return
		}
		var body map[string]any
		b, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(b, &body); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		mu.Lock()
		bodies = append(bodies, body)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if body["NextToken"] == nil {
			io.WriteString(w, `{"Contacts":[{"Id":"c1","Channel":"VOICE","InitiationMethod":"INBOUND",
				"InitiationTimestamp":1795413600,"DisconnectTimestamp":1795413900.5}],"NextToken":"p2","TotalCount":2}`)
			return
		}
		io.WriteString(w, `{"Contacts":[{"Id":"c2","Channel":"TASK","InitiationMethod":"API","InitiationTimestamp":1795420800}],"TotalCount":2}`)
	}))
	defer srv.Close()

	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	run := func(args ...string) (string, string, int) {
		var stdout, stderr strings.Builder
		env := map[string]string{"AWS_ENDPOINT_URL": srv.URL, "CONNECTD_INSTANCE": "inst-1"}
		a := &app{ctx: context.Background(), stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr,
			getenv: func(k string) string { return env[k] }, now: func() time.Time { return now }, http: srv.Client()}
		code := a.run(args)
		return stdout.String(), stderr.String(), code
	}
	out, errOut, code := run("contact", "search", "--attr", "tier=gold", "--attr", "lang=en", "--since", "24h")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	compareGolden(t, "search-results", out)

	if len(bodies) != 2 {
		t.Fatalf("%d requests, want 2 (one per page)", len(bodies))
	}
	want := map[string]any{
		"InstanceId": "inst-1",
		"TimeRange": map[string]any{"Type": "INITIATION_TIMESTAMP",
			"StartTime": float64(now.Add(-24 * time.Hour).Unix()), "EndTime": float64(now.Unix())},
		"SearchCriteria": map[string]any{"SearchableContactAttributes": map[string]any{
			"MatchType": "MATCH_ALL",
			"Criteria": []any{
				map[string]any{"Key": "lang", "Values": []any{"en"}},
				map[string]any{"Key": "tier", "Values": []any{"gold"}},
			}}},
	}
	if !reflect.DeepEqual(bodies[0], want) {
		t.Errorf("first request\n got %v\nwant %v", bodies[0], want)
	}
	want["NextToken"] = "p2"
	if !reflect.DeepEqual(bodies[1], want) {
		t.Errorf("second request\n got %v\nwant %v", bodies[1], want)
	}

	out, _, _ = run("contact", "search", "-o", "json", "--since", "1y")
	compareGolden(t, "search-results-json", out)
	if got := bodies[2]["TimeRange"].(map[string]any)["StartTime"]; got != float64(now.AddDate(-1, 0, 0).Unix()) {
		t.Errorf("--since 1y: StartTime %v, want a calendar year before now", got)
	}
	if _, ok := bodies[2]["SearchCriteria"]; ok {
		t.Errorf("no --attr: request has SearchCriteria %v", bodies[2]["SearchCriteria"])
	}
}

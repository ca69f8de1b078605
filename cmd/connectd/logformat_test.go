package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
)

// TestJSONLogs runs serve with --log-format json --log-level debug: every
// line is one JSON object, each request gets one "request" line whose
// request_id is the x-amzn-RequestId its client saw, with its operation,
// status and error code.
func TestJSONLogs(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", ":memory:", "--log-format", "json", "--log-level", "debug"},
			env{stdout: io.Discard, stderr: pw, getenv: func(string) string { return "" }})
		pw.Close()
		done <- err
	}()
	lines := make(chan map[string]any, 100)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			var m map[string]any
			if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
				m = map[string]any{"unparsed": sc.Text()}
			}
			lines <- m
		}
	}()
	var url string
	for url == "" {
		select {
		case m := <-lines:
			if bad, ok := m["unparsed"]; ok {
				t.Fatalf("log line is not JSON: %s", bad)
			}
			if m["msg"] == "connectd ready" {
				url, _ = m["url"].(string)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("no ready line")
		}
	}
	// An operation, a client error and a control-plane request.
	ids := map[string]string{}
	get := func(path string) {
		resp, err := http.Get(url + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		ids[resp.Header.Get("x-amzn-RequestId")] = path
	}
	if _, err := sdkClient(url).ListInstances(context.Background(), &connect.ListInstancesInput{MaxResults: aws.Int32(5)}); err != nil {
		t.Fatal(err)
	}
	get("/instance/no-such-instance")
	get("/_connectd/clock")
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	var requests []map[string]any
	for m := range lines {
		if bad, ok := m["unparsed"]; ok {
			t.Fatalf("log line is not JSON: %s", bad)
		}
		if m["msg"] == "request" {
			requests = append(requests, m)
		}
	}
	if len(requests) != 3 {
		t.Fatalf("%d request lines, want 3: %v", len(requests), requests)
	}
	for _, m := range requests {
		id, _ := m["request_id"].(string)
		if id == "" || m["level"] != "DEBUG" || m["operation"] == nil || m["status"] == nil {
			t.Errorf("request line lacks request_id, level, operation or status: %v", m)
		}
		if path, ok := ids[id]; ok && path == "/instance/no-such-instance" {
			if m["operation"] != "DescribeInstance" || m["status"] != float64(404) || m["error_code"] != "ResourceNotFoundException" {
				t.Errorf("404's line: %v", m)
			}
		}
	}
	seen := 0
	for _, m := range requests {
		if _, ok := ids[m["request_id"].(string)]; ok {
			seen++
		}
	}
	if seen != 2 || !strings.Contains(requests[0]["operation"].(string), "ListInstances") || requests[2]["operation"] != "control_plane" {
		t.Errorf("request ids of the log (%d of 2 found) or operations do not match the answers: %v", seen, requests)
	}
}

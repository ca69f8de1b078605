package main

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
	"github.com/connectd/connectd/internal/pgtest"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// scrape reads /metrics with the Prometheus text parser.
func scrape(t *testing.T, url string) (map[string]*dto.MetricFamily, string) {
	t.Helper()
	resp, err := http.Get(url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET /metrics: %d %s", resp.StatusCode, body)
	}
	if v := resp.Header.Get("Access-Control-Allow-Origin"); v != "" {
		t.Errorf("/metrics sends Access-Control-Allow-Origin %q", v)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(strings.NewReader(string(body)))
	if err != nil {
		t.Fatalf("parse /metrics: %v\n%s", err, body)
	}
	return families, string(body)
}

// sample returns the metric of family name whose labels include want.
func sample(families map[string]*dto.MetricFamily, name string, want map[string]string) *dto.Metric {
	f := families[name]
	if f == nil {
		return nil
	}
next:
	for _, m := range f.Metric {
		have := map[string]string{}
		for _, l := range m.Label {
			have[l.GetName()] = l.GetValue()
		}
		for k, v := range want {
			if have[k] != v {
				continue next
			}
		}
		return m
	}
	return nil
}

// TestMetrics drives a server through successes, a client error, an
// injected fault and a throttled request, then scrapes /metrics and checks
// each count, the latency histograms and the store's commits; and that no
// id or attribute value shows.
func TestMetrics(t *testing.T) {
	url, stop := startInProcess(t, "--data", t.TempDir(), "--throttle", "aws")
	defer stop()
	ctx := context.Background()
	c := connect.NewFromConfig(aws.Config{Region: "us-east-1", Credentials: sdkClient(url).Options().Credentials, RetryMaxAttempts: 1},
		func(o *connect.Options) { o.BaseEndpoint = aws.String(url) })
	inst, err := c.CreateInstance(ctx, &connect.CreateInstanceInput{
		IdentityManagementType: types.DirectoryTypeConnectManaged, InstanceAlias: aws.String("metrics"),
		InboundCallsEnabled: aws.Bool(true), OutboundCallsEnabled: aws.Bool(true),
	})
	if err != nil {
		t.Fatal(err)
	}
	task, err := c.StartTaskContact(ctx, &connect.StartTaskContactInput{InstanceId: inst.Id, Name: aws.String("t"), ContactFlowId: aws.String("f")})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := c.UpdateContactAttributes(ctx, &connect.UpdateContactAttributesInput{
			InstanceId: inst.Id, InitialContactId: task.ContactId, Attributes: map[string]string{"secretvalue": "s3cr3t-attribute"},
		}); err != nil {
			t.Fatal(err)
		}
	}
	var nf *types.ResourceNotFoundException
	if _, err := c.GetContactAttributes(ctx, &connect.GetContactAttributesInput{InstanceId: inst.Id, InitialContactId: aws.String("nope")}); !errors.As(err, &nf) {
		t.Fatalf("GetContactAttributes of a missing contact: %v", err)
	}
	// CreateInstance's quota is 0.1/s with a burst of 1: the second is throttled.
	_, err = c.CreateInstance(ctx, &connect.CreateInstanceInput{
		IdentityManagementType: types.DirectoryTypeConnectManaged, InstanceAlias: aws.String("metrics2"),
		InboundCallsEnabled: aws.Bool(true), OutboundCallsEnabled: aws.Bool(true),
	})
	var te *types.ThrottlingException
	if !errors.As(err, &te) {
		t.Fatalf("second CreateInstance: %v, want ThrottlingException", err)
	}
	put(t, url+"/_connectd/faults", `{"Rules": [{"Operation": "DescribeContact", "Error": {"Code": "InternalServiceException"}}]}`)
	var ise *types.InternalServiceException
	if _, err := c.DescribeContact(ctx, &connect.DescribeContactInput{InstanceId: inst.Id, ContactId: task.ContactId}); !errors.As(err, &ise) {
		t.Fatalf("DescribeContact with an injected fault: %v", err)
	}

	families, text := scrape(t, url)
	counts := []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"connectd_requests_total", map[string]string{"operation": "CreateInstance", "status": "200", "error_code": "none"}, 1},
		{"connectd_requests_total", map[string]string{"operation": "CreateInstance", "status": "429", "error_code": "ThrottlingException"}, 1},
		{"connectd_requests_total", map[string]string{"operation": "UpdateContactAttributes", "status": "200", "error_code": "none"}, 3},
		{"connectd_requests_total", map[string]string{"operation": "GetContactAttributes", "status": "404", "error_code": "ResourceNotFoundException"}, 1},
		{"connectd_requests_total", map[string]string{"operation": "DescribeContact", "status": "500", "error_code": "InternalServiceException"}, 1},
		{"connectd_requests_total", map[string]string{"operation": "control_plane", "status": "200"}, 1},
		{"connectd_throttled_requests_total", map[string]string{"operation": "CreateInstance"}, 1},
		{"connectd_injected_faults_total", map[string]string{"operation": "DescribeContact", "kind": "error"}, 1},
	}
	for _, c := range counts {
		m := sample(families, c.name, c.labels)
		if m == nil || m.GetCounter().GetValue() != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, m.GetCounter().GetValue(), c.want)
		}
	}
	if h := sample(families, "connectd_request_duration_seconds", map[string]string{"operation": "UpdateContactAttributes"}); h.GetHistogram().GetSampleCount() != 3 || h.GetHistogram().GetSampleSum() <= 0 {
		t.Errorf("latency histogram of UpdateContactAttributes: %v", h)
	}
	// CreateInstance, StartTaskContact and three updates: at least five
	// writes, in at least one commit (the group committer may share).
	w := sample(families, "connectd_store_commit_writes", map[string]string{"store": "sqlite"}).GetHistogram()
	d := sample(families, "connectd_store_commit_duration_seconds", map[string]string{"store": "sqlite"}).GetHistogram()
	if w.GetSampleSum() < 5 || w.GetSampleCount() < 1 || d.GetSampleCount() != w.GetSampleCount() || d.GetSampleSum() <= 0 {
		t.Errorf("commit histograms: writes %v, duration %v", w, d)
	}
	if families["go_goroutines"] == nil || families["process_cpu_seconds_total"] == nil {
		t.Error("the Go and process collectors are missing")
	}
	for _, secret := range []string{aws.ToString(inst.Id), aws.ToString(task.ContactId), "s3cr3t-attribute", "secretvalue", "metrics2"} {
		if strings.Contains(text, secret) {
			t.Errorf("/metrics reveals %q", secret)
		}
	}
}

func put(t *testing.T, url, body string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPut, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("PUT %s: %s", url, resp.Status)
	}
}

// TestMetricsReachability: /metrics answers no web page (a request with
// Origin, or a browser's cross-site fetch), only GET, and --metrics=false
// turns it off.
func TestMetricsReachability(t *testing.T) {
	url, stop := startInProcess(t, "--data", ":memory:")
	defer stop()
	for _, h := range []map[string]string{{"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"}, {"Host": "rebound.example:4566"}} {
		req, _ := http.NewRequest(http.MethodGet, url+"/metrics", nil)
		for k, v := range h {
			req.Header.Set(k, v)
		}
		if h["Host"] != "" {
			req.Host = h["Host"] // DNS rebinding: a name of the attacker's that resolves to 127.0.0.1
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden || resp.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("GET /metrics with %v: %d (ACAO %q), want 403 without CORS", h, resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"))
		}
	}
	resp, err := http.Post(url+"/metrics", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /metrics: %d, want 405", resp.StatusCode)
	}

	off, stopOff := startInProcess(t, "--data", ":memory:", "--metrics=false")
	defer stopOff()
	resp, err = http.Get(off + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound || resp.Header.Get("X-Amzn-ErrorType") != "UnknownOperationException" {
		t.Errorf("GET /metrics with --metrics=false: %d %s, want 404 UnknownOperationException", resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"))
	}
}

// TestMetricsPostgresCommits: the PostgreSQL store reports each write
// transaction as a commit of one write.
//
// With --read-data (here the primary itself, which is never behind), the
// read server's replay lag is a gauge.
func TestMetricsPostgresCommits(t *testing.T) {
	dsn := pgtest.URL(t)
	url, stop := startInProcess(t, "--data", dsn, "--read-data", dsn)
	defer stop()
	c := sdkClient(url)
	for _, alias := range []string{"pg-metrics-1", "pg-metrics-2"} {
		if _, err := c.CreateInstance(context.Background(), &connect.CreateInstanceInput{
			IdentityManagementType: types.DirectoryTypeConnectManaged, InstanceAlias: aws.String(alias),
			InboundCallsEnabled: aws.Bool(true), OutboundCallsEnabled: aws.Bool(true),
		}); err != nil {
			t.Fatal(err)
		}
	}
	families, _ := scrape(t, url)
	w := sample(families, "connectd_store_commit_writes", map[string]string{"store": "postgres"}).GetHistogram()
	d := sample(families, "connectd_store_commit_duration_seconds", map[string]string{"store": "postgres"}).GetHistogram()
	if w.GetSampleCount() < 2 || w.GetSampleSum() != float64(w.GetSampleCount()) || d.GetSampleCount() != w.GetSampleCount() {
		t.Errorf("postgres commit histograms: writes %v, duration %v", w, d)
	}
	if lag := sample(families, "connectd_store_read_replay_lag_seconds", map[string]string{"store": "postgres"}); lag.GetGauge() == nil || lag.GetGauge().GetValue() != 0 {
		t.Errorf("read replay lag: %v, want a gauge at 0 for the primary itself", lag)
	}
}

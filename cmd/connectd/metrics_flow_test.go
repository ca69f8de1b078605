//go:build unix

package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
	dto "github.com/prometheus/client_model/go"
)

// value is the counter's or gauge's value of the sample of name with
// labels, and whether there is one.
func value(families map[string]*dto.MetricFamily, name string, labels map[string]string) (float64, bool) {
	m := sample(families, name, labels)
	switch {
	case m == nil:
		return 0, false
	case m.Counter != nil:
		return m.Counter.GetValue(), true
	case m.Gauge != nil:
		return m.Gauge.GetValue(), true
	}
	return 0, false
}

// scrapeUntil scrapes /metrics until ok accepts it, failing after 20 s
// with what the last scrape showed.
func scrapeUntil(t *testing.T, url, what string, ok func(map[string]*dto.MetricFamily) bool) map[string]*dto.MetricFamily {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		families, text := scrape(t, url)
		if ok(families) {
			return families
		}
		if time.Now().After(deadline) {
			t.Fatalf("/metrics never showed %s:\n%s", what, text)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestFlowRunMetrics: a flow that ends and one whose action fails without
// an error branch count one completed and one failed run, and the duration
// histogram holds both.
func TestFlowRunMetrics(t *testing.T) {
	url, stop := startInProcess(t, "--data", t.TempDir())
	defer stop()
	ctx := context.Background()
	c := sdkClient(url)
	inst := createInstance(t, c)
	for name, action := range map[string]string{
		"ends":  `{"Identifier":"a","Type":"EndFlowExecution","Transitions":{}}`,
		"fails": `{"Identifier":"a","Type":"Loop","Parameters":{"LoopCount":"101"},"Transitions":{}}`,
	} {
		f, err := c.CreateContactFlow(ctx, &connect.CreateContactFlowInput{
			InstanceId: inst.Id, Name: aws.String(name), Type: types.ContactFlowTypeContactFlow,
			Content: aws.String(`{"Version":"2019-10-30","StartAction":"a","Actions":[` + action + `]}`),
		})
		if err != nil {
			t.Fatalf("CreateContactFlow %s: %v", name, err)
		}
		if _, err := c.StartTaskContact(ctx, &connect.StartTaskContactInput{InstanceId: inst.Id, Name: aws.String(name), ContactFlowId: f.ContactFlowId}); err != nil {
			t.Fatal(err)
		}
	}
	families := scrapeUntil(t, url, "a completed and a failed run", func(f map[string]*dto.MetricFamily) bool {
		done, _ := value(f, "connectd_flow_runs_total", map[string]string{"outcome": "completed"})
		failed, _ := value(f, "connectd_flow_runs_total", map[string]string{"outcome": "failed"})
		return done == 1 && failed == 1
	})
	if v, ok := value(families, "connectd_flow_runs_total", map[string]string{"outcome": "step_budget"}); ok {
		t.Errorf("step_budget runs = %v, want none", v)
	}
	h := sample(families, "connectd_flow_run_duration_seconds", nil)
	if h == nil || h.Histogram.GetSampleCount() != 2 || h.Histogram.GetSampleSum() <= 0 {
		t.Fatalf("connectd_flow_run_duration_seconds = %v, want 2 runs of some duration", h)
	}
}

// TestOutboxPendingMetric: with EventBridge refusing every call, a
// contact's three events stay PENDING and connectd_outbox_pending says 3
// (the record, with no storage config, is set aside: 0); once EventBridge
// accepts, the gauge falls to 0.
func TestOutboxPendingMetric(t *testing.T) {
	bus := &eventBus{}
	srv := httptest.NewServer(bus)
	defer srv.Close()
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL_EVENTBRIDGE": srv.URL, "AWS_ACCESS_KEY_ID": "AKIDTEST", "AWS_SECRET_ACCESS_KEY": "secret",
		"AWS_REGION": "us-east-1", "AWS_MAX_ATTEMPTS": "1", "AWS_CONFIG_FILE": os.DevNull, "AWS_SHARED_CREDENTIALS_FILE": os.DevNull,
	} {
		t.Setenv(k, v)
	}
	url, stop := startInProcess(t, "--data", t.TempDir(), "--contact-events", "eventbridge")
	defer stop()
	ctx := context.Background()
	c := sdkClient(url)
	inst := createInstance(t, c)
	task, err := c.StartTaskContact(ctx, &connect.StartTaskContactInput{InstanceId: inst.Id, Name: aws.String("t"), ContactFlowId: aws.String("f")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.StopContact(ctx, &connect.StopContactInput{InstanceId: inst.Id, ContactId: task.ContactId}); err != nil {
		t.Fatal(err)
	}
	pending := func(events, records float64) func(map[string]*dto.MetricFamily) bool {
		return func(f map[string]*dto.MetricFamily) bool {
			e, eok := value(f, "connectd_outbox_pending", map[string]string{"kind": "CONTACT_EVENT"})
			r, rok := value(f, "connectd_outbox_pending", map[string]string{"kind": "CONTACT_RECORD"})
			return eok && rok && e == events && r == records
		}
	}
	scrapeUntil(t, url, "3 pending events and 0 records", pending(3, 0))
	// The gauge agrees with the outbox itself.
	resp, err := http.Get(url + "/_connectd/outbox?Kind=CONTACT_EVENT")
	if err != nil {
		t.Fatal(err)
	}
	var out struct{ Entries []struct{ State string } }
	err = json.NewDecoder(resp.Body).Decode(&out)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range out.Entries {
		if e.State == "PENDING" {
			n++
		}
	}
	if n != 3 {
		t.Fatalf("GET /_connectd/outbox has %d PENDING events, want 3", n)
	}

	bus.mu.Lock()
	bus.open = true
	bus.mu.Unlock()
	// The first event was tried and backs off (1 s), the others wait
	// behind it; then all three go.
	scrapeUntil(t, url, "no pending entry once EventBridge accepts", pending(0, 0))
	if got := bus.types(aws.ToString(task.ContactId)); len(got) != 3 {
		t.Errorf("EventBridge received %q, want 3 events", got)
	}
}

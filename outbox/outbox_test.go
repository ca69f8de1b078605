package outbox_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/outbox"
	"github.com/connectd/connectd/sqlite"
)

var (
	owner = connectd.Owner{AccountID: "111122223333", Region: "us-east-1"}
	t0    = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
)

const (
	streamARN   = "arn:aws:kinesis:eu-west-1:111122223333:stream/ctr-stream"
	firehoseARN = "arn:aws:firehose:us-east-1:111122223333:deliverystream/ctr-firehose"
)

// env is a real SQLite store on disk behind a Service, with one instance.
type env struct {
	t     *testing.T
	ctx   context.Context
	path  string
	clock *connectd.ManualClock
	store *sqlite.Store
	svc   *connectd.Service
	log   *bytes.Buffer
	logMu *sync.Mutex
}

func newEnv(t *testing.T) *env {
	e := &env{t: t, ctx: t.Context(), path: filepath.Join(t.TempDir(), "connectd.db"),
		clock: connectd.NewManualClock(t0), log: &bytes.Buffer{}, logMu: &sync.Mutex{}}
	e.open()
	if err := e.svc.CreateInstance(e.ctx, &connectd.Instance{ID: "inst-1", Owner: owner, Alias: "one",
		IdentityManagementType: connectd.IdentityConnectManaged, Status: connectd.InstanceStatusActive, CreatedTime: t0}); err != nil {
		t.Fatal(err)
	}
	return e
}

// open opens (or reopens) the store file.
func (e *env) open() {
	s, err := sqlite.Open(e.ctx, e.path, e.clock, slog.New(slog.DiscardHandler))
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { _ = s.Close() })
	e.store, e.svc = s, connectd.NewService(s, e.clock)
}

// logger writes into e.log.
func (e *env) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(lockedWriter{e.logMu, e.log}, nil))
}

type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// endedTask starts task contact id with attributes and stops it.
func (e *env) endedTask(id string) {
	e.t.Helper()
	if _, err := e.svc.CreateContact(e.ctx, owner, &connectd.Contact{InstanceID: "inst-1", ID: id,
		Channel: connectd.ChannelTask, InitiationMethod: connectd.InitiationAPI,
		Attributes: connectd.Attributes{"crm": "yes"}}); err != nil {
		e.t.Fatal(err)
	}
	if err := e.svc.StopContact(e.ctx, owner, "inst-1", id); err != nil {
		e.t.Fatal(err)
	}
}

// states returns the outbox's entries as "kind:state" strings.
func (e *env) states() []string {
	e.t.Helper()
	es, err := e.svc.Outbox(e.ctx, "", 0, 1000)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, x := range es {
		out = append(out, string(x.Kind)+":"+string(x.State))
	}
	return out
}

// sdkConfig is the SDK's standard configuration read from the
// environment, as serve reads it, with each service's endpoint set by its
// own variable; the SDK's own retries are off so each attempt is one call.
func sdkConfig(t *testing.T, url string) aws.Config {
	for _, v := range []string{"AWS_ENDPOINT_URL_KINESIS", "AWS_ENDPOINT_URL_FIREHOSE", "AWS_ENDPOINT_URL_EVENTBRIDGE"} {
		t.Setenv(v, url)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	cfg, err := config.LoadDefaultConfig(t.Context(), config.WithRetryMaxAttempts(1))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// stubConfig points every client at url explicitly, for parallel tests.
func stubConfig(url string) aws.Config {
	return aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(url), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", "")}
}

func bothTargets(context.Context, string) ([]outbox.Target, error) {
	return []outbox.Target{{Type: outbox.TargetKinesisStream, ARN: streamARN}, {Type: outbox.TargetKinesisFirehose, ARN: firehoseARN}}, nil
}

func decode(t *testing.T, b64 any) map[string]any {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(b64.(string))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestDeliverThroughSDKClients: one ended contact's record goes to Kinesis
// (PutRecord, partition key the contact id, the stream named by its ARN)
// and Firehose (PutRecordBatch), its events to EventBridge (PutEvents),
// through the SDK's clients at the endpoints of AWS_ENDPOINT_URL_*.
func TestDeliverThroughSDKClients(t *testing.T) {
	e := newEnv(t)
	st := newStub(t)
	obs := newCounts()
	d := outbox.New(e.svc, bothTargets, outbox.NewSinks(sdkConfig(t, st.srv.URL), true), e.clock, e.logger(), outbox.Config{Observer: obs})
	e.endedTask("c-1")
	if err := d.Pass(e.ctx); err != nil {
		t.Fatal(err)
	}
	// Records and events of one contact go their own ways, each in order.
	var events, records []call
	for _, c := range st.received() {
		if c.Target == "AWSEvents.PutEvents" {
			events = append(events, c)
		} else {
			records = append(records, c)
		}
	}
	if len(records) != 2 || records[0].Target != "Kinesis_20131202.PutRecord" || records[1].Target != "Firehose_20150804.PutRecordBatch" {
		t.Fatalf("record calls = %v, want PutRecord then PutRecordBatch", records)
	}
	k := records[0].Body
	if k["StreamName"] != "ctr-stream" || k["PartitionKey"] != "c-1" {
		t.Errorf("PutRecord = %v", k)
	}
	if rec := decode(t, k["Data"]); rec["ContactId"] != "c-1" || rec["Attributes"].(map[string]any)["crm"] != "yes" {
		t.Errorf("Kinesis record = %v", rec)
	}
	f := records[1].Body
	if f["DeliveryStreamName"] != "ctr-firehose" {
		t.Errorf("PutRecordBatch = %v", f)
	}
	if rec := decode(t, f["Records"].([]any)[0].(map[string]any)["Data"]); rec["AWSContactTraceRecordFormatVersion"] != "2017-03-10" {
		t.Errorf("Firehose record = %v", rec)
	}
	var types []string
	for _, c := range events {
		ev := c.Body["Entries"].([]any)[0].(map[string]any)
		if ev["Source"] != "aws.connect" || ev["DetailType"] != "Amazon Connect Contact Event" || ev["EventBusName"] != "default" {
			t.Errorf("PutEvents entry = %v", ev)
		}
		var detail map[string]any
		if err := json.Unmarshal([]byte(ev["Detail"].(string)), &detail); err != nil {
			t.Fatalf("event detail = %v (%v)", ev["Detail"], err)
		}
		types = append(types, detail["eventType"].(string))
	}
	if want := []string{"INITIATED", "CONNECTED_TO_SYSTEM", "DISCONNECTED"}; !slices.Equal(types, want) {
		t.Errorf("events = %q, want %q, in order", types, want)
	}
	if got := e.states(); !slices.Equal(got, []string{"CONTACT_EVENT:DELIVERED", "CONTACT_EVENT:DELIVERED",
		"CONTACT_RECORD:DELIVERED", "CONTACT_EVENT:DELIVERED"}) {
		t.Errorf("states = %q", got)
	}
	if d.Delivered() != 4 || obs.delivered["CONTACT_RECORD"] != 1 || obs.delivered["CONTACT_EVENT"] != 3 || len(obs.failed) != 0 {
		t.Errorf("Delivered = %d, observed %v delivered, %v failed; want 1 record and 3 events, no failure", d.Delivered(), obs.delivered, obs.failed)
	}
	if want := map[string]int{"CONTACT_RECORD": 0, "CONTACT_EVENT": 0}; !maps.Equal(obs.pending, want) {
		t.Errorf("pending after the pass = %v, want %v", obs.pending, want)
	}
}

// TestRetryWithBackoffInOrder: a sink that answers errors leaves the entry
// PENDING with its error, tried again only after a backoff that doubles;
// the contact's later entries of the same kind wait behind it, and once
// the sink is back everything goes, in order.
func TestRetryWithBackoffInOrder(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	st := newStub(t)
	st.set(true, false)
	d := outbox.New(e.svc, bothTargets, outbox.NewSinks(stubConfig(st.srv.URL), true), e.clock, e.logger(),
		outbox.Config{MinBackoff: time.Second, MaxBackoff: 3 * time.Second})
	e.endedTask("c-1")
	pass := func() {
		t.Helper()
		if err := d.Pass(e.ctx); err != nil {
			t.Fatal(err)
		}
	}
	pass()
	es, _ := e.svc.Outbox(e.ctx, "", 0, 10)
	if es[0].Attempts != 1 || !es[0].NextAttempt.Equal(t0.Add(time.Second)) || !strings.Contains(es[0].LastError, "stub told to fail") {
		t.Fatalf("after one failure: attempts %d, next %v, error %q", es[0].Attempts, es[0].NextAttempt, es[0].LastError)
	}
	if es[1].Attempts != 0 || es[3].Attempts != 0 {
		t.Fatal("the contact's later events were tried while its first was failing")
	}
	if es[2].Attempts != 1 {
		t.Fatalf("the record was tried %d times, want once: records do not wait for events", es[2].Attempts)
	}
	pass() // not due yet: no call
	if st.errors != 2 {
		t.Fatalf("%d calls before the backoff ran out, want 2 (the first event, the record)", st.errors)
	}
	for i, wait := range []time.Duration{time.Second, 2 * time.Second, 3 * time.Second, 3 * time.Second} {
		e.clock.Advance(wait)
		pass()
		es, _ = e.svc.Outbox(e.ctx, "", 0, 10)
		if es[0].Attempts != i+2 {
			t.Fatalf("after %d more failures: attempts %d", i+1, es[0].Attempts)
		}
	}
	st.set(false, false)
	e.clock.Advance(3 * time.Second)
	pass()
	if got := e.states(); slices.ContainsFunc(got, func(s string) bool { return !strings.HasSuffix(s, ":DELIVERED") }) {
		t.Fatalf("after the sink came back: %q", got)
	}
	if n := len(st.received()); n != 5 {
		t.Fatalf("%d calls accepted, want 5 (3 events, a record to each of 2 streams)", n)
	}
}

// TestHangingSinkNeverBlocksWrites: while every call to the sink hangs,
// the API's writes go on (each is one unit of work of the store, which the
// deliverer never holds), and each stuck call ends at Config.Timeout.
func TestHangingSinkNeverBlocksWrites(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	st := newStub(t)
	st.set(false, true)
	d := outbox.New(e.svc, bothTargets, outbox.NewSinks(stubConfig(st.srv.URL), true), e.clock, e.logger(),
		outbox.Config{Poll: 10 * time.Millisecond, Timeout: 300 * time.Millisecond})
	ctx, stop := context.WithCancel(e.ctx)
	done := make(chan struct{})
	go func() { defer close(done); d.Run(ctx) }()
	defer func() { stop(); <-done }()
	writes, cancel := context.WithTimeout(e.ctx, 30*time.Second)
	defer cancel()
	for i := range 20 {
		id := "c-" + string(rune('a'+i))
		if _, err := e.svc.CreateContact(writes, owner, &connectd.Contact{InstanceID: "inst-1", ID: id,
			Channel: connectd.ChannelChat, InitiationMethod: connectd.InitiationAPI}); err != nil {
			t.Fatalf("write %d while the sink hangs: %v", i, err)
		}
	}
	// The first calls time out and are recorded as failures.
	deadline := time.Now().Add(20 * time.Second)
	for {
		es, err := e.svc.Outbox(e.ctx, "", 0, 1)
		if err != nil {
			t.Fatal(err)
		}
		if es[0].Attempts > 0 {
			if !strings.Contains(es[0].LastError, "deadline") {
				t.Errorf("a hung call's error = %q, want its deadline", es[0].LastError)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a hung call was never given up")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestNoDestination: records of an instance without a storage config and
// events with contact events off are set aside, not retried.
func TestNoDestination(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	st := newStub(t)
	none := func(context.Context, string) ([]outbox.Target, error) { return nil, nil }
	d := outbox.New(e.svc, none, outbox.NewSinks(stubConfig(st.srv.URL), false), e.clock, e.logger(), outbox.Config{})
	e.endedTask("c-1")
	if err := d.Pass(e.ctx); err != nil {
		t.Fatal(err)
	}
	if got := e.states(); slices.ContainsFunc(got, func(s string) bool { return !strings.HasSuffix(s, ":NO_DESTINATION") }) {
		t.Fatalf("states = %q, want every entry NO_DESTINATION", got)
	}
	if len(st.received()) != 0 {
		t.Fatal("something was sent with no destination")
	}
}

// TestCapDropsOldest: past Config.Cap the oldest entries go, undelivered
// ones counted and logged.
func TestCapDropsOldest(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	st := newStub(t)
	st.set(true, false)
	obs := newCounts()
	d := outbox.New(e.svc, bothTargets, outbox.NewSinks(stubConfig(st.srv.URL), true), e.clock, e.logger(), outbox.Config{Cap: 3, Observer: obs})
	e.endedTask("c-1") // 4 entries
	e.endedTask("c-2") // 4 more
	if err := d.Pass(e.ctx); err != nil {
		t.Fatal(err)
	}
	if obs.dropped != 5 || obs.failed["CONTACT_EVENT"] != 1 || obs.failed["CONTACT_RECORD"] != 1 {
		t.Errorf("observed %d dropped, %v failed; want 5 dropped, one failure of each kind", obs.dropped, obs.failed)
	}
	if d.Dropped() != 5 || len(e.states()) != 3 {
		t.Fatalf("Dropped = %d, %d kept; want 5 dropped, 3 kept", d.Dropped(), len(e.states()))
	}
	es, _ := e.svc.Outbox(e.ctx, "", 0, 10)
	if es[0].ContactID != "c-2" {
		t.Errorf("kept %s's entries, want the newest (c-2's)", es[0].ContactID)
	}
	e.logMu.Lock()
	defer e.logMu.Unlock()
	if !strings.Contains(e.log.String(), "dropped=5") {
		t.Errorf("log = %q, want a line with the count", e.log.String())
	}
}

// TestKeptAcrossReopen: entries the sink refused are still there after the
// store is closed and opened again, and are delivered then.
func TestKeptAcrossReopen(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	st := newStub(t)
	st.set(true, false)
	sinks := outbox.NewSinks(stubConfig(st.srv.URL), true)
	e.endedTask("c-1")
	if err := outbox.New(e.svc, bothTargets, sinks, e.clock, e.logger(), outbox.Config{}).Pass(e.ctx); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Minute) // past the backoff
	if err := e.store.Close(); err != nil {
		t.Fatal(err)
	}
	e.open()
	st.set(false, false)
	if err := outbox.New(e.svc, bothTargets, sinks, e.clock, e.logger(), outbox.Config{}).Pass(e.ctx); err != nil {
		t.Fatal(err)
	}
	if got := e.states(); len(got) != 4 || slices.ContainsFunc(got, func(s string) bool { return !strings.HasSuffix(s, ":DELIVERED") }) {
		t.Fatalf("after reopening: %q", got)
	}
}

// TestEventsDownRecordsGoOn: with EventBridge failing, a contact's record
// still reaches Kinesis; its events wait, in order, for EventBridge.
func TestEventsDownRecordsGoOn(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	streams, bus := newStub(t), newStub(t)
	bus.set(true, false)
	sinks := outbox.NewSinks(stubConfig(streams.srv.URL), false)
	sinks.EventBridge = outbox.NewSinks(stubConfig(bus.srv.URL), true).EventBridge
	d := outbox.New(e.svc, bothTargets, sinks, e.clock, e.logger(), outbox.Config{})
	e.endedTask("c-1")
	if err := d.Pass(e.ctx); err != nil {
		t.Fatal(err)
	}
	want := []string{"CONTACT_EVENT:PENDING", "CONTACT_EVENT:PENDING", "CONTACT_RECORD:DELIVERED", "CONTACT_EVENT:PENDING"}
	if got := e.states(); !slices.Equal(got, want) {
		t.Fatalf("states = %q, want %q", got, want)
	}
	es, _ := e.svc.Outbox(e.ctx, "", 0, 10)
	if es[0].Attempts != 1 || es[1].Attempts != 0 || es[3].Attempts != 0 {
		t.Fatalf("attempts %d, %d, %d: want only the first event tried", es[0].Attempts, es[1].Attempts, es[3].Attempts)
	}
	if n := len(streams.received()); n != 2 {
		t.Fatalf("%d calls to the streams, want 2 (Kinesis and Firehose)", n)
	}
}

// counts is an outbox.Observer that counts.
type counts struct {
	mu                sync.Mutex
	delivered, failed map[string]int
	dropped           int
	pending           map[string]int // as last reported
}

func newCounts() *counts {
	return &counts{delivered: map[string]int{}, failed: map[string]int{}, pending: map[string]int{}}
}

func (c *counts) OutboxDelivered(kind string) { c.mu.Lock(); c.delivered[kind]++; c.mu.Unlock() }
func (c *counts) OutboxFailed(kind string)    { c.mu.Lock(); c.failed[kind]++; c.mu.Unlock() }
func (c *counts) OutboxDropped(n int)         { c.mu.Lock(); c.dropped += n; c.mu.Unlock() }
func (c *counts) OutboxPending(kind string, n int) {
	c.mu.Lock()
	c.pending[kind] = n
	c.mu.Unlock()
}

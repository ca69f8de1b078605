package api_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
	"github.com/connectd/connectd"
	"github.com/connectd/connectd/api"
	"github.com/connectd/connectd/sqlite"
)

// syncBuffer is a log sink that handlers of several goroutines share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// newFileServer is newServer on an SQLite data directory (whose read pool
// has connections of its own, unlike the in-memory store's), with the
// store's options, the server's admission limits and a debug log in logs.
func newFileServer(t *testing.T, opts sqlite.Options, adm api.Admission, logs *syncBuffer) (*testServer, *sqlite.Store) {
	t.Helper()
	clock := connectd.NewManualClock(start)
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	store, err := sqlite.OpenWith(context.Background(), t.TempDir(), clock, log, opts)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	handler := api.New(api.Config{Service: connectd.NewService(store, clock), Clock: clock, Logger: log,
		Region: "us-east-1", StoreName: "sqlite", Admin: true, Admission: adm})
	srv := httptest.NewServer(handler)
	t.Cleanup(func() {
		srv.Close()
		if err := store.Close(); err != nil {
			t.Errorf("close store: %v", err)
		}
	})
	return &testServer{url: srv.URL, clock: clock, client: clientFor(srv.URL, srv.Client(), "AKIDEXAMPLE"), http: srv.Client(), handler: handler}, store
}

// holdReads takes every read connection of store with Views that last
// until the returned function is called. It starts more holders than the
// pool has connections; the surplus ones give up on their own.
func holdReads(t *testing.T, store *sqlite.Store) (release func()) {
	t.Helper()
	done := make(chan struct{})
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) + 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = store.View(context.Background(), "hold", func(connectd.Tx) error { <-done; return nil })
		}()
	}
	time.Sleep(100 * time.Millisecond) // let the holders take their slots
	var once sync.Once
	release = func() { once.Do(func() { close(done); wg.Wait() }) }
	t.Cleanup(release)
	return release
}

// wantShed checks an overload answer: the status, the exception name, a
// Retry-After, and that it came well before the blocker would have let
// the request through (blockedFor after it began).
func wantShed(t *testing.T, r rawResponse, took, blockedFor time.Duration, status int, exc string) {
	t.Helper()
	if r.status != status || r.header.Get("X-Amzn-ErrorType") != exc {
		t.Fatalf("got %d %s %s, want %d %s", r.status, r.header.Get("X-Amzn-ErrorType"), r.body, status, exc)
	}
	if r.header.Get("Retry-After") == "" {
		t.Errorf("%d %s has no Retry-After", status, exc)
	}
	if took >= blockedFor {
		t.Errorf("answered after %v: it waited for the blocker (%v)", took, blockedFor)
	}
}

// TestSearchesPastTheLimitAre429: with --max-searches 1, a search that
// finds the one slot taken (here by a search slowed by an injected fault)
// is refused with 429 ThrottlingException, the exception SearchContacts
// models, and Retry-After, once its short wait for a slot is over, not
// when the slow search ends; the SDK types it.
func TestSearchesPastTheLimitAre429(t *testing.T) {
	s := newServer(t, func(c *api.Config) { c.Admission = api.Admission{Searches: 1, QueueWait: 50 * time.Millisecond} })
	inst := s.newInstance(t)
	if r := s.raw(t, "PUT", "/_connectd/faults", `{"Rules":[{"Operation":"SearchContacts","LatencyMs":4000}]}`); r.status != 200 {
		t.Fatalf("faults: %d %s", r.status, r.body)
	}
	body := `{"InstanceId":"` + inst + `","TimeRange":{"Type":"INITIATION_TIMESTAMP","StartTime":` +
		jsonTime(start.Add(-time.Hour)) + `,"EndTime":` + jsonTime(start.Add(time.Hour)) + `}}`
	slow := make(chan rawResponse, 1)
	go func() { slow <- s.raw(t, "POST", "/search-contacts", body) }()
	time.Sleep(200 * time.Millisecond) // the slow search holds the slot

	begin := time.Now()
	r := s.raw(t, "POST", "/search-contacts", body)
	wantShed(t, r, time.Since(begin), 3*time.Second, http.StatusTooManyRequests, "ThrottlingException")
	if !strings.Contains(r.body, "--max-searches") {
		t.Errorf("message %s does not name --max-searches", r.body)
	}
	_, err := s.client.SearchContacts(context.Background(), &connect.SearchContactsInput{
		InstanceId: aws.String(inst), TimeRange: &types.SearchContactsTimeRange{
			Type: types.SearchContactsTimeRangeTypeInitiationTimestamp, StartTime: aws.Time(start.Add(-time.Hour)), EndTime: aws.Time(start.Add(time.Hour))}})
	wantTyped[types.ThrottlingException](t, err)
	// Other operations are not gated.
	if _, err := s.client.ListInstances(context.Background(), &connect.ListInstancesInput{}); err != nil {
		t.Errorf("ListInstances beside the full search gate: %v", err)
	}
	if got := <-slow; got.status != 200 {
		t.Errorf("the slow search: %d %s", got.status, got.body)
	}
}

// jsonTime is t in the wire's epoch seconds.
func jsonTime(t time.Time) string { return strconv.FormatInt(t.Unix(), 10) }

// TestFullReadPoolIs503: when every read connection of the SQLite store
// stays busy past the store's read wait, a read is answered 503
// ServiceUnavailableException (GetContactAttributes models no throttling
// exception) with Retry-After, instead of queueing until the client gives
// up, and it is logged as a warning, not an error.
func TestFullReadPoolIs503(t *testing.T) {
	logs := &syncBuffer{}
	s, store := newFileServer(t, sqlite.Options{ReadWait: 100 * time.Millisecond}, api.Admission{}, logs)
	inst := s.newInstance(t)
	contact := s.newTask(t, inst, map[string]string{"k": "v"})
	release := holdReads(t, store)

	begin := time.Now()
	r := s.raw(t, "GET", "/contact/attributes/"+inst+"/"+contact, "")
	wantShed(t, r, time.Since(begin), 3*time.Second, http.StatusServiceUnavailable, "ServiceUnavailableException")
	if !strings.Contains(r.body, "read connections") {
		t.Errorf("message %s does not say what was busy", r.body)
	}
	release()
	if r := s.raw(t, "GET", "/contact/attributes/"+inst+"/"+contact, ""); r.status != 200 {
		t.Errorf("after the readers left: %d %s", r.status, r.body)
	}
	if l := logs.String(); strings.Contains(l, "level=ERROR") || !strings.Contains(l, "level=WARN msg=\"request shed") {
		t.Errorf("want a WARN line for the shed request and no ERROR:\n%s", l)
	}
}

// TestShedRequestsShareAWarnLine: a burst of shed requests is one WARN
// line (and DEBUG lines for the rest), not one WARN line each.
func TestShedRequestsShareAWarnLine(t *testing.T) {
	logs := &syncBuffer{}
	s, store := newFileServer(t, sqlite.Options{ReadWait: 5 * time.Millisecond}, api.Admission{}, logs)
	inst := s.newInstance(t)
	contact := s.newTask(t, inst, map[string]string{"k": "v"})
	release := holdReads(t, store)
	defer release()
	const burst = 10
	for range burst {
		if r := s.raw(t, "GET", "/contact/attributes/"+inst+"/"+contact, ""); r.status != http.StatusServiceUnavailable {
			t.Fatalf("with the read pool held: %d %s", r.status, r.body)
		}
	}
	l := logs.String()
	warn, debug := strings.Count(l, `level=WARN msg="request shed`), strings.Count(l, `level=DEBUG msg="request shed`)
	// A slow machine may spread the burst over two intervals.
	if warn < 1 || warn > 2 || warn+debug != burst {
		t.Errorf("%d shed requests: %d WARN and %d DEBUG lines, want 1-2 WARN and the rest DEBUG:\n%s", burst, warn, debug, l)
	}
}

// TestRequestDeadlineIs503: a request still waiting when its
// --request-timeout passes (here for a read connection, under a long
// read wait) is answered 503 ServiceUnavailableException with
// Retry-After and a message naming the deadline.
func TestRequestDeadlineIs503(t *testing.T) {
	logs := &syncBuffer{}
	s, store := newFileServer(t, sqlite.Options{ReadWait: time.Minute}, api.Admission{RequestTimeout: 200 * time.Millisecond}, logs)
	inst := s.newInstance(t)
	contact := s.newTask(t, inst, nil)
	holdReads(t, store)

	begin := time.Now()
	r := s.raw(t, "GET", "/contacts/"+inst+"/"+contact, "")
	wantShed(t, r, time.Since(begin), 5*time.Second, http.StatusServiceUnavailable, "ServiceUnavailableException")
	if !strings.Contains(r.body, "--request-timeout") {
		t.Errorf("message %s does not name --request-timeout", r.body)
	}
	if l := logs.String(); strings.Contains(l, "level=ERROR") {
		t.Errorf("the deadline was logged as an ERROR:\n%s", l)
	}
}

// TestClientCancellationIsNotAnError: a client that gives up while its
// request waits is no failure of connectd's: the request is logged at
// DEBUG, never as an ERROR line.
func TestClientCancellationIsNotAnError(t *testing.T) {
	logs := &syncBuffer{}
	s, store := newFileServer(t, sqlite.Options{ReadWait: time.Minute}, api.Admission{RequestTimeout: -1}, logs)
	inst := s.newInstance(t)
	contact := s.newTask(t, inst, nil)
	holdReads(t, store)

	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", s.url+"/contact/attributes/"+inst+"/"+contact, nil)
	if resp, err := s.http.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("the request was answered %d while every read connection was held", resp.StatusCode)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(logs.String(), "request cancelled by the client") {
		if time.Now().After(deadline) {
			t.Fatalf("no log line for the cancelled request:\n%s", logs.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	l := logs.String()
	if strings.Contains(l, "level=ERROR") {
		t.Errorf("the cancellation was logged as an ERROR:\n%s", l)
	}
	if !strings.Contains(l, "level=DEBUG msg=\"request cancelled by the client\"") {
		t.Errorf("want the cancellation at DEBUG:\n%s", l)
	}
}

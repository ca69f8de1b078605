package api_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/smithy-go"
	"github.com/connectd/connectd"
	"github.com/connectd/connectd/api"
	"github.com/connectd/connectd/sqlite"
	"github.com/google/uuid"
)

// testServer is a connectd server on an in-memory SQLite store with a
// manual clock, and an official SDK client pointed at it.
type testServer struct {
	url     string
	clock   *connectd.ManualClock
	client  *connect.Client
	http    *http.Client
	handler *api.Server
}

// start is the clock's reading when a test server starts.
var start = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

func newServer(t *testing.T, opts ...func(*api.Config)) *testServer {
	t.Helper()
	ctx := context.Background()
	clock := connectd.NewManualClock(start)
	log := slog.New(slog.DiscardHandler)
	store, err := sqlite.Open(ctx, ":memory:", clock, log)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	cfg := api.Config{
		Service: connectd.NewService(store, clock), Clock: clock, Logger: log, Region: "us-east-1", Version: "test", StoreName: "sqlite", Ping: store.Ping,
		Admin: true,
	}
	for _, o := range opts {
		o(&cfg)
	}
	handler := api.New(cfg)
	srv := httptest.NewServer(handler)
	t.Cleanup(func() {
		srv.Close()
		if err := store.Close(); err != nil {
			t.Errorf("close store: %v", err)
		}
	})
	return &testServer{url: srv.URL, clock: clock, client: clientFor(srv.URL, srv.Client(), "AKIDEXAMPLE"), http: srv.Client(), handler: handler}
}

// clientFor returns an SDK client that signs with accessKey. Retries are off
// so that a test sees the server's first answer.
func clientFor(url string, hc *http.Client, accessKey string) *connect.Client {
	return connect.NewFromConfig(aws.Config{
		Region:           "us-east-1",
		Credentials:      credentials.NewStaticCredentialsProvider(accessKey, "secret", ""),
		HTTPClient:       hc,
		RetryMaxAttempts: 1,
	}, func(o *connect.Options) { o.BaseEndpoint = aws.String(url) })
}

// wantAPIError fails unless err is an API error with the exception name
// code; it returns the error's message.
func wantAPIError(t *testing.T, err error, code string) string {
	t.Helper()
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("got error %v, want API error %s", err, code)
	}
	if apiErr.ErrorCode() != code {
		t.Fatalf("got %s (%s), want %s", apiErr.ErrorCode(), apiErr.ErrorMessage(), code)
	}
	if apiErr.ErrorMessage() == "" {
		t.Fatalf("%s has an empty message", code)
	}
	return apiErr.ErrorMessage()
}

// wantTyped fails unless err is (or wraps) a *T, the SDK's typed exception.
func wantTyped[T any, PT interface {
	*T
	error
}](t *testing.T, err error) {
	t.Helper()
	var target PT
	if !errors.As(err, &target) {
		t.Fatalf("got error %v (%T), want %T", err, err, target)
	}
}

// rawResponse is a response read in full.
type rawResponse struct {
	status int
	header http.Header
	body   string
}

// raw sends an unsigned request, for what the SDK would refuse to send.
func (s *testServer) raw(t *testing.T, method, path, body string) rawResponse {
	t.Helper()
	req, err := http.NewRequest(method, s.url+path, bytes.NewBufferString(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" || (method != "GET" && method != "HEAD") {
		req.Header.Set("Content-Type", "application/json") // the control plane requires it on changes
	}
	return s.do(t, req)
}

// do sends req and reads the whole answer.
func (s *testServer) do(t *testing.T, req *http.Request) rawResponse {
	t.Helper()
	resp, err := s.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return rawResponse{resp.StatusCode, resp.Header, string(b)}
}

// newInstance creates an instance and returns its id.
func (s *testServer) newInstance(t *testing.T) string {
	t.Helper()
	out, err := s.client.CreateInstance(context.Background(), &connect.CreateInstanceInput{
		IdentityManagementType: "CONNECT_MANAGED",
		InstanceAlias:          aws.String("test-" + randomSuffix()),
		InboundCallsEnabled:    aws.Bool(true),
		OutboundCallsEnabled:   aws.Bool(true),
	})
	if err != nil {
		t.Fatalf("CreateInstance: %v", err)
	}
	return aws.ToString(out.Id)
}

// newTask starts a task contact with attrs and returns its id.
func (s *testServer) newTask(t *testing.T, instanceID string, attrs map[string]string) string {
	t.Helper()
	out, err := s.client.StartTaskContact(context.Background(), &connect.StartTaskContactInput{
		InstanceId: aws.String(instanceID), Name: aws.String("task"),
		ContactFlowId: aws.String("flow-1"), Attributes: attrs,
	})
	if err != nil {
		t.Fatalf("StartTaskContact: %v", err)
	}
	return aws.ToString(out.ContactId)
}

func randomSuffix() string { return strings.ReplaceAll(uuid.NewString(), "-", "")[:12] }

// isTyped reports whether err is (or wraps) a *T.
func isTyped[T any, PT interface {
	*T
	error
}](err error) bool {
	var target PT
	return errors.As(err, &target)
}

package postgres_test

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/connectd/connectd"
	"github.com/connectd/connectd/api"
	"github.com/connectd/connectd/internal/pgtest"
	"github.com/connectd/connectd/postgres"
)

// logBuffer is a log destination that tests read, safe for concurrent use.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// haReplica is one connectd server over its own Store on a multi-host
// DSN, with an SDK client that does not retry and the server's log.
type haReplica struct {
	store  *postgres.Store
	client *connect.Client
	url    string
	log    *logBuffer
}

func newHAReplica(t *testing.T, dsn string) *haReplica {
	t.Helper()
	r := &haReplica{log: &logBuffer{}}
	log := slog.New(slog.NewTextHandler(r.log, nil))
	clock := connectd.SystemClock{}
	store, err := postgres.Open(t.Context(), dsn, clock, log)
	if err != nil {
		t.Fatalf("Open %s: %v", dsn, err)
	}
	t.Cleanup(func() { store.Close() })
	srv := httptest.NewServer(api.New(api.Config{
		Service: connectd.NewService(store, clock), Clock: clock, Region: "us-east-1", StoreName: "postgres", Ping: store.Ping, Logger: log,
	}))
	t.Cleanup(srv.Close)
	r.store, r.url = store, srv.URL
	r.client = connect.NewFromConfig(aws.Config{
		Region:           "us-east-1",
		Credentials:      credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		HTTPClient:       srv.Client(),
		RetryMaxAttempts: 1, // every answer counts, none is retried away
	}, func(o *connect.Options) { o.BaseEndpoint = aws.String(srv.URL) })
	return r
}

// health returns the status of the replica's health check.
func (r *haReplica) health(t *testing.T) int {
	t.Helper()
	resp, err := http.Get(r.url + "/_connectd/health")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// hostsDSN is a keyword/value DSN listing the clusters' hosts in order.
func hostsDSN(extra string, clusters ...*pgtest.Cluster) string {
	var hosts, ports []string
	for _, c := range clusters {
		hosts, ports = append(hosts, "127.0.0.1"), append(ports, fmt.Sprint(c.Port()))
	}
	return fmt.Sprintf("host=%s port=%s user=postgres password=%s dbname=postgres sslmode=disable connect_timeout=2 %s",
		strings.Join(hosts, ","), strings.Join(ports, ","), clusters[0].Password(), extra)
}

// want503 fails unless err is a 503 ServiceUnavailableException with
// Retry-After, the shape the SDKs' standard retryer retries.
func want503(t *testing.T, what string, err error) {
	t.Helper()
	var apiErr smithy.APIError
	var respErr *smithyhttp.ResponseError
	if !errors.As(err, &apiErr) || !errors.As(err, &respErr) {
		t.Fatalf("%s: error %v, want a 503 API error", what, err)
	}
	if respErr.HTTPStatusCode() != 503 || apiErr.ErrorCode() != "ServiceUnavailableException" || respErr.Response.Header.Get("Retry-After") == "" {
		t.Fatalf("%s: %d %s (Retry-After %q), want 503 ServiceUnavailableException with Retry-After",
			what, respErr.HTTPStatusCode(), apiErr.ErrorCode(), respErr.Response.Header.Get("Retry-After"))
	}
}

// setup creates an instance and one contact per writer through r.
func setup(t *testing.T, r *haReplica, n int) (instance string, contacts []string) {
	t.Helper()
	ctx := t.Context()
	inst, err := r.client.CreateInstance(ctx, &connect.CreateInstanceInput{
		IdentityManagementType: "CONNECT_MANAGED", InstanceAlias: aws.String("failover"),
		InboundCallsEnabled: aws.Bool(true), OutboundCallsEnabled: aws.Bool(true),
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		out, err := r.client.StartTaskContact(ctx, &connect.StartTaskContactInput{
			InstanceId: inst.Id, Name: aws.String(fmt.Sprintf("contact %d", i)), ContactFlowId: aws.String("flow"),
		})
		if err != nil {
			t.Fatal(err)
		}
		contacts = append(contacts, *out.ContactId)
	}
	return *inst.Id, contacts
}

// update sets key on contact through r.
func (r *haReplica) update(t *testing.T, instance, contact, key string) error {
	_, err := r.client.UpdateContactAttributes(t.Context(), &connect.UpdateContactAttributesInput{
		InstanceId: aws.String(instance), InitialContactId: aws.String(contact), Attributes: map[string]string{key: "1"},
	})
	return err
}

// attributes reads contact's map through r.
func (r *haReplica) attributes(t *testing.T, instance, contact string) map[string]string {
	t.Helper()
	out, err := r.client.GetContactAttributes(t.Context(), &connect.GetContactAttributesInput{
		InstanceId: aws.String(instance), InitialContactId: aws.String(contact),
	})
	if err != nil {
		t.Fatalf("read contact %s: %v", contact, err)
	}
	return out.Attributes
}

// load is a write load of one writer per contact, each setting a new key
// at a time, recording which keys were acknowledged and when.
type load struct {
	mu        sync.Mutex
	acked     [][]string // by writer
	successes []time.Time
	failures  []error
	stop      atomic.Bool
	wg        sync.WaitGroup
}

func startLoad(t *testing.T, r *haReplica, instance string, contacts []string) *load {
	l := &load{acked: make([][]string, len(contacts))}
	for w, contact := range contacts {
		l.wg.Go(func() {
			for i := 0; !l.stop.Load(); i++ {
				key := fmt.Sprintf("w%d_%d", w, i)
				err := r.update(t, instance, contact, key)
				l.mu.Lock()
				if err == nil {
					l.acked[w] = append(l.acked[w], key)
					l.successes = append(l.successes, time.Now())
				} else {
					l.failures = append(l.failures, err)
				}
				l.mu.Unlock()
				if err != nil {
					time.Sleep(5 * time.Millisecond) // an outage: do not spin
				}
			}
		})
	}
	return l
}

// firstSuccessAfter returns the first acknowledged write at or after at.
func (l *load) firstSuccessAfter(at time.Time) (time.Time, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var first time.Time
	for _, s := range l.successes {
		if !s.Before(at) && (first.IsZero() || s.Before(first)) {
			first = s
		}
	}
	return first, !first.IsZero()
}

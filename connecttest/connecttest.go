// Package connecttest runs an in-process connectd for Go tests: an Amazon
// Connect–compatible server on an in-memory store with a controllable clock,
// and an aws-sdk-go-v2 Connect client pointed at it.
//
//	srv := connecttest.New(t)
//	client := srv.Client()
//	srv.Clock().Advance(48 * time.Hour)
//
// Each server is independent, so tests using it can run in parallel.
package connecttest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/connectd/connectd"
	"github.com/connectd/connectd/api"
	"github.com/connectd/connectd/sqlite"
)

// Server is a running in-process connectd.
type Server struct {
	// URL is the server's base URL, e.g. http://127.0.0.1:41234.
	URL string

	opts  options
	clock *connectd.OffsetClock
	store *sqlite.Store
	http  *httptest.Server
	svc   *connectd.Service
	// flows: connecttest_flows.go.
	flows flowParts
	// stopBackfill ends the search index's backfill loop.
	stopBackfill func()
}

type options struct {
	seed      *uint64
	throttle  bool
	log       *slog.Logger
	accessKey string
	region    string
}

// Option configures a Server.
type Option func(*options)

// WithSeed makes instance and contact ids a deterministic sequence of UUIDs,
// and seeds fault injection, so snapshots and failures repeat across runs.
func WithSeed(seed uint64) Option { return func(o *options) { o.seed = &seed } }

// WithThrottle applies Amazon Connect's default rate quotas.
func WithThrottle() Option { return func(o *options) { o.throttle = true } }

// WithLogger sends the server's logs to log (they are discarded otherwise).
func WithLogger(log *slog.Logger) Option { return func(o *options) { o.log = log } }

// WithAccount makes Client sign with accessKey; a 12-digit key is the
// account id. The default key maps to account 000000000000.
func WithAccount(accessKey string) Option { return func(o *options) { o.accessKey = accessKey } }

// WithRegion sets Client's region (default us-east-1).
func WithRegion(region string) Option { return func(o *options) { o.region = region } }

// New starts a server for the test t and stops it when the test ends.
func New(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s, err := Start(opts...)
	if err != nil {
		t.Fatalf("connecttest: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("connecttest: %v", err)
		}
	})
	return s
}

// Start starts a server outside of a test; Close stops it.
func Start(opts ...Option) (*Server, error) {
	o := options{log: slog.New(slog.DiscardHandler), accessKey: "AKIDCONNECTTEST", region: "us-east-1"}
	for _, opt := range opts {
		opt(&o)
	}
	clock := &connectd.OffsetClock{}
	store, err := sqlite.Open(context.Background(), sqlite.MemoryPath, clock, o.log)
	if err != nil {
		return nil, fmt.Errorf("open in-memory store: %w", err)
	}
	svc := connectd.NewService(store, clock)
	// As in connectd serve: an expired contact never returns when the
	// clock moves back.
	clock.OnMoveBack(connectd.PurgeAll(svc, 1000))
	flows, err := startFlows(svc, clock, o.log)
	if err != nil {
		return nil, errors.Join(err, store.Close())
	}
	cfg := api.Config{
		Service: svc, Clock: clock, Logger: o.log, Region: o.region, Version: "connecttest",
		StoreName: "sqlite", Ping: store.Ping, Admin: true, Throttle: o.throttle,
	}
	if o.seed != nil {
		cfg.NewID = connectd.NewSeededIDs(*o.seed)
	}
	// As in connectd serve: keys a search names are backfilled into the
	// search index in the background.
	backfillCtx, stopBackfill := context.WithCancel(context.Background())
	backfilled := make(chan struct{})
	go func() {
		defer close(backfilled)
		svc.IndexSearchKeys(backfillCtx, time.Minute, o.log)
	}()
	s := &Server{opts: o, clock: clock, store: store, svc: svc, flows: flows,
		stopBackfill: func() { stopBackfill(); <-backfilled }}
	s.http = httptest.NewUnstartedServer(api.New(cfg))
	s.http.Listener = api.WrapListener(s.http.Listener) // AWS-shaped framing errors, as connectd serve
	s.http.Start()
	s.URL = s.http.URL
	return s, nil
}

// Close stops the server and discards its data.
func (s *Server) Close() error {
	s.http.Close()
	s.flows.close()
	s.stopBackfill()
	if err := s.store.Close(); err != nil {
		return fmt.Errorf("close store: %w", err)
	}
	return nil
}

// Client returns an official aws-sdk-go-v2 Connect client for the server,
// with static test credentials; optFns adjust it like any SDK client's.
func (s *Server) Client(optFns ...func(*connect.Options)) *connect.Client {
	cfg := aws.Config{
		Region:      s.opts.region,
		Credentials: credentials.NewStaticCredentialsProvider(s.opts.accessKey, "connecttest-secret", ""),
		HTTPClient:  s.http.Client(),
	}
	return connect.NewFromConfig(cfg, append([]func(*connect.Options){func(o *connect.Options) {
		o.BaseEndpoint = aws.String(s.URL)
	}}, optFns...)...)
}

// Clock returns the server's clock: Set and Advance move every timestamp
// connectd writes, retention and the 2018 cut-off; Reset returns it to the
// system time. It keeps running from wherever it is set, unless frozen
// (Freeze). Moving it back first deletes every contact expired by then, so
// that none comes back.
func (s *Server) Clock() *connectd.OffsetClock { return s.clock }

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/api"
	"github.com/connectd/connectd/flow"
	"github.com/connectd/connectd/internal/auth"
	"github.com/connectd/connectd/internal/cpuprofile"
	"github.com/connectd/connectd/outbox"
	"github.com/connectd/connectd/sigv4"
	"golang.org/x/net/netutil"
)

// serveConfig holds serve's settings: each flag may also be set by the
// environment variable CONNECTD_<NAME>, and a flag on the command line wins.
type serveConfig struct {
	addr     string
	data     string
	readData string
	region   string
	logLevel string
	admin    bool
	throttle string
	seed     string
	init     string
	auth     string
	creds    string
	maxSkew  time.Duration
	ops      opsConfig
	// adminHosts are extra Host names the control plane answers to.
	adminHosts []string
	// allowedOrigins are web origins, besides loopback ones, whose pages
	// may call the Connect API under --auth none.
	allowedOrigins []string
	// newDatabase allows an empty database where one went missing.
	newDatabase bool
	// maxConns caps the connections served at once.
	maxConns int
	// cacheMiB caps the store's row cache (0: none).
	cacheMiB int
	outbox   outboxConfig
	// admission bounds the work taken on at once (admission.go).
	admissionFlags admissionFlags
	admission      api.Admission
	// cpuProfile is a file to write a CPU profile of the whole run to,
	// for the studies in BENCHMARKS.md.
	cpuProfile string
}

// timeouts of the HTTP server: enough for a slow client on a real network,
// short enough that idle or stalled connections (slowloris) do not pile up.
type timeouts struct {
	readHeader time.Duration // request line and headers
	read       time.Duration // the whole request, body included (12 MiB at ~100 KiB/s)
	idle       time.Duration // between requests on a keep-alive connection
}

func defaultTimeouts() timeouts {
	return timeouts{readHeader: 10 * time.Second, read: 2 * time.Minute, idle: 2 * time.Minute}
}

const (
	shutdownTimeout = 30 * time.Second
	// The retention sweeper's pace: often enough that expired contacts do
	// not pile up, in batches small enough not to hold the writer for long.
	sweepInterval = time.Minute
	sweepBatch    = 1000
	// backfillInterval is how often the search index's backfill looks for
	// keys left pending by a previous process or another replica; a key a
	// search or a setting registers here is backfilled at once.
	backfillInterval = time.Minute
)

func parseServe(args []string, e env) (serveConfig, error) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	def := func(name, fallback string) string {
		if v := e.getenv("CONNECTD_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))); v != "" {
			return v
		}
		return fallback
	}
	var c serveConfig
	fs.StringVar(&c.addr, "addr", def("addr", "127.0.0.1:4566"), "`host:port` to listen on (port 0 picks a free one) [CONNECTD_ADDR]")
	fs.StringVar(&c.data, "data", def("data", "./connectd-data"), "where the data lives, one of `directory|:memory:|postgres://URL`: a directory\nfor the SQLite database (created if missing), :memory: for a throwaway store,\nor a PostgreSQL URL such as postgres://user:password@host:5432/connectd [CONNECTD_DATA]")
	fs.StringVar(&c.readData, "read-data", def("read-data", ""), "postgres:// `URL` of a hot standby of --data for the reads, when it has replayed this process's writes [CONNECTD_READ_DATA]")
	fs.StringVar(&c.region, "region", def("region", "us-east-1"), "`region` of requests that carry no SigV4 credential scope [CONNECTD_REGION]")
	fs.StringVar(&c.logLevel, "log-level", def("log-level", "info"), "log `level`: debug, info, warn or error [CONNECTD_LOG_LEVEL]")
	fs.BoolVar(&c.admin, "admin", def("admin", "true") != "false", "serve the control plane under /_connectd/ (not for untrusted networks) [CONNECTD_ADMIN]")
	fs.StringVar(&c.throttle, "throttle", def("throttle", "none"), "`mode`: none, or aws for Amazon Connect's default rate quotas [CONNECTD_THROTTLE]")
	fs.StringVar(&c.seed, "seed", def("seed", ""), "make instance and contact ids a deterministic sequence from this `number` [CONNECTD_SEED]")
	fs.StringVar(&c.init, "init", def("init", ""), "import this fixtures `file` at start-up, before /_connectd/ready [CONNECTD_INIT]")
	fs.StringVar(&c.auth, "auth", def("auth", "none"), "`mode`: none (signatures are read, not checked) or sigv4 (every request must verify) [CONNECTD_AUTH]")
	fs.StringVar(&c.creds, "credentials", def("credentials", ""), "JSON `file` of [{\"AccessKeyId\", \"SecretAccessKey\", \"AccountId\"}] [CONNECTD_CREDENTIALS]")
	var adminHosts string
	fs.StringVar(&adminHosts, "admin-hosts", def("admin-hosts", ""), "comma-separated host `names` the control plane answers to besides localhost and IP addresses, such as a compose service's name [CONNECTD_ADMIN_HOSTS]")
	var origins string
	fs.StringVar(&origins, "allowed-origins", def("allowed-origins", ""), "comma-separated web `origins` (such as https://desk.example:8443) whose pages may call the Connect API under --auth none, besides http(s)://localhost and 127.0.0.1 [CONNECTD_ALLOWED_ORIGINS]")
	fs.BoolVar(&c.newDatabase, "new-database", def("new-database", "false") == "true", "create an empty SQLite database in a --data directory whose database went missing, instead of refusing to start [CONNECTD_NEW_DATABASE]")
	cacheMiB := fs.String("cache-mib", def("cache-mib", strconv.Itoa(defaultCacheMiB)), "`MiB` of committed contact rows kept in memory (SQLite: for reads and the read half of updates; PostgreSQL: for the one-round-trip update) (0: none) [CONNECTD_CACHE_MIB]")
	fs.IntVar(&c.maxConns, "max-connections", defInt(def("max-connections", ""), defaultMaxConns), "most client `connections` served at once; more wait to be accepted [CONNECTD_MAX_CONNECTIONS]")
	fs.StringVar(&c.outbox.events, "contact-events", def("contact-events", "none"), "`sink` of contact events: none, or eventbridge (PutEvents at AWS_ENDPOINT_URL_EVENTBRIDGE or AWS_ENDPOINT_URL) [CONNECTD_CONTACT_EVENTS]")
	fs.IntVar(&c.outbox.cap, "outbox-cap", defInt(def("outbox-cap", ""), connectd.DefaultOutboxCap), "how many contact records and events the outbox keeps; past it the oldest are dropped [CONNECTD_OUTBOX_CAP]")
	var skew string
	fs.StringVar(&c.cpuProfile, "cpuprofile", def("cpuprofile", ""), "write a CPU profile (go tool pprof) of the whole run to this `file`, closed at shutdown [CONNECTD_CPUPROFILE]")
	fs.StringVar(&skew, "max-skew", def("max-skew", "15m"), "how far a signature's X-Amz-Date may be from the real clock (either way),\nas a Go `duration` such as 15m or 90s [CONNECTD_MAX_SKEW]")
	opsFlags(fs, def, &c)
	addAdmissionFlags(fs, def, &c.admissionFlags)
	fs.Usage = func() {
		fmt.Fprint(e.stderr, "Usage: connectd serve [flags]\n\nRuns connectd. Flags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return c, flag.ErrHelp
		}
		return c, errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(e.stderr, "connectd serve: unexpected argument %q\n", fs.Arg(0))
		return c, errUsage
	}
	c.adminHosts, c.allowedOrigins = splitList(adminHosts), splitList(origins)
	mib, mibErr := strconv.Atoi(*cacheMiB)
	if mibErr != nil || mib < 0 || mib > maxCacheMiB {
		fmt.Fprintf(e.stderr, "connectd serve: --cache-mib must be a whole number of MiB from 0 to %d, not %q\n", maxCacheMiB, *cacheMiB)
		return c, errUsage
	}
	c.cacheMiB = mib
	if c.maxConns < 1 {
		fmt.Fprintf(e.stderr, "connectd serve: --max-connections must be a positive integer, not %d\n", c.maxConns)
		return c, errUsage
	}
	var err error
	if c.admission, err = c.admissionFlags.parse(); err != nil {
		fmt.Fprintf(e.stderr, "connectd serve: %v\n", err)
		return c, errUsage
	}
	if c.maxSkew, err = time.ParseDuration(skew); err != nil || c.maxSkew <= 0 {
		fmt.Fprintf(e.stderr, "connectd serve: --max-skew must be a positive duration such as 15m, not %q\n", skew)
		return c, errUsage
	}
	// A keyword/value DSN would otherwise become an oddly named SQLite
	// directory without a word of warning.
	if !isPostgresDSN(c.data) && (strings.Contains(c.data, "host=") || strings.Contains(c.data, "dbname=")) {
		fmt.Fprintf(e.stderr, "connectd serve: --data takes a directory, :memory:, or a postgres:// URL; write the PostgreSQL DSN %q as a postgres://user:password@host:port/dbname URL\n", c.data)
		return c, errUsage
	}
	if c.readData != "" && (!isPostgresDSN(c.readData) || !isPostgresDSN(c.data)) {
		fmt.Fprintf(e.stderr, "connectd serve: --read-data takes a postgres:// URL, and only with a postgres:// URL for --data\n")
		return c, errUsage
	}
	if c.auth != "none" && c.auth != "sigv4" {
		fmt.Fprintf(e.stderr, "connectd serve: --auth must be none or sigv4, not %q\n", c.auth)
		return c, errUsage
	}
	if c.outbox.events != "none" && c.outbox.events != "eventbridge" {
		fmt.Fprintf(e.stderr, "connectd serve: --contact-events must be none or eventbridge, not %q\n", c.outbox.events)
		return c, errUsage
	}
	if c.outbox.cap < 1 {
		fmt.Fprintf(e.stderr, "connectd serve: --outbox-cap must be a positive number of entries, not %d\n", c.outbox.cap)
		return c, errUsage
	}
	if c.throttle != "none" && c.throttle != "aws" {
		fmt.Fprintf(e.stderr, "connectd serve: --throttle must be none or aws, not %q\n", c.throttle)
		return c, errUsage
	}
	if c.seed != "" {
		if _, err := strconv.ParseUint(c.seed, 10, 64); err != nil {
			fmt.Fprintf(e.stderr, "connectd serve: --seed must be a non-negative integer, not %q\n", c.seed)
			return c, errUsage
		}
	}
	return c, nil
}

// serve runs the server until ctx ends, then shuts down gracefully: the
// listener closes, in-flight requests finish, and the store is closed.
func serve(ctx context.Context, args []string, e env) error {
	cfg, err := parseServe(args, e)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	} else if err != nil {
		return err
	}
	log, err := newLogger(cfg, e.stderr)
	if err != nil {
		fmt.Fprintf(e.stderr, "connectd serve: %v\n", err)
		return errUsage
	}
	tuneGC(log, e.getenv)
	if cfg.cpuProfile != "" {
		stop, err := cpuprofile.Start(cfg.cpuProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	// The control plane can move this clock; it starts at the system time.
	clock := &connectd.OffsetClock{}

	authn, err := loadAuth(cfg)
	if err != nil {
		return err
	}
	store, err := openStore(ctx, cfg.data, cfg.readData, cfg.newDatabase, cacheBytes(cfg.cacheMiB), clock, log)
	if err != nil {
		return err
	}
	defer func() {
		if err := store.Close(); err != nil {
			log.Error("closing the store", "err", err)
		}
	}()
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.addr, err)
	}
	var newID func() string
	var flowSeed *uint64
	if cfg.seed != "" {
		seed, _ := strconv.ParseUint(cfg.seed, 10, 64) // checked by parseServe
		newID = connectd.NewSeededIDs(seed)
		flowSeed = &seed
	}
	observer, metricsHandler := newMetrics(cfg, store)
	svc := connectd.NewService(store.port, clock)
	svc.SetDelivery(cfg.outbox.delivery())
	// Moving the clock back first deletes what has expired by then, so
	// that no expired contact comes back (see connectd.OffsetClock).
	clock.OnMoveBack(connectd.PurgeAll(svc, sweepBatch))
	flowObserver, _ := observer.(flow.Observer) // nil without --metrics
	runner, err := startFlows(ctx, svc, clock, log, flowSeed, flowObserver)
	if err != nil {
		return err
	}
	defer runner.Close()
	handler := api.New(api.Config{
		Service: svc, Clock: clock, Logger: log, Region: cfg.region,
		Version: version(), StoreName: store.name, Ping: store.ping, NewID: newID, Auth: authn,
		Admin: cfg.admin, Throttle: cfg.throttle == "aws", NotReady: cfg.init != "",
		Observer: observer, Metrics: metricsHandler,
		SignedControlPlane: cfg.auth == "sigv4", AdminHosts: cfg.adminHosts,
		AllowedOrigins: cfg.allowedOrigins, Admission: cfg.admission,
	})
	trim := newIdleTrim(time.Now())
	srv := newHTTPServer(trim.wrap(handler), log, defaultTimeouts())
	ln = netutil.LimitListener(api.WrapListener(ln), cfg.maxConns)
	warnExposedControlPlane(log, cfg, ln.Addr())

	sweepCtx, stopSweep := context.WithCancel(context.Background())
	swept := make(chan struct{})
	go func() {
		defer close(swept)
		connectd.Sweep(sweepCtx, svc, sweepInterval, sweepBatch, log)
	}()
	defer func() { stopSweep(); <-swept }()
	trimmed := make(chan struct{})
	go func() {
		defer close(trimmed)
		trim.run(sweepCtx)
	}()
	defer func() { stopSweep(); <-trimmed }()
	backfilled := make(chan struct{})
	go func() {
		defer close(backfilled)
		svc.IndexSearchKeys(sweepCtx, backfillInterval, log)
	}()
	defer func() { stopSweep(); <-backfilled }()
	deliveryObserver, _ := observer.(outbox.Observer) // nil without --metrics
	stopDelivery, err := startDelivery(ctx, svc, clock, log, cfg.outbox, deliveryObserver)
	if err != nil {
		return err
	}
	defer stopDelivery()

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	if cfg.init != "" {
		if err := importInit(ctx, handler, cfg.init); err != nil {
			_ = srv.Close()
			return err
		}
		handler.SetReady(true)
	}
	log.Info("connectd ready", "url", "http://"+ln.Addr().String(), "data", store.where, "auth", cfg.auth, "version", version())

	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// loadAuth reads --credentials, if given, and builds the authenticator for
// --auth; it refuses --auth sigv4 without credentials.
func loadAuth(cfg serveConfig) (api.Authenticator, error) {
	var creds []sigv4.Credential
	if cfg.creds != "" {
		var err error
		if creds, err = sigv4.LoadCredentials(cfg.creds); err != nil {
			return nil, fmt.Errorf("--credentials: %w", err)
		}
	}
	return auth.New(cfg.auth, creds, cfg.maxSkew, cfg.region)
}

// importInit imports the --init fixtures file; the server is up meanwhile
// but /_connectd/ready answers 503 until it is done.
func importInit(ctx context.Context, h *api.Server, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("--init: %w", err)
	}
	defer f.Close()
	if err := h.Import(ctx, f); err != nil {
		var de *connectd.Error
		if errors.As(err, &de) {
			return fmt.Errorf("--init %s: %s", path, de.Message)
		}
		return fmt.Errorf("--init %s: %w", path, err)
	}
	return nil
}

// newHTTPServer returns the server for h with connectd's limits. Its header
// limit is a backstop above api.MaxHeaderBytes, which answers with an
// AWS-shaped error first.
func newHTTPServer(h http.Handler, log *slog.Logger, t timeouts) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: t.readHeader,
		ReadTimeout:       t.read,
		IdleTimeout:       t.idle,
		MaxHeaderBytes:    4 * api.MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// splitList splits a comma-separated flag value, dropping empty items.
func splitList(v string) []string {
	var out []string
	for _, item := range strings.Split(v, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

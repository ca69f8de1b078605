package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/connectd/connectd/api"
	"github.com/connectd/connectd/flow"
	"github.com/connectd/connectd/metrics"
	"github.com/connectd/connectd/outbox"
)

// opsConfig holds serve's operational settings: logging and metrics.
type opsConfig struct {
	logFormat string
	metrics   bool
}

// opsFlags adds the operational flags to fs; def reads a flag's
// environment variable, as for the other flags.
func opsFlags(fs *flag.FlagSet, def func(name, fallback string) string, c *serveConfig) {
	fs.StringVar(&c.ops.logFormat, "log-format", def("log-format", "text"), "log `format`: text (key=value lines) or json (one JSON object a line) [CONNECTD_LOG_FORMAT]")
	fs.BoolVar(&c.ops.metrics, "metrics", def("metrics", "true") != "false", "serve Prometheus metrics at GET /metrics (--metrics=false turns them off) [CONNECTD_METRICS]")
}

// newLogger returns serve's logger for --log-level and --log-format,
// writing to w.
func newLogger(c serveConfig, w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.logLevel)); err != nil {
		return nil, fmt.Errorf("invalid --log-level %q: use debug, info, warn or error", c.logLevel)
	}
	opts := &slog.HandlerOptions{Level: level}
	switch c.ops.logFormat {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("invalid --log-format %q: use text or json", c.ops.logFormat)
}

// commitObservable is a store that reports its commits (both stores are).
type commitObservable interface {
	ObserveCommits(f func(writes int, took time.Duration))
}

// readLagger is a store that reads from a standby (postgres with
// --read-data) and measures its replay lag.
type readLagger interface {
	ReadLag() (lag time.Duration, measured time.Time, ok bool)
}

// newMetrics returns the api's Observer and the /metrics handler for
// --metrics, and hooks the store's commits into them; both are nil when
// metrics are off.
func newMetrics(c serveConfig, store *openedStore) (api.Observer, http.Handler) {
	if !c.ops.metrics {
		return nil, nil
	}
	m := metrics.New()
	if o, ok := store.port.(commitObservable); ok {
		o.ObserveCommits(m.CommitObserver(store.name))
	}
	if r, ok := store.port.(readLagger); ok {
		if _, _, reads := r.ReadLag(); reads {
			m.ReadLag(store.name, func() time.Duration { lag, _, _ := r.ReadLag(); return lag })
		}
	}
	return m, m.Handler()
}

// The metrics are the deliverer's and the flow runner's observers too
// (serve hands them over by type assertion, which these keep honest).
var (
	_ outbox.Observer = (*metrics.Metrics)(nil)
	_ flow.Observer   = (*metrics.Metrics)(nil)
)

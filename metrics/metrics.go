// Package metrics is connectd's Prometheus instrumentation, on the official
// client (client_golang): what the api package and the stores report, kept
// in a registry of its own (never the client's global one, so that two
// servers in one process, as in tests, count apart) and served in the
// Prometheus text format.
//
// Metrics carry operation names, error codes and counts, never ids,
// attribute keys or values: they reveal nothing of the data.
package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds connectd's collectors. Its methods are safe for concurrent
// use.
type Metrics struct {
	reg        *prometheus.Registry
	requests   *prometheus.CounterVec
	latency    *prometheus.HistogramVec
	commits    *prometheus.HistogramVec
	commitTime *prometheus.HistogramVec
	faults     *prometheus.CounterVec
	throttled  *prometheus.CounterVec
	delivered  *prometheus.CounterVec
	failed     *prometheus.CounterVec
	dropped    prometheus.Counter
	pending    *prometheus.GaugeVec
	flowRuns   *prometheus.CounterVec
	flowTime   prometheus.Histogram
}

// New returns Metrics registered in a new registry, with the Go runtime's
// and the process's collectors beside connectd's own.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "connectd_requests_total",
			Help: "Requests answered, by operation (an Amazon Connect operation name, control_plane or unknown), HTTP status and error code (the exception name, none for a success).",
		}, []string{"operation", "status", "error_code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "connectd_request_duration_seconds",
			Help:    "Time from a request's arrival to its answer, by operation.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"operation"}),
		commits: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "connectd_store_commit_writes",
			Help:    "Writes carried by one store commit (SQLite group-commits many writes in one transaction; PostgreSQL commits each alone), by store.",
			Buckets: []float64{1, 2, 4, 8, 16, 32, 64, 128, 256},
		}, []string{"store"}),
		commitTime: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "connectd_store_commit_duration_seconds",
			Help:    "Time of one store transaction, begin to commit (fsync included), by store.",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1},
		}, []string{"store"}),
		faults: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "connectd_injected_faults_total",
			Help: "Faults injected by the control plane's rules, by operation and kind (error or latency).",
		}, []string{"operation", "kind"}),
		throttled: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "connectd_throttled_requests_total",
			Help: "Requests refused by --throttle aws, by operation.",
		}, []string{"operation"}),
		delivered: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "connectd_outbox_delivered_total",
			Help: "Outbox entries delivered, by kind (CONTACT_RECORD to Kinesis or Firehose, CONTACT_EVENT to EventBridge).",
		}, []string{"kind"}),
		failed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "connectd_outbox_delivery_failures_total",
			Help: "Failed delivery attempts of outbox entries (each retried with backoff), by kind.",
		}, []string{"kind"}),
		dropped: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "connectd_outbox_dropped_total",
			Help: "Undelivered outbox entries dropped because the outbox was over its cap (--outbox-cap).",
		}),
		pending: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "connectd_outbox_pending",
			Help: "Undelivered (PENDING) outbox entries after the deliverer's last pass, by kind; a pass reads at most 500, so 500 across both kinds means at least that many.",
		}, []string{"kind"}),
		flowRuns: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "connectd_flow_runs_total",
			Help: "Contact flow runs ended, by outcome: completed, failed (an action's error without a branch, or content that cannot run), step_budget (stopped after the step limit, a loop) or interrupted (the server stopped).",
		}, []string{"outcome"}),
		flowTime: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "connectd_flow_run_duration_seconds",
			Help:    "Time of one contact flow run, start to end (Lambda invocations included).",
			Buckets: []float64{.001, .005, .01, .05, .1, .5, 1, 5, 10, 30, 60, 300},
		}),
	}
	m.reg.MustRegister(m.requests, m.latency, m.commits, m.commitTime, m.faults, m.throttled,
		m.delivered, m.failed, m.dropped, m.pending, m.flowRuns, m.flowTime,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the registry in the Prometheus exposition formats.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Request counts one answered request and its latency.
func (m *Metrics) Request(operation string, status int, errorCode string, took time.Duration) {
	if errorCode == "" {
		errorCode = "none"
	}
	m.requests.WithLabelValues(operation, strconv.Itoa(status), errorCode).Inc()
	m.latency.WithLabelValues(operation).Observe(took.Seconds())
}

// Fault counts one injected fault of kind "error" or "latency".
func (m *Metrics) Fault(operation, kind string) {
	m.faults.WithLabelValues(operation, kind).Inc()
}

// Throttled counts one request refused by the rate quotas.
func (m *Metrics) Throttled(operation string) {
	m.throttled.WithLabelValues(operation).Inc()
}

// CommitObserver returns the function a store calls after each commit,
// labelled with the store's name ("sqlite" or "postgres").
func (m *Metrics) CommitObserver(store string) func(writes int, took time.Duration) {
	size, dur := m.commits.WithLabelValues(store), m.commitTime.WithLabelValues(store)
	return func(writes int, took time.Duration) {
		size.Observe(float64(writes))
		dur.Observe(took.Seconds())
	}
}

// OutboxDelivered counts one delivered outbox entry of kind.
func (m *Metrics) OutboxDelivered(kind string) { m.delivered.WithLabelValues(kind).Inc() }

// OutboxFailed counts one failed delivery attempt of kind.
func (m *Metrics) OutboxFailed(kind string) { m.failed.WithLabelValues(kind).Inc() }

// OutboxDropped counts n undelivered entries dropped by the outbox's cap.
func (m *Metrics) OutboxDropped(n int) { m.dropped.Add(float64(n)) }

// OutboxPending sets the number of undelivered entries of kind.
func (m *Metrics) OutboxPending(kind string, n int) { m.pending.WithLabelValues(kind).Set(float64(n)) }

// FlowRunEnded counts one ended flow run by outcome and observes how long
// it took.
func (m *Metrics) FlowRunEnded(outcome string, took time.Duration) {
	m.flowRuns.WithLabelValues(outcome).Inc()
	m.flowTime.Observe(took.Seconds())
}

// ReadLag exports lag, the replay lag of the server a store reads from
// (a PostgreSQL hot standby named by --read-data) as the store last
// measured it, as connectd_store_read_replay_lag_seconds: the bound on how
// stale a read there may be for writes made through other processes.
func (m *Metrics) ReadLag(store string, lag func() time.Duration) {
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name:        "connectd_store_read_replay_lag_seconds",
		Help:        "Replay lag of the read DSN's standby, as last measured (at health checks, and when a read finds the standby behind this process's last write).",
		ConstLabels: prometheus.Labels{"store": store},
	}, func() float64 { return lag().Seconds() }))
}

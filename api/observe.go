package api

import (
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Observer is told what the server does, for metrics (package metrics is
// one, on Prometheus). Its methods must be safe for concurrent use and
// fast: they run on every request.
type Observer interface {
	// Request reports an answered request: its operation (an Amazon
	// Connect operation name, "control_plane" or "unknown"), HTTP status,
	// the exception name of an error answer ("" for a success), and the
	// time it took.
	Request(operation string, status int, errorCode string, took time.Duration)
	// Fault reports a fault injected into operation: "error" or "latency".
	Fault(operation, kind string)
	// Throttled reports a request refused by the rate quotas.
	Throttled(operation string)
}

type noObserver struct{}

func (noObserver) Request(string, int, string, time.Duration) {}
func (noObserver) Fault(string, string)                       {}
func (noObserver) Throttled(string)                           {}

func (s *Server) observer() Observer {
	if s.cfg.Observer == nil {
		return noObserver{}
	}
	return s.cfg.Observer
}

// requestInfo is what serveRequest learnt of a request, for its log line.
// It travels in the request's call, not in its context: a context value
// and the request copy that carries it were two allocations (about 400
// bytes) a request.
type requestInfo struct {
	id              string
	start           time.Time // when ServeHTTP began, where the request deadline counts from
	op              string
	account, region string
	err             error
}

// noteCall records what the operation's call learnt for the log line.
func noteCall(c *call, err error) {
	c.info.op, c.info.account, c.info.region, c.info.err = c.op, c.owner.AccountID, c.owner.Region, err
}

// ServeHTTP serves one request (serveRequest) and then logs it at debug
// level, one line with its request id, and reports it to the Observer.
// GET /metrics is served here, when Config.Metrics is set, outside the
// Connect API: it sends no CORS headers, so no web page can read it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Metrics != nil && r.URL.Path == "/metrics" {
		s.serveMetrics(w, r)
		return
	}
	start := time.Now()
	info := &requestInfo{id: uuid.NewString(), start: start}
	rec := &statusRecorder{ResponseWriter: w}
	s.serveRequest(rec, r, info)
	took := time.Since(start)
	status := rec.status
	if status == 0 {
		status = http.StatusOK
	}
	code, _, _ := strings.Cut(w.Header().Get("X-Amzn-ErrorType"), ":")
	op := info.op
	switch {
	case op != "":
	case strings.HasPrefix(r.URL.Path, "/_connectd/") || strings.HasPrefix(r.URL.Path, "/_localstack/"):
		op = "control_plane"
	default:
		op = "unknown"
	}
	s.observer().Request(op, status, code, took)
	if s.log.Enabled(r.Context(), slog.LevelDebug) {
		attrs := []any{"request_id", info.id, "method", r.Method, "path", r.URL.Path, "operation", op,
			"status", status, "duration", took}
		if code != "" {
			attrs = append(attrs, "error_code", code)
		}
		if info.account != "" {
			attrs = append(attrs, "account", info.account, "region", info.region)
		}
		if info.err != nil {
			attrs = append(attrs, "err", info.err)
		}
		s.log.Debug("request", attrs...)
	}
}

// serveMetrics serves GET (and HEAD) /metrics under the control plane's
// Host rule (allowedHost: no DNS-rebound name reaches it). A request a
// browser made for another site's page (it carries Origin, or
// Sec-Fetch-Site other than none or same-origin) is refused too, as
// nothing of connectd's own should answer a page the developer happens to
// open. It is not signed under --auth sigv4: Prometheus scrapes do not sign.
func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request) {
	if !s.allowedHost(r.Host) {
		writeError(w, excAccessDenied, http.StatusForbidden,
			"connectd serves /metrics only to requests addressed to localhost, an IP address or a name given to --admin-hosts; Host "+quoteHost(r.Host)+" is none of them.")
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeError(w, "InvalidRequestException", http.StatusMethodNotAllowed, "/metrics answers GET only.")
		return
	}
	if site := r.Header.Get("Sec-Fetch-Site"); r.Header.Get("Origin") != "" || (site != "" && site != "none" && site != "same-origin") {
		writeError(w, excAccessDenied, http.StatusForbidden, "/metrics is not served to web pages.")
		return
	}
	s.cfg.Metrics.ServeHTTP(w, r)
}

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

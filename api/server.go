// Package api serves the Amazon Connect restJson1 protocol over HTTP: the
// route table, the wire structs (PascalCase JSON, epoch-second timestamps),
// validation against the service model, and the one error writer. Each
// operation is one call on the connectd.Service; no handler reaches a store.
package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/connectd/connectd"
	"github.com/google/uuid"
	"golang.org/x/time/rate"
)

// MaxBodyBytes bounds a request body. The largest request Amazon Connect
// accepts is StartEmailContact, whose raw message body may be 5,242,880
// characters; JSON escaping can double that.
const MaxBodyBytes = 12 << 20

// MaxHeaderBytes bounds the request line and headers together. A SigV4
// request needs about 1 KiB; 64 KiB leaves room for any proxy's additions.
// net/http enforces a larger backstop (http.Server.MaxHeaderBytes) with a
// plain-text 431; this limit answers with an AWS-shaped error first.
const MaxHeaderBytes = 64 << 10

// Config is what a Server needs.
type Config struct {
	// Service runs every operation.
	Service *connectd.Service
	Clock   connectd.Clock
	Logger  *slog.Logger
	// Region is the region of a request that carries no credential scope.
	Region string
	// Version and StoreName are reported by the health endpoint.
	Version   string
	StoreName string
	// NewID returns a new instance or contact id; uuid.NewString if nil.
	NewID func() string
	// Admin turns on the control plane under /_connectd/ (reset, clock,
	// import and export, faults). Health and readiness are always served.
	Admin bool
	// Throttle applies Amazon Connect's default per-account rate quotas.
	Throttle bool
	// NotReady makes /_connectd/ready answer 503 until SetReady(true), for
	// start-up work such as importing an init file.
	NotReady bool
	// Ping checks that the store is reachable, for the health endpoint.
	Ping func(context.Context) error
	// Auth identifies (and may verify) the caller of every Connect
	// operation. Nil takes the account and region from the request's
	// credential scope without verifying anything (see identify).
	Auth Authenticator
	// Observer is told of every request, injected fault and throttled
	// request, for metrics; nil observes nothing.
	Observer Observer
	// Metrics, if not nil, serves GET /metrics (see observe.go).
	Metrics http.Handler
	// SignedControlPlane makes the control plane (all of /_connectd/ but
	// health and readiness) require what Auth requires of the Connect API:
	// connectd serve sets it with --auth sigv4.
	SignedControlPlane bool
	// AdminHosts are the Host names, besides loopback names and IP
	// literals, that may address the control plane (say, a compose
	// service's name); see guardControlPlane.
	AdminHosts []string
	// Admission bounds the work taken on at once (admission.go); its zero
	// value means the defaults.
	Admission Admission
	// AllowedOrigins are the web origins (scheme://host[:port]), besides
	// loopback ones, whose pages may call the Connect API when Auth is nil;
	// see guardBrowser.
	AllowedOrigins []string
}

// Server is the HTTP handler of connectd.
type Server struct {
	cfg      Config
	log      *slog.Logger
	model    *wireModel
	router   *router
	handlers map[string]handler
	ready    atomic.Bool
	faults   faults
	throttle throttler
	// admission is cfg.Admission with its defaults; searches gates the
	// Search* operations (nil: no limit).
	admission Admission
	searches  *gate
	// trees keeps bind's *treeDecoder for reuse, bufs writeOK's *[]byte.
	trees sync.Pool
	bufs  sync.Pool
	plans fillPlans
	shed  shedLog
}

// call is one decoded request on its way to a handler.
type call struct {
	r         *http.Request
	op        string
	labels    map[string]string
	owner     connectd.Owner
	requestID string
	info      *requestInfo // ServeHTTP's, for the log line
	// body is the request body once authenticate has read it whole (to
	// verify its hash), so that bind need not read and copy it again.
	body []byte
}

// handler serves one operation: it returns the response value (marshalled
// as JSON with status 200) or an error for the error writer.
type handler func(ctx context.Context, c *call) (any, error)

// New returns a Server for cfg.
func New(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.NewID == nil {
		cfg.NewID = uuid.NewString
	}
	if cfg.Clock == nil {
		cfg.Clock = connectd.SystemClock{}
	}
	model := newWireModel()
	s := &Server{cfg: cfg, log: cfg.Logger, model: model, router: newRouter(model)}
	s.ready.Store(!cfg.NotReady)
	s.admission = cfg.Admission.withDefaults()
	s.searches = newGate(s.admission.Searches, s.admission.QueueWait)
	s.throttle.buckets = map[string]*rate.Limiter{}
	s.handlers = s.operations()
	maps.Copy(s.handlers, s.flowOperations())
	return s
}

// Operations returns the names of the operations the server implements.
func (s *Server) Operations() []string { return sortedKeys(s.handlers) }

// serveRequest serves one request: request id, panic recovery, body limit,
// admin paths, then routing and the operation's handler. ServeHTTP
// (observe.go) wraps it with the request's log line and metrics.
func (s *Server) serveRequest(w http.ResponseWriter, r *http.Request, info *requestInfo) {
	c := &call{r: r, requestID: info.id, info: info}
	// The key spelled as net/http canonicalises it (it writes it so on the
	// wire either way): another spelling cost an allocation a request.
	w.Header().Set("X-Amzn-Requestid", c.requestID)
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			s.log.Error("panic serving request", "request_id", c.requestID, "operation", c.op,
				"panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			writeError(w, excInternal, s.model.status(excInternal), "An internal error occurred.")
		}
	}()
	if n := headerBytes(r); n > MaxHeaderBytes {
		writeError(w, excHeadersTooLarge, status(excHeadersTooLarge),
			fmt.Sprintf("The request line and headers take %d bytes; the limit is %d.", n, MaxHeaderBytes))
		return
	}
	if r.Body != http.NoBody { // net/http's for a request without one: nothing to limit
		// A copy, as handlers must not change the Request they are given
		// (net/http's Handler contract): one allocation, for requests
		// with a body only.
		limited := *r
		limited.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
		r, c.r = &limited, &limited
	}

	if s.serveAdmin(w, c) {
		return
	}
	// Past the control plane: the Connect API. Web pages get no further
	// than guardBrowser lets them (its comment says why).
	if !s.guardBrowser(w, r) {
		return
	}
	// AWS authenticates before it routes: an unsigned call to any path
	// gets 403 MissingAuthenticationTokenException, not 404.
	if !s.authenticate(w, c) {
		return
	}
	op, labels, ok := s.router.match(r.Method, r.URL.EscapedPath())
	if !ok {
		writeError(w, excUnknownPath, status(excUnknownPath),
			fmt.Sprintf("No Amazon Connect operation matches %s %s.", r.Method, r.URL.Path))
		return
	}
	c.op, c.labels = op, labels
	if err := checkRequestText(r, labels); err != nil {
		exc, code, msg := s.model.toException(op, err)
		writeError(w, exc, code, msg)
		return
	}
	h, ok := s.handlers[op]
	if !ok {
		writeError(w, excNotImplemented, status(excNotImplemented),
			fmt.Sprintf("connectd does not implement the Amazon Connect operation %s.", op))
		return
	}
	resp, err := s.dispatch(c, h)
	if err != nil {
		exc, code, msg := s.model.toException(op, err)
		s.logFailure(c, code, err)
		writeOpError(w, err, exc, code, msg)
	} else {
		if resp == nil {
			resp = struct{}{}
		}
		s.writeOK(w, resp)
	}
	noteCall(c, err)
}

// dispatch runs an operation's handler behind the throttle, any injected
// faults, the admission gate of its class and the request deadline (see
// admission.go). Injected latency is outside the deadline: it stands for
// a slow network or service the developer asked for, however long.
func (s *Server) dispatch(c *call, h handler) (any, error) {
	if s.cfg.Throttle && !s.throttle.allow(c.owner, c.op) {
		s.observer().Throttled(c.op)
		return nil, &wireError{exc: s.model.throttleException(c.op), message: "Rate exceeded for " + c.op + "."}
	}
	client := c.r.Context()
	release, ok := s.gateFor(c.op).enter(client)
	if !ok {
		if client.Err() != nil {
			return nil, s.overloaded(client, client, c.op, client.Err())
		}
		return nil, &wireError{exc: s.model.throttleException(c.op), message: fmt.Sprintf(
			"connectd runs at most %d searches at once (--max-searches) and none came free within %v; retry later.",
			s.admission.Searches, s.admission.QueueWait)}
	}
	defer release()
	began := time.Now()
	if err := s.inject(client, c.op); err != nil {
		return nil, s.overloaded(client, client, c.op, err)
	}
	injected := time.Since(began)
	ctx := client
	if d := s.admission.RequestTimeout; d > 0 {
		// Counted from the request's arrival (less any injected latency):
		// under load, reading and verifying it took a part already.
		dc := newDeadline(client, c.info.start.Add(d+injected))
		defer dc.release()
		ctx = dc
		// c.r keeps the client's context: handlers are given ctx, and
		// a copy of the request per call cost two allocations.
	}
	resp, err := h(ctx, c)
	return resp, s.overloaded(client, ctx, c.op, err)
}

// logFailure logs a failed request by what it says about connectd: a
// client that went away is no failure of connectd's (debug), an overload
// answered with a retryable 503 is a warning (at most one line a second,
// see shedLog), any other 5xx an error.
func (s *Server) logFailure(c *call, code int, err error) {
	attrs := []any{"request_id", c.requestID, "operation", c.op, "err", err}
	switch {
	case code == statusCanceled:
		s.log.Debug("request cancelled by the client", attrs...)
	case code == http.StatusServiceUnavailable && isOverload(err):
		ok, suppressed := s.shed.allow(time.Now())
		if !ok {
			s.log.Debug("request shed: connectd is overloaded", attrs...)
			return
		}
		s.log.Warn("request shed: connectd is overloaded", append(attrs, "shed_without_a_line", suppressed)...)
	case code >= 500:
		s.log.Error("request failed", attrs...)
	}
}

// isOverload reports whether err is connectd's request deadline or a
// store too busy to take the work.
func isOverload(err error) bool {
	return errors.Is(err, errDeadline) || connectd.ErrorCode(err) == connectd.EBUSY
}

// headerBytes approximates the size of the request line and headers as sent.
func headerBytes(r *http.Request) int {
	n := len(r.Method) + len(r.RequestURI) + len(r.Proto) + 4
	for k, vs := range r.Header {
		for _, v := range vs {
			n += len(k) + len(v) + 4 // ": " and CRLF
		}
	}
	return n
}

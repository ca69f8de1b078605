package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/connectd/connectd"
)

// adminHandler serves one control-plane endpoint; like an operation's
// handler it returns a value to send as JSON with 200, or an error.
type adminHandler func(ctx context.Context, r *http.Request) (any, error)

// serveAdmin serves connectd's own endpoints under /_connectd/ (plus
// /_localstack/health, which tools that wait for LocalStack already poll).
// They are not part of the Amazon Connect API: the control plane is for
// test environments, not for untrusted networks, and Config.Admin turns
// everything but health and readiness off. Health and readiness are open
// to any probe; the rest passes guardControlPlane first. Routes match the
// path as sent (see isControlPath). It reports whether it handled the
// request.
func (s *Server) serveAdmin(w http.ResponseWriter, c *call) bool {
	r := c.r
	path := r.URL.EscapedPath()
	if !isControlPath(path) {
		return false
	}
	if path == "/_localstack/health" {
		path = "/_connectd/health"
	}
	var h adminHandler
	switch route := r.Method + " " + path; {
	case route == "GET /_connectd/health" || route == "HEAD /_connectd/health":
		s.health(w, c)
		return true
	case route == "GET /_connectd/ready" || route == "HEAD /_connectd/ready":
		s.readiness(w)
		return true
	case !s.cfg.Admin:
		writeError(w, excUnknownPath, status(excUnknownPath), "The connectd control plane is turned off (--admin=false).")
		return true
	case !s.guardControlPlane(w, c):
		return true
	default:
		h = s.adminRoutes()[route]
		if h == nil { // the routes with path parameters
			h = s.searchableAdminRoute(r.Method, path)
		}
		if h == nil {
			h = s.settingsAdminRoute(r.Method, path)
		}
		if h == nil {
			h = s.flowLogRoute(r.Method, path)
		}
	}
	if h == nil {
		writeError(w, excUnknownPath, status(excUnknownPath), "No connectd endpoint matches "+r.Method+" "+r.URL.Path+".")
		return true
	}
	resp, err := h(r.Context(), r)
	if err != nil {
		exc, code, msg := s.model.toException("", err)
		if code >= 500 {
			s.log.Error("admin request failed", "request_id", c.requestID, "path", r.URL.Path, "err", err)
		}
		writeError(w, exc, code, msg)
		return true
	}
	if resp == nil {
		resp = struct{}{}
	}
	writeJSON(w, http.StatusOK, resp)
	return true
}

// adminRoutes maps "METHOD path" to the control plane's handlers.
func (s *Server) adminRoutes() map[string]adminHandler {
	return map[string]adminHandler{
		"POST /_connectd/reset":         s.reset,
		"GET /_connectd/clock":          s.getClock,
		"PUT /_connectd/clock":          s.setClock,
		"POST /_connectd/clock/advance": s.advanceClock,
		"DELETE /_connectd/clock":       s.resetClock,
		"POST /_connectd/import":        s.importData,
		"GET /_connectd/export":         s.exportData,
		"GET /_connectd/faults":         s.getFaults,
		"PUT /_connectd/faults":         s.putFaults,
		"DELETE /_connectd/faults":      s.deleteFaults,
		"GET /_connectd/outbox":         s.outbox,
	}
}

// health answers 200 with {"Status":"running",...} when the store answers,
// and 503 with "Status":"unavailable" when it does not, so that scripts can
// wait for it with a plain HTTP check.
func (s *Server) health(w http.ResponseWriter, c *call) {
	r := c.r
	type health struct {
		Status  string `json:"Status"`
		Version string `json:"Version,omitempty"`
		Store   string `json:"Store,omitempty"`
		Error   string `json:"Error,omitempty"`
	}
	h := health{Status: "running", Version: s.cfg.Version, Store: s.cfg.StoreName}
	if s.cfg.SignedControlPlane {
		// Probes need no signature, so with --auth sigv4 they learn the
		// status and nothing else about the server.
		h.Version, h.Store = "", ""
	}
	code := http.StatusOK
	if s.cfg.Ping != nil {
		if err := s.cfg.Ping(r.Context()); err != nil {
			s.log.Error("health check: store unavailable", "request_id", c.requestID, "err", err)
			h.Status, h.Error, code = "unavailable", "The store does not answer.", http.StatusServiceUnavailable
			if connectd.ErrorCode(err) == connectd.EUNAVAILABLE {
				h.Error = connectd.ErrorMessage(err) // the store's own reason, written for users
			}
			w.Header().Set("Retry-After", retryAfterSeconds)
		}
	}
	writeJSON(w, code, h)
}

// readiness answers 200 once start-up work (such as an init file) has
// finished, 503 before.
func (s *Server) readiness(w http.ResponseWriter) {
	if !s.ready.Load() {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"Status": "starting"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"Status": "ready"})
}

// SetReady marks start-up work as finished (or not): /_connectd/ready
// answers 200 only when it is.
func (s *Server) SetReady(ready bool) { s.ready.Store(ready) }

func (s *Server) reset(ctx context.Context, r *http.Request) (any, error) {
	return nil, s.cfg.Service.Reset(ctx)
}

// decodeAdmin reads an admin request body strictly: control-plane clients
// are connectd's own tools and tests, so an unknown member is a mistake
// worth reporting rather than ignoring.
func decodeAdmin(r *http.Request, v any) error {
	body, err := readBody(r.Body)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return &wireError{exc: excSerialization, message: serializationMessage(err)} // names the member
		}
		return &wireError{exc: excSerialization, message: "The request body is not valid: " + err.Error()}
	}
	return nil
}

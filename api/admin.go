package api

import (
	"net/http"
	"strings"
)

// serveAdmin serves connectd's own endpoints under /_connectd/, which are not
// part of the Amazon Connect API and are not signed. It reports whether it
// handled the request.
func (s *Server) serveAdmin(w http.ResponseWriter, r *http.Request) bool {
	if !strings.HasPrefix(r.URL.Path, "/_connectd/") {
		return false
	}
	switch {
	case r.URL.Path == "/_connectd/health" && (r.Method == http.MethodGet || r.Method == http.MethodHead):
		s.health(w, r)
	default:
		writeError(w, excUnknownPath, status(excUnknownPath), "No connectd endpoint matches "+r.Method+" "+r.URL.Path+".")
	}
	return true
}

// health answers 200 with {"Status":"running",...} when the store answers,
// and 503 with "Status":"unavailable" when it does not, so that scripts can
// wait for readiness with a plain HTTP check.
func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	type health struct {
		Status  string `json:"Status"`
		Version string `json:"Version"`
		Store   string `json:"Store"`
		Error   string `json:"Error,omitempty"`
	}
	h := health{Status: "running", Version: s.cfg.Version, Store: s.cfg.StoreName}
	code := http.StatusOK
	if s.cfg.Ping != nil {
		if err := s.cfg.Ping(r.Context()); err != nil {
			s.log.Error("health check: store unavailable", "err", err)
			h.Status, h.Error, code = "unavailable", "The store does not answer.", http.StatusServiceUnavailable
		}
	}
	writeJSON(w, code, h)
}

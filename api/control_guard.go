package api

import (
	"mime"
	"net"
	"net/http"
	"strconv"
	"strings"
)

// Refusals of the control plane's guard. Neither is in the Connect model
// (the control plane is connectd's own); the names are the ones AWS uses for
// the same conditions elsewhere (API Gateway), so AWS SDKs and the CLI's
// error reader show them as any AWS error.
const (
	excAccessDenied     = "AccessDeniedException"
	excUnsupportedMedia = "UnsupportedMediaTypeException"
)

// controlPrefix is where connectd's own endpoints live.
const controlPrefix = "/_connectd/"

// isControlPath reports whether escapedPath (the path as sent, not decoded)
// is the control plane's. Matching the raw path is what makes a proxy rule
// that blocks "/_connectd/" sufficient: "/%5Fconnectd/reset" decodes to the
// same path, but is no control-plane path here, so it goes on to the Connect
// routes and is answered 404 (found by the issue 14 audit, where it reached
// POST /_connectd/reset and wiped the database).
func isControlPath(escapedPath string) bool {
	return strings.HasPrefix(escapedPath, controlPrefix) || escapedPath == "/_localstack/health"
}

// guardControlPlane refuses what a web page could make a browser send to the
// control plane (everything under /_connectd/ but health and readiness),
// which can read every account's data and wipe it:
//
//   - a Host that is not a loopback name, an IP literal or one of
//     Config.AdminHosts: DNS rebinding points a name the attacker owns at
//     127.0.0.1, and the browser then sends that name as Host;
//   - a CORS preflight (OPTIONS): connectd never allows another origin, and
//     it sends no Access-Control-Allow-Origin on these paths, so a page can
//     neither read an answer nor pass a preflight;
//   - a request that changes something without Content-Type
//     application/json: a page can send text/plain or a form across origins
//     without a preflight, but not application/json;
//   - under --auth sigv4 (Config.SignedControlPlane), a request without a
//     valid signature by a key of the credentials file.
//
// It reports false after writing the refusal.
func (s *Server) guardControlPlane(w http.ResponseWriter, c *call) bool {
	r := c.r
	if !s.allowedHost(r.Host) {
		writeError(w, excAccessDenied, http.StatusForbidden,
			"The connectd control plane answers only requests addressed to localhost, an IP address or a name given to --admin-hosts; Host "+quoteHost(r.Host)+" is none of them.")
		return false
	}
	if r.Method == http.MethodOptions {
		writeError(w, excAccessDenied, http.StatusForbidden,
			"The connectd control plane does not answer CORS preflight requests: web pages may not call it.")
		return false
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || mt != "application/json" {
			writeError(w, excUnsupportedMedia, http.StatusUnsupportedMediaType,
				"A "+r.Method+" to the connectd control plane needs Content-Type: application/json.")
			return false
		}
	}
	if s.cfg.SignedControlPlane {
		return s.authenticate(w, c)
	}
	return true
}

// allowedHost reports whether host (a Host header, port included) may
// address the control plane.
func (s *Server) allowedHost(host string) bool {
	name := host
	if h, _, err := net.SplitHostPort(host); err == nil {
		name = h
	}
	name = strings.TrimSuffix(strings.ToLower(strings.Trim(name, "[]")), ".")
	switch {
	case name == "":
		return false
	case name == "localhost" || strings.HasSuffix(name, ".localhost"):
		return true // RFC 6761: always loopback
	case net.ParseIP(name) != nil:
		return true // an IP literal cannot be rebound
	}
	for _, allowed := range s.cfg.AdminHosts {
		if strings.EqualFold(strings.TrimSuffix(allowed, "."), name) {
			return true
		}
	}
	return false
}

func quoteHost(h string) string {
	if h == "" {
		return "(none)"
	}
	return strconv.Quote(h)
}

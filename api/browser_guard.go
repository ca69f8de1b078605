package api

import (
	"net/http"
	"net/url"
	"strings"
)

// fromBrowser reports whether r was sent by a web browser. Browsers add
// Origin to every cross-origin request and to same-origin ones that are
// not GET or HEAD, and current ones add Sec-Fetch-Site to every request
// (Fetch Metadata); the AWS SDKs, the AWS CLI and curl send neither.
func fromBrowser(r *http.Request) bool {
	return r.Header.Get("Origin") != "" || r.Header.Get("Sec-Fetch-Site") != ""
}

// guardBrowser stands in for the signature a browser page cannot forge,
// when there is none to check. With --auth none (Config.Auth nil) anyone
// who can make a request can read and change every account's data, so a
// web page the developer happens to open must not be able to make one:
//
//   - a browser request whose Origin is not a loopback origin or one of
//     Config.AllowedOrigins is refused (a page can send text/plain POSTs
//     across origins without a preflight, and would change data even
//     though it could not read the answer);
//   - a browser request whose Host is not a loopback name, an IP literal or
//     one of Config.AdminHosts is refused (DNS rebinding: the page and the
//     request share the attacker's origin, so only the Host tells).
//
// Requests from SDKs and other programs carry neither header and pass, so
// a compose service reaching connectd by name needs no flag. Under
// --auth sigv4 this guard is off: a page has no secret key to sign with,
// and real Connect answers signed browser requests from any origin.
//
// It reports false after writing the refusal; otherwise it sets the
// Access-Control-Allow-Origin header real Connect sends.
func (s *Server) guardBrowser(w http.ResponseWriter, r *http.Request) bool {
	if s.cfg.Auth != nil || !fromBrowser(r) {
		// Real Connect sends this on every response (terraform-provider-aws
		// #41118 debug log); browser-based agent desktops rely on it.
		w.Header().Set("Access-Control-Allow-Origin", "*")
		return true
	}
	origin := r.Header.Get("Origin")
	if origin != "" && !s.allowedOrigin(origin) {
		writeError(w, excAccessDenied, http.StatusForbidden,
			"connectd runs with --auth none, so it answers web pages only from loopback origins or an origin given to --allowed-origins; Origin "+quoteHost(origin)+" is none of them.")
		return false
	}
	if !s.allowedHost(r.Host) {
		writeError(w, excAccessDenied, http.StatusForbidden,
			"connectd runs with --auth none, so it answers web pages only when addressed to localhost, an IP address or a name given to --admin-hosts; Host "+quoteHost(r.Host)+" is none of them.")
		return false
	}
	if origin != "" {
		w.Header().Set("Access-Control-Allow-Origin", origin)
		w.Header().Add("Vary", "Origin")
	}
	return true
}

// allowedOrigin reports whether a page of origin (scheme://host[:port])
// may call the Connect API of a server that verifies no signature: pages
// served from this machine's loopback names, and Config.AllowedOrigins.
// "null" (sandboxed frames, file: pages) is never allowed.
func (s *Server) allowedOrigin(origin string) bool {
	for _, allowed := range s.cfg.AllowedOrigins {
		if strings.EqualFold(strings.TrimSuffix(allowed, "/"), origin) {
			return true
		}
	}
	u, err := url.Parse(origin)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return false
	}
	name := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	return name == "localhost" || strings.HasSuffix(name, ".localhost") ||
		name == "127.0.0.1" || name == "::1"
}

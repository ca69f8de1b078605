package api_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/connectd/connectd/api"
)

// send sends method path with body and the given headers ("Host" sets the
// Host header), as a browser or another client could; the test server's
// own helpers add what connectd's tools add.
func (s *testServer) send(t *testing.T, method, path, body string, headers map[string]string) rawResponse {
	t.Helper()
	req, err := http.NewRequest(method, s.url+path, bytes.NewBufferString(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		if k == "Host" {
			req.Host = v
		} else {
			req.Header.Set(k, v)
		}
	}
	return s.do(t, req)
}

// instanceCount is how many instances the test client's account has.
func (s *testServer) instanceCount(t *testing.T) int {
	t.Helper()
	out, err := s.client.ListInstances(context.Background(), &connect.ListInstancesInput{})
	if err != nil {
		t.Fatal(err)
	}
	return len(out.InstanceSummaryList)
}

// TestControlPlaneSendsNoCORS: a page on another origin can read no answer of
// the control plane, while the Connect API keeps the header real Connect
// sends.
func TestControlPlaneSendsNoCORS(t *testing.T) {
	s := newServer(t)
	s.newInstance(t)
	for _, path := range []string{"/_connectd/export", "/_connectd/clock", "/_connectd/health", "/_connectd/ready", "/_connectd/nope"} {
		r := s.send(t, "GET", path, "", map[string]string{"Origin": "http://evil.example"})
		if got := r.header.Get("Access-Control-Allow-Origin"); got != "" {
			t.Errorf("GET %s: Access-Control-Allow-Origin %q, want none", path, got)
		}
	}
	if got := s.raw(t, "GET", "/instance", "").header.Get("Access-Control-Allow-Origin"); got != "*" {
		t.Errorf("Connect API: Access-Control-Allow-Origin %q, want *", got)
	}
}

// TestControlPlaneChangesNeedJSON: what a page can send across origins
// without a preflight (text/plain, a form, no content type) changes nothing.
func TestControlPlaneChangesNeedJSON(t *testing.T) {
	s := newServer(t)
	s.newInstance(t)
	for _, ct := range []string{"", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonp"} {
		h := map[string]string{"Origin": "http://evil.example"}
		if ct != "" {
			h["Content-Type"] = ct
		}
		r := s.send(t, "POST", "/_connectd/reset", "{}", h)
		wantWireError(t, r, 415, "UnsupportedMediaTypeException")
		r = s.send(t, "POST", "/_connectd/clock/advance", `{"Seconds":86400}`, h)
		wantWireError(t, r, 415, "UnsupportedMediaTypeException")
	}
	if n := s.instanceCount(t); n != 1 {
		t.Fatalf("refused resets changed the data: %d instances", n)
	}
	if !s.clock.Now().Equal(start) {
		t.Fatalf("refused advance moved the clock to %v", s.clock.Now())
	}
	// With parameters, as browsers' fetch sends it, it is fine.
	if r := s.send(t, "POST", "/_connectd/reset", "", map[string]string{"Content-Type": "application/json; charset=utf-8"}); r.status != 200 {
		t.Fatalf("reset with application/json: %d %s", r.status, r.body)
	}
	if n := s.instanceCount(t); n != 0 {
		t.Fatalf("reset left %d instances", n)
	}
}

// TestControlPlaneRefusesPreflight: a CORS preflight gets no permission.
func TestControlPlaneRefusesPreflight(t *testing.T) {
	s := newServer(t)
	r := s.send(t, "OPTIONS", "/_connectd/reset", "", map[string]string{
		"Origin": "http://evil.example", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type",
	})
	wantWireError(t, r, 403, "AccessDeniedException")
	for k := range r.header {
		if strings.HasPrefix(k, "Access-Control-") {
			t.Errorf("preflight answer carries %s", k)
		}
	}
}

// TestControlPlaneChecksHost: DNS rebinding makes a browser send the
// attacker's name as Host; only loopback names, IP literals and names
// given in Config.AdminHosts reach the control plane. Probes are not
// checked.
func TestControlPlaneChecksHost(t *testing.T) {
	s := newServer(t, func(c *api.Config) { c.AdminHosts = []string{"connectd"} })
	s.newInstance(t)
	for _, host := range []string{"evil.example", "evil.example:4566", "localhost.evil.example", "127.0.0.1.nip.io", "connectd.evil.example"} {
		wantWireError(t, s.send(t, "GET", "/_connectd/export", "", map[string]string{"Host": host}), 403, "AccessDeniedException")
		r := s.send(t, "POST", "/_connectd/reset", "", map[string]string{"Host": host, "Content-Type": "application/json"})
		wantWireError(t, r, 403, "AccessDeniedException")
		for _, probe := range []string{"/_connectd/health", "/_connectd/ready", "/_localstack/health"} {
			if r := s.send(t, "GET", probe, "", map[string]string{"Host": host}); r.status != 200 {
				t.Errorf("GET %s with Host %s: %d, want 200", probe, host, r.status)
			}
		}
	}
	if n := s.instanceCount(t); n != 1 {
		t.Fatalf("refused resets changed the data: %d instances", n)
	}
	for _, host := range []string{"localhost", "localhost:4566", "LOCALHOST.", "app.localhost:80", "127.0.0.1:4566", "10.1.2.3", "[::1]:4566", "connectd:4566", "CONNECTD"} {
		if r := s.send(t, "GET", "/_connectd/export", "", map[string]string{"Host": host}); r.status != 200 {
			t.Errorf("GET /_connectd/export with Host %s: %d %s, want 200", host, r.status, r.body)
		}
	}
}

// TestEscapedControlPathIsNoWayIn: a proxy rule that blocks /_connectd/ must
// be enough, so an escaped spelling of the path reaches nothing.
func TestEscapedControlPathIsNoWayIn(t *testing.T) {
	s := newServer(t)
	s.newInstance(t)
	for _, path := range []string{"/%5Fconnectd/reset", "/%5fconnectd/reset", "/_connectd/%72eset", "/%5Fconnectd%2Freset", "/_connectd%2Freset"} {
		r := s.raw(t, "POST", path, "")
		wantWireError(t, r, 404, "UnknownOperationException")
	}
	if n := s.instanceCount(t); n != 1 {
		t.Fatalf("an escaped path reset the data: %d instances", n)
	}
	r := s.raw(t, "GET", "/%5Fconnectd/export", "")
	wantWireError(t, r, 404, "UnknownOperationException")
}

package api_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/connectd/connectd/api"
)

// createInstanceBody is CreateInstance's body, sent the way a page can send
// it across origins without a preflight: as text/plain.
const createInstanceBody = `{"IdentityManagementType":"CONNECT_MANAGED","InstanceAlias":"from-a-page","InboundCallsEnabled":true,"OutboundCallsEnabled":true}`

// TestAPIRefusesForeignPagesWithoutAuth: under --auth none a page on
// another site can neither read (ListInstances) nor change (a text/plain
// CreateInstance, which needs no preflight) anything, and DNS rebinding
// (same origin, the attacker's Host) gets no further.
func TestAPIRefusesForeignPagesWithoutAuth(t *testing.T) {
	s := newServer(t)
	s.newInstance(t)
	refused := []map[string]string{
		{"Origin": "http://evil.example"},
		{"Origin": "https://localhost.evil.example"},
		{"Origin": "null"},
		{"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"},
		{"Sec-Fetch-Site": "same-origin", "Host": "rebound.evil.example:4566"},
		{"Origin": "http://rebound.evil.example:4566", "Host": "rebound.evil.example:4566"},
	}
	for _, h := range refused {
		r := s.send(t, "GET", "/instance", "", h)
		wantWireError(t, r, http.StatusForbidden, "AccessDeniedException")
		if got := r.header.Get("Access-Control-Allow-Origin"); got != "" {
			t.Errorf("%v: Access-Control-Allow-Origin %q on a refusal", h, got)
		}
		post := map[string]string{"Content-Type": "text/plain"}
		for k, v := range h {
			post[k] = v
		}
		wantWireError(t, s.send(t, "PUT", "/instance", createInstanceBody, post), http.StatusForbidden, "AccessDeniedException")
	}
	if n := s.instanceCount(t); n != 1 {
		t.Fatalf("refused page requests changed the data: %d instances, want 1", n)
	}
}

// TestAPIAnswersLocalPagesAndPrograms: pages served from loopback (an agent
// desktop in development), origins given to --allowed-origins, and every
// program that is not a browser (an SDK in a compose service reaching
// connectd by name) are served as before.
func TestAPIAnswersLocalPagesAndPrograms(t *testing.T) {
	s := newServer(t, func(c *api.Config) { c.AllowedOrigins = []string{"https://desk.example:8443"} })
	for _, origin := range []string{"http://localhost:3000", "http://127.0.0.1:5173", "http://[::1]:8080", "https://app.localhost", "https://desk.example:8443"} {
		r := s.send(t, "GET", "/instance", "", map[string]string{"Origin": origin, "Sec-Fetch-Site": "cross-site"})
		if r.status != http.StatusOK {
			t.Errorf("Origin %s: %d %s, want 200", origin, r.status, r.body)
		}
		if got := r.header.Get("Access-Control-Allow-Origin"); got != origin {
			t.Errorf("Origin %s: Access-Control-Allow-Origin %q, want the origin", origin, got)
		}
	}
	r := s.send(t, "GET", "/instance", "", map[string]string{"Host": "connectd:4566"})
	if r.status != http.StatusOK || r.header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("program with Host connectd: %d, ACAO %q; want 200 and *", r.status, r.header.Get("Access-Control-Allow-Origin"))
	}
}

// TestAPIBrowserGuardOffUnderSigV4: with signatures verified, a page has no
// key to sign with, and real Connect answers signed requests from any
// origin; so the guard steps aside and the signature decides.
func TestAPIBrowserGuardOffUnderSigV4(t *testing.T) {
	s := sigv4Server(t)
	wantWireError(t, s.send(t, "GET", "/instance", "", map[string]string{"Origin": "http://evil.example"}),
		http.StatusForbidden, "MissingAuthenticationTokenException")
	_, err := s.client.ListInstances(context.Background(), &connect.ListInstancesInput{MaxResults: aws.Int32(5)},
		func(o *connect.Options) {
			o.APIOptions = append(o.APIOptions, addHeader("Origin", "https://evil.example"))
		})
	if err != nil {
		t.Fatalf("signed request with an Origin: %v", err)
	}
}

// addHeader is an SDK option that sets header k to v on the request before
// it is signed, as a browser adds Origin to an SDK's request.
func addHeader(k, v string) func(*middleware.Stack) error {
	return func(st *middleware.Stack) error {
		return st.Build.Add(middleware.BuildMiddlewareFunc("connectdTestHeader",
			func(ctx context.Context, in middleware.BuildInput, next middleware.BuildHandler) (middleware.BuildOutput, middleware.Metadata, error) {
				if req, ok := in.Request.(*smithyhttp.Request); ok {
					req.Header.Set(k, v)
				}
				return next.HandleBuild(ctx, in)
			}), middleware.After)
	}
}

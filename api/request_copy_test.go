package api_test

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/api"
)

// TestServeHTTPLeavesTheRequest: the server limits and re-reads a body on
// its own copy of the request, so a handler that wraps it (a middleware, a
// test) finds its Request as it gave it (net/http: "handlers should not
// modify the provided Request").
func TestServeHTTPLeavesTheRequest(t *testing.T) {
	h := api.New(api.Config{Service: connectd.NewService(nopPort{}, connectd.SystemClock{}), Logger: slog.New(slog.DiscardHandler), Region: "us-east-1"})
	for _, method := range []string{"POST", "GET"} {
		var body io.Reader
		if method == "POST" {
			body = strings.NewReader(`{"InstanceId":"i","InitialContactId":"c","Attributes":{"k":"v"}}`)
		}
		req := httptest.NewRequest(method, "http://localhost/contact/attributes", body)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20261202/us-east-1/connect/aws4_request, SignedHeaders=host, Signature=00")
		orig, ctx := req.Body, req.Context()
		h.ServeHTTP(httptest.NewRecorder(), req)
		if req.Body != orig || req.Context() != ctx {
			t.Errorf("%s: ServeHTTP changed the request's Body or context", method)
		}
	}
}

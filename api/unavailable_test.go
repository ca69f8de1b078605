package api_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/api"
)

// TestStoreUnavailableIs503: a store that cannot serve (down, failing
// over, read-only) answers 503 ServiceUnavailableException with
// Retry-After, which every AWS SDK's standard retryer retries, and so does
// the health check; never a 500.
func TestStoreUnavailableIs503(t *testing.T) {
	clock := connectd.NewManualClock(time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC))
	h := api.New(api.Config{
		Service: connectd.NewService(unavailablePort{}, clock), Clock: clock, Region: "us-east-1", StoreName: "postgres",
		Ping: func(context.Context) error {
			return connectd.Errorf(connectd.EUNAVAILABLE, "The database is unavailable.")
		},
	})
	for _, tc := range []struct{ method, path, body string }{
		{"POST", "/contact/attributes", `{"InstanceId":"i","InitialContactId":"c","Attributes":{"k":"v"}}`},
		{"GET", "/contact/attributes/i/c", ""},
		{"GET", "/_connectd/health", ""},
	} {
		req := httptest.NewRequest(tc.method, tc.path, strings.NewReader(tc.body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") != "1" {
			t.Errorf("%s %s: %d, Retry-After %q; want 503 with Retry-After 1", tc.method, tc.path, rec.Code, rec.Header().Get("Retry-After"))
		}
		if !strings.HasPrefix(tc.path, "/_connectd") && rec.Header().Get("X-Amzn-ErrorType") != "ServiceUnavailableException" {
			t.Errorf("%s %s: X-Amzn-ErrorType %q, want ServiceUnavailableException", tc.method, tc.path, rec.Header().Get("X-Amzn-ErrorType"))
		}
	}
}

// unavailablePort fails every unit of work with a wrapped EUNAVAILABLE.
type unavailablePort struct{}

func (unavailablePort) Update(context.Context, string, func(connectd.Tx) error) error {
	return unavailableErr()
}
func (unavailablePort) View(context.Context, string, func(connectd.Tx) error) error {
	return unavailableErr()
}

func unavailableErr() error {
	return errors.Join(errors.New("postgres: connection refused"), connectd.Errorf(connectd.EUNAVAILABLE, "The database is unavailable."))
}

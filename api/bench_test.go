package api_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/connectd/connectd"
	"github.com/connectd/connectd/api"
	"github.com/connectd/connectd/internal/auth"
	"github.com/connectd/connectd/sigv4"
)

// nopPort is a store whose units of work do nothing, so that a benchmark
// measures the HTTP layer (and the call into the Service) alone.
type nopPort struct{}

func (nopPort) Update(context.Context, string, func(connectd.Tx) error) error { return nil }
func (nopPort) View(context.Context, string, func(connectd.Tx) error) error   { return nil }

// chainPort is nopPort whose reads find one chain of 10 attributes, for
// GetContactAttributes.
type chainPort struct {
	nopPort
	m connectd.Attributes
}

func (p chainPort) View(_ context.Context, _ string, f func(connectd.Tx) error) error {
	return f(chainTx{m: p.m})
}

// chainTx answers ChainOf only; the Get path calls nothing else when the
// chain is found. The embedded nil Tx panics on any other call.
type chainTx struct {
	connectd.Tx
	m connectd.Attributes
}

func (t chainTx) ChainOf(_ context.Context, _ connectd.Owner, _, id string) (string, connectd.Attributes, bool, error) {
	return id, t.m, true, nil
}

// benchAttributes are the 10 attributes the load generator sends.
func benchAttributes() map[string]string {
	attrs := map[string]string{}
	for k := range 10 {
		attrs[fmt.Sprintf("key%02d", k)] = fmt.Sprintf("value-%d", k)
	}
	return attrs
}

const (
	benchInstance = "4f2a3c1e-0000-4000-8000-000000000001"
	benchContact  = "9b1d2e3f-0000-4000-8000-000000000002"
)

// BenchmarkUpdateContactAttributes is the HTTP layer's share of an
// UpdateContactAttributes request as the load generator sends it (10
// attributes): routing, reading, decoding and validating the body, the
// response; with sigv4, also verifying the SDK's signature (the signing key
// cached, as under load). The store is left out (see the sqlite package's
// BenchmarkUpdateAttributes).
func BenchmarkUpdateContactAttributes(b *testing.B) {
	body, _ := json.Marshal(map[string]any{"InstanceId": benchInstance, "InitialContactId": benchContact, "Attributes": benchAttributes()})
	benchOperation(b, nopPort{}, http.MethodPost, "/contact/attributes", body)
}

// BenchmarkGetContactAttributes is the same for GetContactAttributes of a
// chain of 10 attributes: its two URI labels bound, the map encoded.
func BenchmarkGetContactAttributes(b *testing.B) {
	benchOperation(b, chainPort{m: benchAttributes()}, http.MethodGet, "/contact/attributes/"+benchInstance+"/"+benchContact, nil)
}

// benchOperation serves one signed request over port again and again, under
// each auth mode.
func benchOperation(b *testing.B, port connectd.Port, method, path string, body []byte) {
	for _, mode := range []string{"none", "sigv4"} {
		b.Run("auth="+mode, func(b *testing.B) {
			log := slog.New(slog.DiscardHandler)
			var creds []sigv4.Credential
			if mode == "sigv4" {
				creds = []sigv4.Credential{{AccessKeyId: "AKIDBENCH", SecretAccessKey: "bench-secret"}}
			}
			authn, err := auth.New(mode, creds, 15*time.Minute, "us-east-1")
			if err != nil {
				b.Fatal(err)
			}
			h := api.New(api.Config{Service: connectd.NewService(port, connectd.SystemClock{}), Logger: log, Region: "us-east-1", Auth: authn})
			req := httptest.NewRequest(method, "http://connect.us-east-1.amazonaws.com"+path, nil)
			if body != nil {
				req.Header.Set("Content-Type", "application/json")
			}
			sum := sha256.Sum256(body)
			cred := aws.Credentials{AccessKeyID: "AKIDBENCH", SecretAccessKey: "bench-secret"}
			if err := v4.NewSigner().SignHTTP(b.Context(), cred, req, hex.EncodeToString(sum[:]), "connect", "us-east-1", time.Now()); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				r := req.Clone(req.Context())
				r.Body = http.NoBody // as net/http's server gives a request without a body
				if body != nil {
					r.Body = io.NopCloser(bytes.NewReader(body))
				}
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				if w.Code != http.StatusOK {
					b.Fatalf("status %d: %s", w.Code, w.Body)
				}
			}
		})
	}
}

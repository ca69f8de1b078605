package sigv4_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/connectd/connectd/sigv4"
)

var (
	t0          = time.Date(2024, 1, 1, 0, 10, 0, 0, time.UTC)
	connectCred = sigv4.Credential{AccessKeyId: "AKIDCONNECT", SecretAccessKey: "wJalr/+=secret", AccountId: "123456789012"}
	tokenCred   = sigv4.Credential{AccessKeyId: "ASIATOKEN", SecretAccessKey: "token-secret", SessionToken: "FwoGZXIvYXdzE//token+/="}
)

func at(t time.Time) func() time.Time { return func() time.Time { return t } }

func newVerifier(now time.Time) *sigv4.Verifier {
	return sigv4.NewVerifier([]sigv4.Credential{connectCred, tokenCred}, sigv4.Options{Now: at(now)})
}

func sdkCreds(c sigv4.Credential) aws.Credentials {
	return aws.Credentials{AccessKeyID: c.AccessKeyId, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken}
}

func hashHex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// clientRequest builds a request the way an SDK client holds it before
// sending, signed by aws-sdk-go-v2's signer: the oracle.
func clientRequest(t testing.TB, method, url string, body []byte, hdr http.Header, c sigv4.Credential, service, region string, when time.Time) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	if err := v4.NewSigner().SignHTTP(context.Background(), sdkCreds(c), req, hashHex(body), service, region, when); err != nil {
		t.Fatal(err)
	}
	return req
}

// wireBytes serialises a client request as it travels.
func wireBytes(t testing.TB, req *http.Request, body []byte) string {
	t.Helper()
	req.Body = io.NopCloser(bytes.NewReader(body))
	var b bytes.Buffer
	if err := req.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// serverRequest parses wire bytes as net/http's server does.
func serverRequest(t testing.TB, wire string) (*http.Request, []byte) {
	t.Helper()
	r, err := http.ReadRequest(bufio.NewReader(strings.NewReader(wire)))
	if err != nil {
		t.Fatalf("ReadRequest: %v\n%s", err, wire)
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	return r, body
}

// signedWire is the common case: an SDK-signed request as the server sees it.
func signedWire(t testing.TB, method, url string, body []byte, c sigv4.Credential) (*http.Request, []byte, string) {
	t.Helper()
	hdr := http.Header{"Content-Type": {"application/json"}}
	wire := wireBytes(t, clientRequest(t, method, url, body, hdr, c, "connect", "eu-west-2", t0), body)
	r, b := serverRequest(t, wire)
	return r, b, wire
}

func kindOf(t testing.TB, err error) sigv4.Kind {
	t.Helper()
	if err == nil {
		return 0
	}
	var e *sigv4.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v is %T, not *sigv4.Error", err, err)
	}
	return e.Kind
}

func wantKind(t testing.TB, err error, want sigv4.Kind, msgPart string) {
	t.Helper()
	if got := kindOf(t, err); got != want {
		t.Fatalf("kind = %v (%v), want %v", got, err, want)
	}
	if err != nil && !strings.Contains(err.(*sigv4.Error).Message, msgPart) {
		t.Fatalf("message %q does not contain %q", err.(*sigv4.Error).Message, msgPart)
	}
}

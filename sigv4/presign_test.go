package sigv4_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/connectd/connectd/sigv4"
)

// presigned returns the wire form of a request presigned by the SDK at t0.
func presigned(t *testing.T, url string, hdr http.Header, payloadHash string, c sigv4.Credential) string {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	signedURL, signedHdr, err := v4.NewSigner().PresignHTTP(context.Background(), sdkCreds(c), req, payloadHash, "connect", "us-west-2", t0)
	if err != nil {
		t.Fatal(err)
	}
	out, err := http.NewRequest("GET", signedURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range signedHdr {
		if k != "Host" {
			out.Header[k] = v
		}
	}
	return wireBytes(t, out, nil)
}

func TestPresigned(t *testing.T) {
	for _, cred := range []sigv4.Credential{connectCred, tokenCred} {
		wire := presigned(t, "http://connect.example/contact/attributes/i%20x/c?X-Amz-Expires=300&a=1&a=0&sp%20ace=%2B", nil, hashHex(nil), cred)
		if strings.Contains(wire, "Authorization") || !strings.Contains(wire, "X-Amz-Signature=") {
			t.Fatalf("not a presigned request:\n%s", wire)
		}
		check := func(now time.Time, w string, kind sigv4.Kind, msg string) {
			t.Helper()
			r, b := serverRequest(t, w)
			res, err := newVerifier(now).Verify(r, b)
			wantKind(t, err, kind, msg)
			if err == nil && (res.AccessKeyId != cred.AccessKeyId || res.Region != "us-west-2") {
				t.Fatalf("result %+v", res)
			}
		}
		check(t0, wire, 0, "")
		check(t0.Add(300*time.Second), wire, 0, "")
		check(t0.Add(301*time.Second), wire, sigv4.KindInvalid, "Signature expired: 20240101T001500Z is now earlier than 20240101T001501Z (20240101T001000Z + 300 sec.)")
		check(t0.Add(-15*time.Minute-time.Second), wire, sigv4.KindInvalid, "not yet current")
		for _, tm := range tampers(wire, false) {
			if tm.what == "header value" {
				continue // no custom header in this request
			}
			check(t0, tm.wire, sigv4.KindInvalid, "")
		}
		if cred.SessionToken != "" {
			check(t0, strings.Replace(wire, "X-Amz-Security-Token=", "X-Amz-Security-Token=x", 1), sigv4.KindInvalid, "security token")
		}
	}
}

func TestPresignedWithoutExpiresUsesSkewWindow(t *testing.T) {
	wire := presigned(t, "http://connect.example/contact/attributes/i/c", nil, hashHex(nil), connectCred)
	r, b := serverRequest(t, wire)
	if _, err := newVerifier(t0.Add(15*time.Minute)).Verify(r, b); err != nil {
		t.Fatal(err)
	}
	_, err := newVerifier(t0.Add(15*time.Minute+time.Second)).Verify(r, b)
	wantKind(t, err, sigv4.KindInvalid, "Signature expired")
}

func TestPresignedUnsignedPayload(t *testing.T) {
	hdr := http.Header{"X-Amz-Content-Sha256": {"UNSIGNED-PAYLOAD"}}
	wire := presigned(t, "http://connect.example/contact/attributes/i/c", hdr, "UNSIGNED-PAYLOAD", connectCred)
	r, _ := serverRequest(t, wire)
	if _, err := newVerifier(t0).Verify(r, []byte("any body at all")); err != nil {
		t.Fatal(err)
	}
}

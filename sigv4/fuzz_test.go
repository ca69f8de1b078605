package sigv4_test

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/connectd/connectd/sigv4"
)

func FuzzParseAuthorization(f *testing.F) {
	f.Add(goodAuth)
	f.Add("AWS4-HMAC-SHA256 Credential=a/20240101/r/s/aws4_request,SignedHeaders=host,Signature=" + strings.Repeat("0", 64))
	f.Add("AWS4-HMAC-SHA256 ,,,=,Credential=,")
	f.Fuzz(func(t *testing.T, h string) {
		a, err := sigv4.ParseAuthorization(h)
		if err != nil {
			if kindOf(t, err) != sigv4.KindIncomplete {
				t.Fatalf("kind %v", err)
			}
			return
		}
		// What parses is well formed ...
		if a.AccessKeyId == "" || len(a.Date) != 8 || a.Service == "" || len(a.Signature) != 64 ||
			!slices.Contains(a.SignedHeaders, "host") || strings.Contains(a.AccessKeyId, "/") {
			t.Fatalf("accepted %q as %+v", h, a)
		}
		// ... and survives a round trip through the SDK's layout.
		again := "AWS4-HMAC-SHA256 Credential=" + a.AccessKeyId + "/" + a.Date + "/" + a.Region + "/" + a.Service + "/" +
			credentialTerminator(h) + ", SignedHeaders=" + strings.Join(a.SignedHeaders, ";") + ", Signature=" + a.Signature
		b, err := sigv4.ParseAuthorization(again)
		if err != nil || b.AccessKeyId != a.AccessKeyId || b.Region != a.Region || !slices.Equal(b.SignedHeaders, a.SignedHeaders) {
			t.Fatalf("re-parse of %q: %+v, %v", again, b, err)
		}
	})
}

// credentialTerminator digs the fifth scope element out of a header that
// parsed, since Authorization does not expose it.
func credentialTerminator(h string) string {
	for _, part := range strings.Split(h, ",") {
		part = strings.TrimSpace(part)
		if i := strings.Index(part, "Credential="); i >= 0 {
			scope := part[i+len("Credential="):]
			return scope[strings.LastIndexByte(scope, '/')+1:]
		}
	}
	return ""
}

// validHeaderValue is what net/http will put on the wire unchanged.
func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

func FuzzVerify(f *testing.F) {
	f.Add("/contact/attributes/i/c", "a=1&b=2", "v", []byte(`{"Attributes":{}}`))
	f.Add("/a%20b/ü", "x=%2B&x=+&y", "  a   b  ", []byte{})
	f.Add("", ";=&%zz", "\t", []byte{0, 1, 2})
	methods := []string{"GET", "POST", "PUT", "DELETE"}
	f.Fuzz(func(t *testing.T, path, query, hval string, body []byte) {
		v := newVerifier(t0)
		u := &url.URL{Scheme: "http", Host: "connect.example:8443", Path: "/" + strings.TrimPrefix(path, "/"), RawQuery: query}
		req, err := http.NewRequest(methods[len(body)%4], u.String(), bytes.NewReader(body))
		if err != nil {
			return
		}
		// Random values where they cannot crash anything important: a
		// garbage Authorization or X-Amz-Date must only ever yield an *Error.
		for _, h := range []string{"Authorization", "X-Amz-Date"} {
			g := req.Clone(req.Context())
			g.Header.Set("Authorization", goodAuth)
			g.Header.Set("X-Amz-Date", "20240101T001000Z")
			g.Header.Set(h, hval)
			if _, err := v.Verify(g, body); err == nil {
				t.Fatalf("garbage %s %q verified", h, hval)
			} else {
				kindOf(t, err)
			}
		}
		g := req.Clone(req.Context())
		g.URL.RawQuery = query + "&X-Amz-Credential=" + url.QueryEscape(hval)
		if _, err := v.Verify(g, body); err == nil {
			t.Fatal("garbage presigned query verified")
		}

		hdr := http.Header{"Content-Type": {"application/json"}}
		if validHeaderValue(hval) {
			hdr["X-Fuzz"] = []string{hval}
		}
		signed := clientRequest(t, req.Method, u.String(), body, hdr, connectCred, "connect", "us-east-1", t0)
		q, _ := url.ParseQuery(signed.URL.RawQuery)
		if q.Has("X-Amz-Algorithm") || q.Has("X-Amz-Credential") || q.Has("X-Amz-Signature") || q.Has("X-Amz-SignedHeaders") {
			// Header and presigned parameters at once: refused as ambiguous.
			if _, err := v.Verify(signed, body); kindOf(t, err) != sigv4.KindIncomplete {
				t.Fatalf("header auth with presigned query parameters: %v", err)
			}
			return
		}
		if _, err := v.Verify(signed, body); err != nil {
			t.Fatalf("SDK-signed request (in memory) failed: %v\npath %q query %q", err, signed.URL.EscapedPath(), signed.URL.RawQuery)
		}
		signed.Body = io.NopCloser(bytes.NewReader(body))
		var wire bytes.Buffer
		if err := signed.Write(&wire); err != nil {
			return
		}
		r, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(wire.Bytes())))
		if err != nil {
			return // not something a Go server would accept either
		}
		got, _ := io.ReadAll(r.Body)
		if _, err := v.Verify(r, got); err != nil {
			t.Fatalf("SDK-signed request (wire) failed: %v\n%q", err, wire.String())
		}
		if len(got) > 0 {
			got[0] ^= 1
			if _, err := v.Verify(r, got); kindOf(t, err) != sigv4.KindInvalid {
				t.Fatalf("altered body: %v", err)
			}
		}
	})
}

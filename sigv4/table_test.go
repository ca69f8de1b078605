package sigv4_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/connectd/connectd/sigv4"
)

const goodAuth = "AWS4-HMAC-SHA256 Credential=AKIDCONNECT/20240101/eu-west-2/connect/aws4_request, " +
	"SignedHeaders=content-type;host;x-amz-date, Signature=" +
	"5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"

func TestVerifyRejects(t *testing.T) {
	body := []byte(`{"a":1}`)
	setAuth := func(h string) func(*http.Request) {
		return func(r *http.Request) { r.Header.Set("Authorization", h) }
	}
	replaceAuth := func(old, new string) func(*http.Request) {
		return func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), old, new, 1))
		}
	}
	setQuery := func(q string) func(*http.Request) {
		return func(r *http.Request) { r.Header.Del("Authorization"); r.URL.RawQuery = q }
	}
	const presign = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDCONNECT%2F20240101%2Feu-west-2%2Fconnect%2Faws4_request" +
		"&X-Amz-Date=20240101T001000Z&X-Amz-SignedHeaders=host&X-Amz-Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
	cases := []struct {
		name   string
		mutate func(*http.Request)
		kind   sigv4.Kind
		msg    string
	}{
		{"no authorization", func(r *http.Request) { r.Header.Del("Authorization") }, sigv4.KindMissing, "Missing Authentication Token"},
		{"empty authorization", setAuth(""), sigv4.KindIncomplete, "algorithm"},
		{"bearer", setAuth("Bearer abc"), sigv4.KindIncomplete, "Unsupported AWS 'algorithm': 'Bearer'"},
		{"sigv2-ish", setAuth("AWS AKID:sig"), sigv4.KindIncomplete, "algorithm"},
		{"wrong algorithm", replaceAuth("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512"), sigv4.KindIncomplete, "algorithm"},
		{"algorithm only", setAuth("AWS4-HMAC-SHA256"), sigv4.KindIncomplete, "requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders'"},
		{"no credential", replaceAuth("Credential=", "Credentials="), sigv4.KindIncomplete, "requires 'Credential' parameter"},
		{"no signed headers", replaceAuth("SignedHeaders=", "Signed="), sigv4.KindIncomplete, "requires 'SignedHeaders' parameter"},
		{"no signature", replaceAuth("Signature=", "Sig="), sigv4.KindIncomplete, "requires 'Signature' parameter"},
		{"pair without equals", replaceAuth(", Signature=", ", junk, Signature="), sigv4.KindIncomplete, "missing equal-sign"},
		{"duplicate credential", replaceAuth("Signature=", "Credential=x/y, Signature="), sigv4.KindIncomplete, "more than once"},
		{"scope four parts", replaceAuth("/connect/", "/"), sigv4.KindIncomplete, "exactly 5 slash-delimited"},
		{"scope six parts", replaceAuth("aws4_request", "aws4_request/x"), sigv4.KindIncomplete, "exactly 5 slash-delimited"},
		{"scope empty part", replaceAuth("/eu-west-2/", "//"), sigv4.KindIncomplete, "exactly 5 slash-delimited"},
		{"scope empty key", replaceAuth("Credential=AKIDCONNECT", "Credential="), sigv4.KindIncomplete, "exactly 5 slash-delimited"},
		{"scope bad date", replaceAuth("/20240101/", "/2024-01-01/"), sigv4.KindIncomplete, "Invalid credential date"},
		{"scope bad region", replaceAuth("/eu-west-2/", "/EU WEST/"), sigv4.KindIncomplete, "valid region"},
		{"signed headers without host", replaceAuth("SignedHeaders=content-length;content-type;host;", "SignedHeaders=content-length;content-type;"), sigv4.KindIncomplete, "'Host' or ':authority' must be a 'SignedHeader'"},
		{"signed headers empty entry", replaceAuth(";host;", ";;host;"), sigv4.KindIncomplete, "';'-separated"},
		{"signed headers empty", replaceAuth("SignedHeaders=content-length;content-type;host;x-amz-date", "SignedHeaders="), sigv4.KindIncomplete, "';'-separated"},
		{"signed headers uppercase", replaceAuth(";host;", ";Host;"), sigv4.KindIncomplete, "lowercase"},
		{"signature short", replaceAuth("Signature=", "Signature=0"), sigv4.KindIncomplete, "64 hexadecimal"},
		{"signature not hex", func(r *http.Request) {
			h := r.Header.Get("Authorization")
			r.Header.Set("Authorization", h[:len(h)-1]+"g")
		}, sigv4.KindIncomplete, "64 hexadecimal"},
		{"no x-amz-date", func(r *http.Request) { r.Header.Del("X-Amz-Date") }, sigv4.KindIncomplete, "X-Amz-Date"},
		{"x-amz-date extended format", func(r *http.Request) { r.Header.Set("X-Amz-Date", "2024-01-01T00:10:00Z") }, sigv4.KindIncomplete, "ISO-8601"},
		{"x-amz-date bad month", func(r *http.Request) { r.Header.Set("X-Amz-Date", "20241301T001000Z") }, sigv4.KindIncomplete, "ISO-8601"},
		{"two authorization headers", func(r *http.Request) { r.Header.Add("Authorization", goodAuth) }, sigv4.KindIncomplete, "Only one"},
		{"header and presigned query", func(r *http.Request) { r.URL.RawQuery = presign }, sigv4.KindIncomplete, "Only one auth mechanism"},
		{"presigned missing date", setQuery(strings.Replace(presign, "X-Amz-Date=", "X-Amz-Datum=", 1)), sigv4.KindIncomplete, "must include 'X-Amz-Algorithm'"},
		{"presigned wrong algorithm", setQuery(strings.Replace(presign, "HMAC-SHA256", "HMAC-SHA1", 1)), sigv4.KindIncomplete, "only supports"},
		{"presigned expires too long", setQuery(presign + "&X-Amz-Expires=604801"), sigv4.KindIncomplete, "604800"},
		{"presigned expires negative", setQuery(presign + "&X-Amz-Expires=-1"), sigv4.KindIncomplete, "X-Amz-Expires"},
		{"presigned expires junk", setQuery(presign + "&X-Amz-Expires=5m"), sigv4.KindIncomplete, "X-Amz-Expires"},
		{"presigned date junk", setQuery(strings.Replace(presign, "20240101T001000Z", "yesterday", 1)), sigv4.KindIncomplete, "ISO-8601"},

		{"unknown key", replaceAuth("Credential=AKIDCONNECT", "Credential=AKIDOTHER"), sigv4.KindUnknownKey, "The security token included in the request is invalid."},
		{"presigned unknown key", setQuery(strings.Replace(presign, "AKIDCONNECT", "NOBODY", 1)), sigv4.KindUnknownKey, "security token"},

		{"wrong service", replaceAuth("/connect/", "/s3/"), sigv4.KindInvalid, "Credential should be scoped to correct service: 'connect'."},
		{"wrong terminator", replaceAuth("aws4_request", "aws4_reqest"), sigv4.KindInvalid, "valid terminator: 'aws4_request', not 'aws4_reqest'"},
		{"scope date not x-amz-date's", replaceAuth("/20240101/", "/20231231/"), sigv4.KindInvalid,
			"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20231231' != '20240101', from '20240101T001000Z'."},
		{"content sha256 mismatch", func(r *http.Request) { r.Header.Set("X-Amz-Content-Sha256", hashHex([]byte("other"))) }, sigv4.KindInvalid, "x-amz-content-sha256"},
		{"content sha256 unsigned in header form", func(r *http.Request) { r.Header.Set("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD") }, sigv4.KindInvalid, "x-amz-content-sha256"},
		{"presigned signature mismatch", setQuery(presign), sigv4.KindInvalid, "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."},
	}
	v := newVerifier(t0)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, b, _ := signedWire(t, "POST", "http://connect.example/contact/attributes", body, connectCred)
			if _, err := v.Verify(r, b); err != nil {
				t.Fatalf("unmodified request: %v", err)
			}
			tc.mutate(r)
			_, err := v.Verify(r, b)
			wantKind(t, err, tc.kind, tc.msg)
		})
	}
}

func TestErrorMapping(t *testing.T) {
	for _, tc := range []struct {
		kind   sigv4.Kind
		name   string
		status int
	}{
		{sigv4.KindMissing, "MissingAuthenticationTokenException", 403},
		{sigv4.KindIncomplete, "IncompleteSignatureException", 400},
		{sigv4.KindUnknownKey, "UnrecognizedClientException", 403},
		{sigv4.KindInvalid, "InvalidSignatureException", 403},
	} {
		e := &sigv4.Error{Kind: tc.kind, Message: "m"}
		if e.ExceptionName() != tc.name || e.Status() != tc.status || !strings.Contains(e.Error(), tc.name) {
			t.Errorf("%v: %q %d %q", tc.kind, e.ExceptionName(), e.Status(), e.Error())
		}
	}
}

func TestParseAuthorization(t *testing.T) {
	a, err := sigv4.ParseAuthorization(goodAuth)
	if err != nil {
		t.Fatal(err)
	}
	if a.AccessKeyId != "AKIDCONNECT" || a.Date != "20240101" || a.Region != "eu-west-2" || a.Service != "connect" ||
		strings.Join(a.SignedHeaders, ",") != "content-type,host,x-amz-date" || a.Signature[:4] != "5fa0" {
		t.Fatalf("%+v", a)
	}
	// Spacing variations other SDKs produce.
	if _, err := sigv4.ParseAuthorization(strings.ReplaceAll(goodAuth, ", ", ",")); err != nil {
		t.Fatal(err)
	}
	// ParseAuthorization does not judge the service; Verify does.
	if _, err := sigv4.ParseAuthorization(strings.Replace(goodAuth, "/connect/", "/sts/", 1)); err != nil {
		t.Fatal(err)
	}
	_, err = sigv4.ParseAuthorization("AWS4-HMAC-SHA256 Credential=a/b")
	wantKind(t, err, sigv4.KindIncomplete, "")

	r, _, _ := signedWire(t, "POST", "http://connect.example/x", nil, tokenCred)
	a, err = sigv4.ParseRequest(r)
	if err != nil || a.AccessKeyId != tokenCred.AccessKeyId || a.Region != "eu-west-2" {
		t.Fatalf("ParseRequest: %+v, %v", a, err)
	}
	r.Header.Del("Authorization")
	_, err = sigv4.ParseRequest(r)
	wantKind(t, err, sigv4.KindMissing, "")
}

package api_test

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/connectd/connectd/api"
	"github.com/connectd/connectd/internal/auth"
	"github.com/connectd/connectd/sigv4"
)

// sigv4Server is a test server that verifies every signature, as
// `connectd serve --auth sigv4` does; its client signs with a known key.
func sigv4Server(t *testing.T) *testServer {
	t.Helper()
	creds := []sigv4.Credential{{AccessKeyId: "AKIDEXAMPLE", SecretAccessKey: "secret"}}
	a, err := auth.New("sigv4", creds, 15*time.Minute, "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	return newServer(t, func(c *api.Config) { c.Auth, c.SignedControlPlane = a, true })
}

// rawHTTP writes req (a whole HTTP/1.1 request, as bytes on the wire) to
// the server, half-closes the connection so that a truncated body ends,
// and reads the answer.
func (s *testServer) rawHTTP(t *testing.T, req string) *http.Response {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if _, err := io.WriteString(conn, req); err != nil {
		t.Fatal(err)
	}
	_ = conn.(*net.TCPConn).CloseWrite()
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("reading the answer to %q: %v", req, err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func wantResponseError(t *testing.T, resp *http.Response, status int, exc string) string {
	t.Helper()
	b, _ := io.ReadAll(resp.Body)
	wantWireError(t, rawResponse{resp.StatusCode, resp.Header, string(b)}, status, exc)
	return string(b)
}

// TestBodyReadErrorsAre400: a malformed chunked encoding or a body shorter
// than its Content-Length is the client's mistake in both auth modes (it
// was a 500 InternalServiceException under --auth none).
func TestBodyReadErrorsAre400(t *testing.T) {
	for name, s := range map[string]*testServer{"none": newServer(t), "sigv4": sigv4Server(t)} {
		head := "POST /contact/attributes HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
		for what, req := range map[string]string{
			"malformed chunk size":  head + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
			"chunk cut short":       head + "Transfer-Encoding: chunked\r\n\r\n10\r\n{\"a\"",
			"truncated body":        head + "Content-Length: 100\r\n\r\n{\"InstanceId\":",
			"control plane chunked": strings.Replace(head, "/contact/attributes", "/_connectd/import", 1) + "Transfer-Encoding: chunked\r\n\r\nzz\r\n",
		} {
			if name == "sigv4" && what == "control plane chunked" {
				continue // refused unsigned before its body is read
			}
			resp := s.rawHTTP(t, req)
			if msg := wantResponseError(t, resp, 400, "SerializationException"); !strings.Contains(msg, "could not be read") {
				t.Errorf("%s, %s: message %s does not say the body could not be read", name, what, msg)
			}
		}
	}
}

// TestNumbersOutOfRangeAre400: a number beyond its member's range is a 400
// naming the member, never a value that wrapped.
func TestNumbersOutOfRangeAre400(t *testing.T) {
	s := newServer(t)
	inst := s.newInstance(t)
	search := func(start, end string) rawResponse {
		return s.raw(t, "POST", "/search-contacts", fmt.Sprintf(
			`{"InstanceId":%q,"TimeRange":{"Type":"INITIATION_TIMESTAMP","StartTime":%s,"EndTime":%s}}`, inst, start, end))
	}
	for _, tc := range []struct {
		r      rawResponse
		member string
	}{
		{search("1e308", "1"), "TimeRange.StartTime"},
		{search("0", "1e19"), "TimeRange.EndTime"},
		{search("-1e19", "0"), "TimeRange.StartTime"},
		{search("0", "1e400"), "TimeRange.EndTime"},
		{search(`"2026-01-01"`, "0"), "TimeRange.StartTime"},
		{s.raw(t, "POST", "/search-contacts", fmt.Sprintf(`{"InstanceId":%q,"MaxResults":1e19,"TimeRange":{"Type":"INITIATION_TIMESTAMP","StartTime":0,"EndTime":1}}`, inst)), "MaxResults"},
		{s.raw(t, "PUT", "/_connectd/clock", `{"Now":1e300}`), "Now"},
		{s.raw(t, "PUT", "/_connectd/clock", `{"Now":-1e300}`), "Now"},
	} {
		wantWireError(t, tc.r, 400, "SerializationException")
		if !strings.Contains(tc.r.body, "Member "+tc.member+" ") {
			t.Errorf("message %s does not name %s", tc.r.body, tc.member)
		}
	}
	// In range for a timestamp, but not for the clock, which keeps an
	// offset from the system time.
	for _, tc := range []struct{ method, path, body, member string }{
		{"PUT", "/_connectd/clock", `{"Now":253402300799}`, "Now"},
		{"PUT", "/_connectd/clock", `{"Now":-1}`, "Now"},
		{"POST", "/_connectd/clock/advance", `{"Seconds":9e18}`, "Seconds"},
		{"POST", "/_connectd/clock/advance", `{"Seconds":-9e18}`, "Seconds"},
		{"POST", "/_connectd/clock/advance", `{"Seconds":6e9}`, "Seconds"},
	} {
		r := s.raw(t, tc.method, tc.path, tc.body)
		wantWireError(t, r, 400, "InvalidRequestException")
		if !strings.Contains(r.body, "Member "+tc.member+" ") {
			t.Errorf("%s %s: message %s does not name %s", tc.path, tc.body, r.body, tc.member)
		}
	}
	if !s.clock.Now().Equal(start) {
		t.Fatalf("refused requests moved the clock to %v", s.clock.Now())
	}
	r := s.raw(t, "PUT", "/_connectd/faults", `{"Rules":[{"Operation":"*","LatencyMs":9000000000000000000}]}`)
	wantWireError(t, r, 400, "InvalidRequestException")
	if !strings.Contains(r.body, "LatencyMs") {
		t.Errorf("faults: message %s does not name LatencyMs", r.body)
	}
	// The edges of the timestamp range are accepted.
	if r := search("-62135596800", "253402300799"); r.status != 200 {
		t.Fatalf("search over the whole range: %d %s", r.status, r.body)
	}
}

// TestInvalidUTF8Is400: a string that is not valid UTF-8 is refused, never
// stored as U+FFFD.
func TestInvalidUTF8Is400(t *testing.T) {
	for name, s := range map[string]*testServer{"none": newServer(t), "sigv4": sigv4Server(t)} {
		inst := s.newInstance(t)
		c := s.newTask(t, inst, map[string]string{"k": "v"})
		update := func(value string) rawResponse {
			return s.signedRaw(t, "POST", "/contact/attributes",
				`{"InstanceId":"`+inst+`","InitialContactId":"`+c+`","Attributes":{"k":"`+value+`"}}`)
		}
		for _, bad := range []string{"\xff", "a\xc3", "\xed\xa0\x80", `\ud800`, `\udc00x`, `\ud800\u0041`, `\ud800\\`} {
			r := update(bad)
			wantWireError(t, r, 400, "SerializationException")
			if !strings.Contains(r.body, "UTF-8") {
				t.Errorf("%s: %q: message %s does not say UTF-8", name, bad, r.body)
			}
		}
		if got := s.get(t, inst, c); got["k"] != "v" {
			t.Fatalf("%s: refused updates changed the map: %v", name, got)
		}
		if r := update(`\ud83d\ude00 \\ud800 é`); r.status != 200 {
			t.Fatalf("%s: a valid pair: %d %s", name, r.status, r.body)
		}
		if got := s.get(t, inst, c); got["k"] != "😀 \\ud800 é" {
			t.Fatalf("%s: stored %q", name, got["k"])
		}
		r := s.signedRaw(t, "GET", "/instance/"+inst+"%FF", "")
		wantWireError(t, r, 400, "SerializationException")
	}
	s := newServer(t)
	r := s.raw(t, "POST", "/_connectd/import", `{"Instances":[{"Id":"i-1","InstanceAlias":"a","Tags":{"k":"\xff"}}],"Contacts":[]}`)
	wantWireError(t, r, 400, "SerializationException")
}

// TestMalformedQueryIs400: a query string that does not parse is not
// served as if the parameter had not been sent.
func TestMalformedQueryIs400(t *testing.T) {
	s := newServer(t)
	for _, q := range []string{"?maxResults=%zz", "?maxResults=1;x=2", "?nextToken=%FF"} {
		r := s.raw(t, "GET", "/instance"+q, "")
		wantWireError(t, r, 400, "SerializationException")
	}
	if r := s.raw(t, "GET", "/instance?maxResults=2", ""); r.status != 200 {
		t.Fatalf("a good query: %d %s", r.status, r.body)
	}
}

// signedRaw sends a request signed with SigV4 by the test clients' key, as
// an SDK would sign it, but with any body: the server in none mode reads
// the signature only, in sigv4 mode verifies it.
func (s *testServer) signedRaw(t *testing.T, method, path, body string) rawResponse {
	t.Helper()
	req, err := http.NewRequest(method, s.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	sum := sha256.Sum256([]byte(body))
	creds := aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret"}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "connect", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	return s.do(t, req)
}

// TestDuplicateMembersAre400: a body that names a member twice, at any
// depth, is refused and changes nothing. encoding/json would merge two
// Attributes objects into the input but keep only the last in the tree
// the checker reads, so the map checked and the map stored would differ.
func TestDuplicateMembersAre400(t *testing.T) {
	s := newServer(t)
	inst := s.newInstance(t)
	c := s.newTask(t, inst, map[string]string{"k": "v"})
	for body, where := range map[string]string{
		`{"InstanceId":"` + inst + `","InitialContactId":"` + c + `","Attributes":{"a":"1"},"Attributes":{"b":"2"}}`: "Attributes",
		`{"InstanceId":"` + inst + `","InitialContactId":"` + c + `","Attributes":{"a":"1","a":"2"}}`:                "Attributes.a",
		`{"InstanceId":"` + inst + `","InstanceId":"` + inst + `","InitialContactId":"` + c + `","Attributes":{}}`:   "InstanceId",
	} {
		r := s.raw(t, "POST", "/contact/attributes", body)
		wantWireError(t, r, 400, "SerializationException")
		if !strings.Contains(r.body, "twice ("+where+")") {
			t.Errorf("%s: message %s does not name %s", body, r.body, where)
		}
	}
	if got := s.get(t, inst, c); len(got) != 1 || got["k"] != "v" {
		t.Fatalf("refused updates changed the map: %v", got)
	}
}

// TestBodilessSignedRequests: a request without a body (a GET, or a POST
// with Content-Length: 0) is verified against the empty payload's hash and
// then bound as an empty object; its body is not read (authenticate), so
// this pins what reading it used to give.
func TestBodilessSignedRequests(t *testing.T) {
	s := sigv4Server(t)
	inst := s.newInstance(t)
	c := s.newTask(t, inst, map[string]string{"k": "v"})
	if r := s.signedRaw(t, "GET", "/contact/attributes/"+inst+"/"+c, ""); r.status != 200 || !strings.Contains(r.body, `"k":"v"`) {
		t.Fatalf("signed GET without a body: %d %s", r.status, r.body)
	}
	wantWireError(t, s.signedRaw(t, "POST", "/contact/attributes", ""), 400, "InvalidParameterException")

	// Signed for a body "{}" but sent without one: the payload hash is
	// still checked.
	req, err := http.NewRequest("POST", s.url+"/contact/attributes", http.NoBody)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	sum := sha256.Sum256([]byte("{}"))
	creds := aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret"}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "connect", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	if r := s.do(t, req); r.status != http.StatusForbidden {
		t.Fatalf("signed for a body it does not carry: %d %s, want 403", r.status, r.body)
	}
	if got := s.get(t, inst, c); len(got) != 1 || got["k"] != "v" {
		t.Fatalf("refused requests changed the map: %v", got)
	}
}

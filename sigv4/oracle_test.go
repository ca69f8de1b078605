package sigv4_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/connectd/connectd/sigv4"
)

// oracleCases are requests shaped like Connect's, signed by the SDK.
var oracleCases = []struct {
	name, method, url string
	body              string
}{
	{"post json", "POST", "http://connect.example:8080/contact/attributes", `{"InstanceId":"i","InitialContactId":"c","Attributes":{"a":"b"}}`},
	{"put body", "PUT", "http://connect.example/contact/i/c", `{"Name":"x"}`},
	{"get no query", "GET", "http://connect.example/contact/attributes/inst/contact", ""},
	{"get query repeated keys", "GET", "http://connect.example/contact/references/i/c?referenceTypes=URL&referenceTypes=ATTACHMENT&maxResults=10", ""},
	{"get query keys needing encoding", "GET", "http://connect.example/x?next%20Token=a%2Bb%2Fc%3D&%C3%BC=%E2%9C%93&b=&a=+plus+&z=%7E", ""},
	{"labels with space colon plus percent unicode", "GET", "http://connect.example/contact/attributes/a%20b%3Ac%2Bd%25e/%C3%A9%2F%E2%9C%93", ""},
	{"label raw colon", "DELETE", "http://connect.example/users/arn:aws:connect:x/a+b", ""},
	{"empty path", "POST", "http://connect.example", "{}"},
	{"default port stripped by signer", "POST", "http://connect.example:80/contact/attributes", "{}"},
}

func TestSDKSignedRequestsVerify(t *testing.T) {
	for _, tc := range oracleCases {
		for _, cred := range []sigv4.Credential{connectCred, tokenCred} {
			t.Run(tc.name+"/"+cred.AccessKeyId, func(t *testing.T) {
				body := []byte(tc.body)
				hdr := http.Header{"Content-Type": {"application/x-amz-json-1.1"}, "X-Custom": {"  a   b  "}}
				client := clientRequest(t, tc.method, tc.url, body, hdr, cred, "connect", "eu-west-2", t0)
				v := newVerifier(t0)

				// In memory, as a handler test would hold it.
				res, err := v.Verify(client, body)
				if err != nil {
					t.Fatalf("in-memory request: %v", err)
				}
				want := sigv4.Result{AccessKeyId: cred.AccessKeyId, AccountId: cred.AccountId, Region: "eu-west-2"}
				if res != want {
					t.Fatalf("result = %+v, want %+v", res, want)
				}

				// Through the wire, as the server sees it. Twice: the second
				// uses the cached signing key.
				wire := wireBytes(t, client, body)
				for range 2 {
					r, b := serverRequest(t, wire)
					if _, err := v.Verify(r, b); err != nil {
						t.Fatalf("server request: %v\n%s", err, wire)
					}
				}

				for _, tm := range tampers(wire, len(body) > 0) {
					r, b := serverRequest(t, tm.wire)
					_, err := v.Verify(r, b)
					wantKind(t, err, sigv4.KindInvalid, "")
				}

				other := cred
				other.SecretAccessKey += "x"
				r, b := serverRequest(t, wire)
				_, err = sigv4.NewVerifier([]sigv4.Credential{other}, sigv4.Options{Now: at(t0)}).Verify(r, b)
				wantKind(t, err, sigv4.KindInvalid, "does not match")
			})
		}
	}
}

type tamper struct{ what, wire string }

// tampers returns single changes to a signed request that must each break
// the signature.
func tampers(wire string, hasBody bool) []tamper {
	line, rest, _ := strings.Cut(wire, "\r\n")
	method, target, _ := strings.Cut(line, " ")
	target, proto, _ := strings.Cut(target, " ")
	path, query, hasQuery := strings.Cut(target, "?")
	reline := func(p string) string { return method + " " + p + " " + proto + "\r\n" + rest }
	var out []tamper
	out = append(out, tamper{"path", reline(path + "x" + map[bool]string{true: "?" + query}[hasQuery])})
	if hasQuery {
		parts := strings.Split(query, "&")
		for i, p := range parts {
			if !strings.HasPrefix(p, "X-Amz-") {
				parts[i] += "x"
				out = append(out, tamper{"query value", reline(path + "?" + strings.Join(parts, "&"))})
				break
			}
		}
		out = append(out, tamper{"query added", reline(target + "&extra=1")})
	} else {
		out = append(out, tamper{"query added", reline(target + "?extra=1")})
	}
	out = append(out, tamper{"method", strings.Replace(wire, method+" ", "PATCH ", 1)})
	out = append(out, tamper{"header value", strings.Replace(wire, "X-Custom: ", "X-Custom: c ", 1)})
	out = append(out, tamper{"date", strings.Replace(wire, "T001000Z", "T001001Z", 1)})
	out = append(out, tamper{"host", strings.Replace(wire, "Host: connect.example", "Host: connect.exampla", 1)})
	sig := strings.Index(wire, "Signature=") + len("Signature=")
	flip := map[byte]byte{'0': '1'}
	c := wire[sig]
	if f, ok := flip[c]; ok {
		c = f
	} else {
		c = '0'
	}
	out = append(out, tamper{"signature", wire[:sig] + string(c) + wire[sig+1:]})
	if hasBody {
		out = append(out, tamper{"body", wire[:len(wire)-1] + string(wire[len(wire)-1]^1)})
	}
	return out
}

func TestSessionTokenMustMatch(t *testing.T) {
	r, b, _ := signedWire(t, "POST", "http://connect.example/contact/attributes", []byte("{}"), tokenCred)
	other := tokenCred
	other.SessionToken = "another"
	_, err := sigv4.NewVerifier([]sigv4.Credential{other}, sigv4.Options{Now: at(t0)}).Verify(r, b)
	wantKind(t, err, sigv4.KindInvalid, "security token")

	// A token the client sends for a credential that has none is accepted.
	noToken := tokenCred
	noToken.SessionToken = ""
	if _, err := sigv4.NewVerifier([]sigv4.Credential{noToken}, sigv4.Options{Now: at(t0)}).Verify(r, b); err != nil {
		t.Fatal(err)
	}
	// A credential with a token rejects a request without one.
	r, b, _ = signedWire(t, "POST", "http://connect.example/contact/attributes", []byte("{}"), noToken)
	_, err = newVerifier(t0).Verify(r, b)
	wantKind(t, err, sigv4.KindInvalid, "security token")
}

func TestSkewBoundary(t *testing.T) {
	r, b, _ := signedWire(t, "POST", "http://connect.example/contact/attributes", []byte("{}"), connectCred)
	for _, tc := range []struct {
		now  time.Time
		kind sigv4.Kind
		msg  string
	}{
		{t0.Add(15 * time.Minute), 0, ""},
		{t0.Add(15*time.Minute + 999*time.Millisecond), 0, ""},
		{t0.Add(15*time.Minute + time.Second), sigv4.KindInvalid, "Signature expired: 20240101T001000Z is now earlier than 20240101T001001Z (20240101T002501Z - 15 min.)"},
		{t0.Add(-15 * time.Minute), 0, ""},
		{t0.Add(-15*time.Minute - time.Second), sigv4.KindInvalid, "Signature not yet current: 20240101T001000Z is still later than 20240101T000959Z (20231231T235459Z + 15 min.)"},
	} {
		_, err := newVerifier(tc.now).Verify(r, b)
		if tc.kind == 0 {
			if err != nil {
				t.Errorf("now %v: %v", tc.now, err)
			}
			continue
		}
		wantKind(t, err, tc.kind, "")
		if got := err.(*sigv4.Error).Message; got != tc.msg {
			t.Errorf("now %v: message %q, want %q", tc.now, got, tc.msg)
		}
	}
	// A custom window is honoured and named in the message.
	v := sigv4.NewVerifier([]sigv4.Credential{connectCred}, sigv4.Options{MaxSkew: 5 * time.Minute, Now: at(t0.Add(5*time.Minute + time.Second))})
	_, err := v.Verify(r, b)
	wantKind(t, err, sigv4.KindInvalid, "(20240101T001501Z - 5 min.)")
}

// TestConcurrentVerify shares one Verifier between goroutines that keep
// adding signing keys (regions) while others hit the cache; run with -race.
func TestConcurrentVerify(t *testing.T) {
	v := newVerifier(t0)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 40 {
				cred := []sigv4.Credential{connectCred, tokenCred}[(g+i)%2]
				region := fmt.Sprintf("us-test-%d", (g*i)%7)
				body := []byte(fmt.Sprintf(`{"n":%d}`, i))
				wire := wireBytes(t, clientRequest(t, "POST", "http://connect.example/contact/attributes", body, nil, cred, "connect", region, t0), body)
				r, b := serverRequest(t, wire)
				res, err := v.Verify(r, b)
				if err == nil && res.Region != region {
					err = fmt.Errorf("region %q, want %q", res.Region, region)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

package api_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/connectd/connectd/api"
	"github.com/connectd/connectd/internal/auth"
	"github.com/connectd/connectd/sigv4"
)

// newestOperations are the operations of the 2026-08-07 model that the Go
// SDK connectd tests with (service/connect v1.175.2) does not have, so they
// can only be called with hand-built requests.
var newestOperations = []string{
	"CreateAttachedFile", "CreateAuthCode", "DeleteContactData", "DeleteSession",
	"GetEvaluationFormValidation", "SearchRules", "SendOutboundWebNotification",
	"StartContactConversationalAnalyticsJob", "StartEvaluationFormValidation", "UpdateContactTaskTemplate",
}

// vendoredOperations reads the operations' method and URI template from the
// vendored model itself, not from the tables generated from it.
func vendoredOperations(t *testing.T) map[string]struct{ Method, RequestURI string } {
	t.Helper()
	b, err := os.ReadFile("model/service-2.json")
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Operations map[string]struct {
			HTTP struct{ Method, RequestURI string } `json:"http"`
		}
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	ops := map[string]struct{ Method, RequestURI string }{}
	for name, o := range m.Operations {
		ops[name] = struct{ Method, RequestURI string }{o.HTTP.Method, o.HTTP.RequestURI}
	}
	return ops
}

// signedRequest builds op's request from its URI template (every label
// "label-N"), with an empty JSON object as body, signed with the SDK's v4
// signer.
func signedRequest(t *testing.T, base, method, uri string) *http.Request {
	t.Helper()
	n := 0
	path := regexp.MustCompile(`\{[^}]+\}`).ReplaceAllStringFunc(uri, func(string) string {
		n++
		return "label-" + string(rune('0'+n))
	})
	body := []byte("{}")
	req, err := http.NewRequest(method, base+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	signJSON(t, req, body, aws.Credentials{AccessKeyID: "AKIDMODEL", SecretAccessKey: "model-secret"})
	return req
}

// TestEveryModelOperationReachesItsRoute sends every operation of the model
// as a signed request (the signature verified): the implemented ones reach
// their handler (whose answer to an empty request is its own), every other
// one answers 501 NotImplementedException naming it. None is a 404
// UnknownOperationException.
func TestEveryModelOperationReachesItsRoute(t *testing.T) {
	authn, err := auth.New("sigv4", []sigv4.Credential{{AccessKeyId: "AKIDMODEL", SecretAccessKey: "model-secret"}}, 15*time.Minute, "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	s := newServer(t, func(c *api.Config) { c.Auth = authn })
	ops := vendoredOperations(t)
	if len(ops) != 380 {
		t.Fatalf("the vendored model has %d operations, want 380", len(ops))
	}
	implemented := s.handler.Operations()
	for _, name := range newestOperations {
		if _, ok := ops[name]; !ok {
			t.Fatalf("%s is not in the vendored model", name)
		}
	}
	for name, o := range ops {
		resp, err := s.http.Do(signedRequest(t, s.url, o.Method, o.RequestURI))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		exc := resp.Header.Get("X-Amzn-ErrorType")
		if slices.Contains(implemented, name) {
			if exc == "UnknownOperationException" || exc == "NotImplementedException" || strings.HasPrefix(exc, "InvalidSignature") {
				t.Errorf("%s %s (implemented): %d %s %s", o.Method, o.RequestURI, resp.StatusCode, exc, body)
			}
			continue
		}
		var e struct{ Message string }
		_ = json.Unmarshal(body, &e)
		if resp.StatusCode != http.StatusNotImplemented || exc != "NotImplementedException" ||
			!regexp.MustCompile(`\b`+name+`\b`).MatchString(e.Message) {
			t.Errorf("%s %s: %d %s %s, want 501 NotImplementedException naming %s", o.Method, o.RequestURI, resp.StatusCode, exc, body, name)
		}
	}
}

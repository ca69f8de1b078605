package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// wantWireError checks an error response as a client without an SDK sees it.
func wantWireError(t *testing.T, r rawResponse, status int, exc string) {
	t.Helper()
	if r.status != status || r.header.Get("X-Amzn-ErrorType") != exc {
		t.Fatalf("got %d %q (%s), want %d %s", r.status, r.header.Get("X-Amzn-ErrorType"), r.body, status, exc)
	}
	if r.header.Get("Content-Type") != "application/json" || r.header.Get("x-amzn-RequestId") == "" {
		t.Fatalf("headers %v lack Content-Type or x-amzn-RequestId", r.header)
	}
	var body struct{ Message string }
	if err := json.Unmarshal([]byte(r.body), &body); err != nil || body.Message == "" {
		t.Fatalf("body %q is not {\"Message\": ...}", r.body)
	}
}

func TestMalformedRequests(t *testing.T) {
	s := newServer(t)
	inst := s.newInstance(t)
	for _, tc := range []struct {
		name, method, path, body string
		status                   int
		exc                      string
	}{
		{"broken JSON", "POST", "/contact/attributes", `{"InstanceId":`, 400, "SerializationException"},
		{"not an object", "POST", "/contact/attributes", `[1,2]`, 400, "SerializationException"},
		{"wrong member type", "POST", "/contact/attributes", `{"InstanceId":"` + inst + `","InitialContactId":"c","Attributes":{"a":1}}`, 400, "SerializationException"},
		{"string for a map", "POST", "/contact/attributes", `{"InstanceId":"i","InitialContactId":"c","Attributes":"a=1"}`, 400, "SerializationException"},
		{"trailing data", "POST", "/contact/attributes", `{"InstanceId":"i"} {}`, 400, "SerializationException"},
		{"timestamp as string", "PUT", "/contact/task", `{"InstanceId":"` + inst + `","Name":"t","ContactFlowId":"f","ScheduledTime":"2026-11-23T10:00:00Z"}`, 400, "SerializationException"},
		{"missing Attributes", "POST", "/contact/attributes", `{"InstanceId":"i","InitialContactId":"c"}`, 400, "InvalidParameterException"},
		{"null Attributes", "POST", "/contact/attributes", `{"InstanceId":"i","InitialContactId":"c","Attributes":null}`, 400, "InvalidParameterException"},
		{"empty body", "POST", "/contact/attributes", ``, 400, "InvalidParameterException"},
		{"missing task Name", "PUT", "/contact/task", `{"InstanceId":"` + inst + `","ContactFlowId":"f"}`, 400, "InvalidParameterException"},
		{"missing InboundCallsEnabled", "PUT", "/instance", `{"IdentityManagementType":"SAML","InstanceAlias":"x","OutboundCallsEnabled":true}`, 400, "InvalidRequestException"},
		{"reference without Type", "PUT", "/contact/task", `{"InstanceId":"` + inst + `","Name":"t","ContactFlowId":"f","References":{"r":{"Value":"v"}}}`, 400, "InvalidParameterException"},
		{"missing chat participant", "PUT", "/contact/chat", `{"InstanceId":"` + inst + `","ContactFlowId":"f"}`, 400, "InvalidParameterException"},
		{"bad maxResults", "GET", "/instance?maxResults=ten", ``, 400, "SerializationException"},
		{"unknown path", "GET", "/no/such/thing", ``, 404, "UnknownOperationException"},
		{"wrong method", "DELETE", "/contact/attributes", ``, 404, "UnknownOperationException"},
		{"empty label", "GET", "/contact/attributes//c", ``, 404, "UnknownOperationException"},
		{"unknown admin path", "GET", "/_connectd/nothing", ``, 404, "UnknownOperationException"},
		{"unimplemented operation", "GET", "/users-summary/" + inst, ``, 501, "NotImplementedException"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantWireError(t, s.raw(t, tc.method, tc.path, tc.body), tc.status, tc.exc)
		})
	}
}

func TestUnimplementedOperationIs501(t *testing.T) {
	s := newServer(t)
	inst := s.newInstance(t)
	// Through the SDK: ListUsers is a real Connect operation connectd does not serve.
	_, err := s.client.ListUsers(context.Background(), &connect.ListUsersInput{InstanceId: aws.String(inst)})
	var apiErr smithy.APIError
	var respErr *smithyhttp.ResponseError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "NotImplementedException" || !strings.Contains(apiErr.ErrorMessage(), "ListUsers") {
		t.Fatalf("ListUsers: %v, want NotImplementedException naming ListUsers", err)
	}
	if !errors.As(err, &respErr) || respErr.HTTPStatusCode() != http.StatusNotImplemented {
		t.Fatalf("ListUsers status: %v", err)
	}
}

func TestEveryResponseCarriesRequestIDAndJSON(t *testing.T) {
	s := newServer(t)
	inst := s.newInstance(t)
	for _, r := range []rawResponse{
		s.raw(t, "GET", "/instance/"+inst, ""),
		s.raw(t, "GET", "/instance", ""),
		s.raw(t, "PUT", "/contact/task", `{"InstanceId":"`+inst+`","Name":"t","ContactFlowId":"f"}`),
		s.raw(t, "GET", "/_connectd/health", ""),
	} {
		if r.status != 200 || r.header.Get("Content-Type") != "application/json" || r.header.Get("X-Amzn-Requestid") == "" {
			t.Fatalf("response %d %v %s", r.status, r.header, r.body)
		}
		if !json.Valid([]byte(r.body)) {
			t.Fatalf("body is not JSON: %s", r.body)
		}
	}
	// Timestamps are JSON numbers of epoch seconds.
	var d struct{ Instance struct{ CreatedTime any } }
	if err := json.Unmarshal([]byte(s.raw(t, "GET", "/instance/"+inst, "").body), &d); err != nil {
		t.Fatal(err)
	}
	if n, ok := d.Instance.CreatedTime.(float64); !ok || int64(n) != start.Unix() {
		t.Fatalf("CreatedTime = %#v, want the number %d", d.Instance.CreatedTime, start.Unix())
	}
}

func TestHealth(t *testing.T) {
	s := newServer(t)
	r := s.raw(t, "GET", "/_connectd/health", "")
	var h struct{ Status, Version, Store string }
	if err := json.Unmarshal([]byte(r.body), &h); err != nil || r.status != 200 || h.Status != "running" || h.Store != "sqlite" || h.Version != "test" {
		t.Fatalf("health = %d %s", r.status, r.body)
	}
}

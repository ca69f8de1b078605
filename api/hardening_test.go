package api_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/api"
)

func TestBodyOverLimitIs413(t *testing.T) {
	s := newServer(t)
	inst := s.newInstance(t)
	c := s.newTask(t, inst, nil)
	big := `{"InstanceId":"` + inst + `","InitialContactId":"` + c + `","Attributes":{"k":"` + strings.Repeat("x", api.MaxBodyBytes) + `"}}`
	wantWireError(t, s.raw(t, "POST", "/contact/attributes", big), 413, "RequestEntityTooLargeException")
	if got := s.get(t, inst, c); len(got) != 0 {
		t.Fatalf("oversized request changed the map: %d keys", len(got))
	}
}

func TestHeadersOverLimitAre431(t *testing.T) {
	s := newServer(t)
	req, _ := http.NewRequest("GET", s.url+"/instance", nil)
	req.Header.Set("X-Padding", strings.Repeat("p", api.MaxHeaderBytes))
	resp, err := s.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 431 || resp.Header.Get("X-Amzn-ErrorType") != "RequestHeaderFieldsTooLargeException" || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("got %d %v", resp.StatusCode, resp.Header)
	}
}

// panicStore panics on every read, standing in for a bug.
type panicStore struct{ connectd.Port }

func (panicStore) View(context.Context, string, func(connectd.Tx) error) error {
	panic("bug in the store")
}

func TestPanicIsAnInternalServiceException(t *testing.T) {
	var logs bytes.Buffer
	h := api.New(api.Config{Service: connectd.NewService(panicStore{}, connectd.SystemClock{}), Logger: slog.New(slog.NewTextHandler(&logs, nil)), Region: "us-east-1"})
	srv := httptest.NewServer(h)
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/instance/abc")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	id := resp.Header.Get("x-amzn-RequestId")
	if resp.StatusCode != 500 || resp.Header.Get("X-Amzn-ErrorType") != "InternalServiceException" || id == "" {
		t.Fatalf("got %d %v", resp.StatusCode, resp.Header)
	}
	if !strings.Contains(logs.String(), "request_id="+id) || !strings.Contains(logs.String(), "bug in the store") {
		t.Fatalf("panic not logged with its request id:\n%s", logs.String())
	}
	// The server goes on serving.
	if resp2, err := http.Get(srv.URL + "/_connectd/health"); err != nil || resp2.StatusCode != 200 {
		t.Fatalf("after a panic: %v %v", resp2, err)
	}
}

package cli

import (
	"context"
	"net"
	"strings"
	"testing"
)

// TestGlobalFlagsBeforeCommand runs the global flags before the command,
// as the AWS CLI allows: the same answer as with them after it.
func TestGlobalFlagsBeforeCommand(t *testing.T) {
	t.Parallel()
	s := newSession(t)
	delete(s.env, "AWS_ENDPOINT_URL")
	s.must("--endpoint-url", s.srv.url, "instance", "create", "--alias", "demo")
	after := s.must("instance", "list", "--endpoint-url", s.srv.url, "-o", "json")
	before := s.must("--endpoint-url", s.srv.url, "-o", "json", "--region", "us-east-1", "instance", "list")
	if before != after || !strings.Contains(before, `"InstanceAlias": "demo"`) {
		t.Errorf("global flags before the command: %q; after it: %q", before, after)
	}
	if got := s.must("-ojson", "--endpoint-url="+s.srv.url, "instance", "list"); got != after {
		t.Errorf("-ojson --endpoint-url=…: %q, want %q", got, after)
	}
}

// TestConnectionRefused reports a server that is not there in one line
// naming the endpoint and the command that starts one, with exit code 1.
func TestConnectionRefused(t *testing.T) {
	t.Parallel()
	// A port that was free a moment ago: nothing listens there now.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	endpoint := "http://" + ln.Addr().String()
	ln.Close()
	for _, args := range [][]string{
		{"instance", "list"}, // through the SDK, which retries first
		{"admin", "clock"},   // through the control plane's plain HTTP
		{"attrs", "get", "c1", "--instance", "i1"},
	} {
		var stdout, stderr strings.Builder
		env := map[string]string{"AWS_ENDPOINT_URL": endpoint, "AWS_MAX_ATTEMPTS": "1"}
		code := Run(context.Background(), args, nil, &stdout, &stderr, func(k string) string { return env[k] })
		want := "connectd: nothing is listening at " + endpoint + " (connection refused); start a server with `connectd serve`, or pass --endpoint-url\n"
		if code != ExitError || stderr.String() != want {
			t.Errorf("connectd %s with no server: exit %d, stderr %q; want exit 1, %q", strings.Join(args, " "), code, stderr.String(), want)
		}
	}
}

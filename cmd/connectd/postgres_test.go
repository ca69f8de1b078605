package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/connectd/connectd/internal/pgtest"
)

// TestMain stops the throwaway PostgreSQL cluster, if a test started one.
func TestMain(m *testing.M) { pgtest.Main(m) }

func TestServeOnPostgres(t *testing.T) {
	dsn := pgtest.URL(t)
	// --read-data naming the primary itself: every read is current there.
	url, stop := startInProcess(t, "--data", dsn, "--read-data", dsn)
	defer stop()
	resp, err := http.Get(url + "/_connectd/health")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), `"Store":"postgres"`) {
		t.Fatalf("health: %s, want the postgres store", b)
	}
	c := sdkClient(url)
	ctx := context.Background()
	inst := createInstance(t, c)
	task, err := c.StartTaskContact(ctx, &connect.StartTaskContactInput{InstanceId: inst.Id, Name: aws.String("t"), ContactFlowId: aws.String("f")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.UpdateContactAttributes(ctx, &connect.UpdateContactAttributesInput{
		InstanceId: inst.Id, InitialContactId: task.ContactId, Attributes: map[string]string{"store": "postgres"},
	}); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetContactAttributes(ctx, &connect.GetContactAttributesInput{InstanceId: inst.Id, InitialContactId: task.ContactId})
	if err != nil || got.Attributes["store"] != "postgres" {
		t.Fatalf("GetContactAttributes: %v, %v", got, err)
	}
}

// A DSN that cannot work fails at start-up, quickly and with the reason,
// and never prints the password.
func TestServeOnPostgresFailsFast(t *testing.T) {
	// A role that does not exist is refused whatever the server's
	// authentication method (the throwaway cluster trusts every local user).
	bad := pgtest.WithParam(pgtest.WithParam(pgtest.URL(t), "user", "connectd_nobody"), "password", "wrong-password-xyz")
	closed := freePort(t)
	cases := []struct{ name, dsn, want string }{
		{"bad user or password", bad, "authentication failed"},
		{"unreachable host", "postgres://u:wrong-password-xyz@127.0.0.1:" + closed + "/db", "unreachable"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			// Should the server start after all, the timeout ends it.
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			err := run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", tc.dsn},
				env{stdout: io.Discard, stderr: io.Discard, getenv: func(string) string { return "" }})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error saying %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "wrong-password-xyz") {
				t.Fatalf("the error shows the password: %v", err)
			}
			t.Logf("failed after %v: %v", time.Since(start).Round(time.Millisecond), err)
		})
	}
}

// freePort returns a loopback port that nothing listens on.
func freePort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	ln.Close()
	return port
}

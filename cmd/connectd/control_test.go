package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/connectd/connectd/cli"
)

// runCLI runs a `connectd admin ...` command line against url with the
// given access key and secret, as a user's shell would, and returns its
// exit code and standard error.
func runCLI(t *testing.T, url, key, secret string, args ...string) (int, string) {
	t.Helper()
	// The SDK's loader reads the real environment and ~/.aws as well as
	// what getenv passes: keep both out.
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "none"))
	for _, k := range []string{"AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION"} {
		t.Setenv(k, "")
	}
	vars := map[string]string{"AWS_ACCESS_KEY_ID": key, "AWS_SECRET_ACCESS_KEY": secret, "AWS_REGION": "eu-west-2"}
	var stderr bytes.Buffer
	code := cli.Run(context.Background(), append([]string{"--endpoint-url", url}, args...), nil, io.Discard, &stderr,
		func(k string) string { return vars[k] })
	return code, stderr.String()
}

func controlRequest(t *testing.T, method, url string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// TestSigV4ModeSignsTheControlPlane: under --auth sigv4 the control plane
// takes only requests signed by a key of the credentials file, which the
// CLI's admin commands send; health and readiness stay open and tell
// nothing but the status.
func TestSigV4ModeSignsTheControlPlane(t *testing.T) {
	url, stop := startInProcess(t, "--data", ":memory:", "--auth", "sigv4", "--credentials", writeCredentials(t))
	defer stop()
	alice := clientAs(url, "AKIDALICE", "alice-secret", "eu-west-2")
	createInstance(t, alice)
	count := func() int {
		out, err := alice.ListInstances(context.Background(), &connect.ListInstancesInput{})
		if err != nil {
			t.Fatal(err)
		}
		return len(out.InstanceSummaryList)
	}

	wantRawError(t, controlRequest(t, "POST", url+"/_connectd/reset"), 403, "MissingAuthenticationTokenException")
	wantRawError(t, rawRequest(t, url+"/_connectd/export", ""), 403, "MissingAuthenticationTokenException")
	if code, stderr := runCLI(t, url, "AKIDALICE", "wrong-secret", "admin", "reset"); code != cli.ExitError || !strings.Contains(stderr, "InvalidSignatureException") {
		t.Fatalf("admin reset with a wrong secret: exit %d, %s", code, stderr)
	}
	if code, stderr := runCLI(t, url, "AKIDMALLORY", "x", "admin", "export"); code != cli.ExitError || !strings.Contains(stderr, "UnrecognizedClientException") {
		t.Fatalf("admin export with an unknown key: exit %d, %s", code, stderr)
	}
	if n := count(); n != 1 {
		t.Fatalf("refused requests changed the data: %d instances", n)
	}
	for _, args := range [][]string{{"admin", "export"}, {"admin", "clock", "advance", "1d"}, {"admin", "clock", "reset"}, {"admin", "reset"}} {
		if code, stderr := runCLI(t, url, "AKIDBOB", "bob-secret", args...); code != cli.ExitOK {
			t.Fatalf("%v signed by a known key: exit %d, %s", args, code, stderr)
		}
	}
	if n := count(); n != 0 {
		t.Fatalf("signed reset left %d instances", n)
	}

	for _, probe := range []string{"/_connectd/health", "/_connectd/ready"} {
		resp := rawRequest(t, url+probe, "")
		var body map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || resp.StatusCode != 200 {
			t.Fatalf("GET %s unsigned: %d %v", probe, resp.StatusCode, err)
		}
		if len(body) != 1 || body["Status"] == nil {
			t.Errorf("GET %s unsigned tells %v, want only the Status", probe, body)
		}
	}
}

// TestServeWarnsOfAnExposedControlPlane: listening beyond loopback with the
// control plane on is worth a warning at start-up, and only then.
func TestServeWarnsOfAnExposedControlPlane(t *testing.T) {
	for _, tc := range []struct {
		args []string
		warn bool
	}{
		{[]string{"--addr", "0.0.0.0:0"}, true},
		{[]string{"--addr", "127.0.0.1:0"}, false},
		{[]string{"--addr", "0.0.0.0:0", "--admin=false"}, false},
	} {
		ctx, cancel := context.WithCancel(context.Background())
		pr, pw := io.Pipe()
		var log lockedBuffer
		done := make(chan error, 1)
		go func() {
			done <- run(ctx, append([]string{"serve", "--data", ":memory:"}, tc.args...),
				env{stdout: io.Discard, stderr: pw, getenv: func(string) string { return "" }})
			pw.Close()
		}()
		readyURL(t, io.TeeReader(pr, &log))
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		got := strings.Contains(log.String(), "level=WARN") && strings.Contains(log.String(), "control plane")
		if got != tc.warn {
			t.Errorf("%v: warned %v, want %v; log:\n%s", tc.args, got, tc.warn, log.String())
		}
	}
}

// lockedBuffer is a bytes.Buffer safe to write from readyURL's goroutine.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

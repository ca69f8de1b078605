package cli

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEndpointPrecedence(t *testing.T) {
	t.Parallel()
	tests := []struct {
		flag string
		env  map[string]string
		want string
	}{
		{"", nil, "http://127.0.0.1:4566"},
		{"", map[string]string{"AWS_ENDPOINT_URL": "http://b:1"}, "http://b:1"},
		{"", map[string]string{"AWS_ENDPOINT_URL": "http://b:1", "AWS_ENDPOINT_URL_CONNECT": "http://c:1"}, "http://c:1"},
		{"http://f:1", map[string]string{"AWS_ENDPOINT_URL": "http://b:1", "AWS_ENDPOINT_URL_CONNECT": "http://c:1"}, "http://f:1"},
	}
	for _, tt := range tests {
		a := &app{endpointFlag: tt.flag, getenv: func(k string) string { return tt.env[k] }}
		if got := a.endpoint(); got != tt.want {
			t.Errorf("flag %q, env %v: endpoint %q, want %q", tt.flag, tt.env, got, tt.want)
		}
	}
}

func TestIsLocal(t *testing.T) {
	t.Parallel()
	for endpoint, want := range map[string]bool{
		"http://127.0.0.1:4566": true, "http://localhost:4566": true, "http://[::1]:4566": true,
		"http://127.0.0.2": true, "https://connect.us-east-1.amazonaws.com": false,
		"http://10.0.0.1:4566": false, "http://localhost.example.com": false, "::": false,
	} {
		if got := isLocal(endpoint); got != want {
			t.Errorf("isLocal(%q) = %v, want %v", endpoint, got, want)
		}
	}
}

// arnOf creates an instance and returns its ARN, whose account and region
// show which credentials and region the client signed with.
func arnOf(t *testing.T, s *session, args ...string) string {
	t.Helper()
	return idOf(t, s.must(append([]string{"instance", "create", "--alias", "x", "-o", "json"}, args...)...), "Arn")
}

func TestThrowawayCredentialsForLocalEndpoints(t *testing.T) {
	t.Parallel()
	s := newSession(t)
	if arn := arnOf(t, s); !strings.HasPrefix(arn, "arn:aws:connect:us-east-1:000000000000:instance/") {
		t.Errorf("ARN %s: want region us-east-1 and account 000000000000", arn)
	}
}

func TestCredentialsAndRegionFromEnvironment(t *testing.T) {
	t.Parallel()
	s := newSession(t)
	s.env["AWS_ACCESS_KEY_ID"] = "111122223333" // a 12-digit key is connectd's account id
	s.env["AWS_SECRET_ACCESS_KEY"] = "secret"
	s.env["AWS_REGION"] = "eu-west-2"
	if arn := arnOf(t, s); !strings.HasPrefix(arn, "arn:aws:connect:eu-west-2:111122223333:") {
		t.Errorf("ARN %s: want the environment's region and account", arn)
	}
	if arn := arnOf(t, s, "--alias", "y", "--region", "ap-south-1"); !strings.HasPrefix(arn, "arn:aws:connect:ap-south-1:111122223333:") {
		t.Errorf("ARN %s: want --region to win", arn)
	}
}

func TestProfile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	s := newSession(t)
	s.env["AWS_CONFIG_FILE"] = write("config", "[profile dev]\nregion = ap-southeast-2\n")
	s.env["AWS_SHARED_CREDENTIALS_FILE"] = write("credentials",
		"[dev]\naws_access_key_id = 444455556666\naws_secret_access_key = secret\n")
	if arn := arnOf(t, s, "--profile", "dev"); !strings.HasPrefix(arn, "arn:aws:connect:ap-southeast-2:444455556666:") {
		t.Errorf("--profile dev: ARN %s", arn)
	}
	s.env["AWS_PROFILE"] = "dev"
	if arn := arnOf(t, s, "--alias", "y"); !strings.HasPrefix(arn, "arn:aws:connect:ap-southeast-2:444455556666:") {
		t.Errorf("AWS_PROFILE=dev: ARN %s", arn)
	}
	// As in the AWS CLI, --profile wins over keys in the environment.
	s.env["AWS_ACCESS_KEY_ID"], s.env["AWS_SECRET_ACCESS_KEY"] = "111122223333", "secret"
	if arn := arnOf(t, s, "--alias", "z", "--profile", "dev"); !strings.Contains(arn, ":444455556666:") {
		t.Errorf("--profile with keys in the environment: ARN %s", arn)
	}
	s.expect(ExitUsage, "connectd: AWS configuration: ", "instance", "list", "--profile", "nope")
}

func TestRemoteEndpointNeedsRegion(t *testing.T) {
	t.Parallel()
	s := newSession(t)
	s.expect(ExitUsage, "connectd: no AWS region for https://connect.example.invalid: pass --region",
		"instance", "list", "--endpoint-url", "https://connect.example.invalid")
	// No throwaway credentials for an endpoint that may be Amazon Connect:
	// the SDK's own error, before anything is sent.
	r := s.expect(ExitError, "connectd: ", "instance", "list", "--endpoint-url", "https://connect.example.invalid", "--region", "us-east-1")
	if !strings.Contains(r.stderr, "credentials") {
		t.Errorf("stderr %q does not mention credentials", r.stderr)
	}
}

func TestUnreachableEndpoint(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + l.Addr().String()
	l.Close()
	var stdout, stderr strings.Builder
	env := map[string]string{"AWS_ENDPOINT_URL": url, "AWS_MAX_ATTEMPTS": "1", "CONNECTD_INSTANCE": "i"}
	for _, args := range [][]string{{"instance", "list"}, {"attrs", "get", "c1"}, {"admin", "clock"}} {
		stdout.Reset()
		stderr.Reset()
		code := Run(context.Background(), args, strings.NewReader(""), &stdout, &stderr, func(k string) string { return env[k] })
		if code != ExitError || !strings.HasPrefix(stderr.String(), "connectd: ") || !strings.Contains(stderr.String(), "refused") {
			t.Errorf("connectd %s against a closed port: exit %d, stderr %q", strings.Join(args, " "), code, stderr.String())
		}
	}
}

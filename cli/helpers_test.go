package cli

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/api"
	"github.com/connectd/connectd/sqlite"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestMain keeps the AWS SDK's own reading of the process environment and
// of ~/.aws out of the tests: Run passes what it reads through getenv as
// explicit options, but the SDK's loader also reads the real environment.
func TestMain(m *testing.M) {
	for _, k := range []string{"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
		"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL",
		"AWS_ENDPOINT_URL_CONNECT", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
		"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "CONNECTD_INSTANCE"} {
		os.Unsetenv(k)
	}
	dir, err := os.MkdirTemp("", "cli-test")
	if err != nil {
		panic(err)
	}
	os.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "no-config"))
	os.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "no-credentials"))
	os.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// start is the test server's clock reading when it starts.
var start = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// testServer is an in-process connectd on an in-memory SQLite store, with a
// manual clock and a deterministic id sequence, so that output repeats.
type testServer struct {
	url   string
	clock *connectd.ManualClock
}

func newServer(t *testing.T, opts ...func(*api.Config)) *testServer {
	t.Helper()
	clock := connectd.NewManualClock(start)
	log := slog.New(slog.DiscardHandler)
	store, err := sqlite.Open(context.Background(), sqlite.MemoryPath, clock, log)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	cfg := api.Config{
		Service: connectd.NewService(store, clock), Clock: clock, Logger: log, Region: "us-east-1", Version: "test",
		StoreName: "sqlite", Ping: store.Ping, Admin: true, NewID: connectd.NewSeededIDs(1),
	}
	for _, o := range opts {
		o(&cfg)
	}
	srv := httptest.NewServer(api.New(cfg))
	t.Cleanup(func() {
		srv.Close()
		if err := store.Close(); err != nil {
			t.Errorf("close store: %v", err)
		}
	})
	return &testServer{url: srv.URL, clock: clock}
}

// session runs commands the way a terminal session would, against one
// server, and keeps a transcript of them for a golden file.
type session struct {
	t   *testing.T
	srv *testServer
	// env is what getenv returns; the endpoint is set by newSession.
	env        map[string]string
	transcript strings.Builder
	// shown replaces random strings (such as temporary paths) in the
	// transcript with stable names.
	shown []string
	// redact replaces what varies from run to run (such as chat tokens).
	redact []redaction
}

type redaction struct {
	re   *regexp.Regexp
	with string
}

// result is what one command did.
type result struct {
	stdout, stderr string
	code           int
}

func newSession(t *testing.T, opts ...func(*api.Config)) *session {
	t.Helper()
	srv := newServer(t, opts...)
	return &session{t: t, srv: srv, env: map[string]string{"AWS_ENDPOINT_URL": srv.url}}
}

// run runs one command line and records it in the transcript.
func (s *session) run(args ...string) result { return s.runWithStdin("", args...) }

// runWithStdin runs a command line with stdin, and records both.
func (s *session) runWithStdin(stdin string, args ...string) result {
	s.t.Helper()
	var stdout, stderr bytes.Buffer
	getenv := func(k string) string { return s.env[k] }
	code := Run(context.Background(), args, strings.NewReader(stdin), &stdout, &stderr, getenv)
	r := result{stdout.String(), stderr.String(), code}
	if stdin != "" {
		s.transcript.WriteString("$ echo " + quote(strings.TrimSuffix(stdin, "\n")) + " | connectd " + quoteAll(args) + "\n")
	} else {
		s.transcript.WriteString("$ connectd " + quoteAll(args) + "\n")
	}
	s.transcript.WriteString(r.stdout)
	for _, line := range strings.SplitAfter(r.stderr, "\n") {
		if line != "" {
			s.transcript.WriteString("! " + line)
		}
	}
	if code != 0 {
		fmt.Fprintf(&s.transcript, "(exit %d)\n", code)
	}
	s.transcript.WriteString("\n")
	return r
}

// must runs a command that has to succeed and returns its stdout.
func (s *session) must(args ...string) string {
	s.t.Helper()
	r := s.run(args...)
	if r.code != 0 {
		s.t.Fatalf("connectd %s: exit %d\n%s%s", quoteAll(args), r.code, r.stdout, r.stderr)
	}
	return r.stdout
}

// expect runs a command that has to exit with code and print an error
// line starting with prefix.
func (s *session) expect(code int, prefix string, args ...string) result {
	s.t.Helper()
	r := s.run(args...)
	if r.code != code || !strings.HasPrefix(r.stderr, prefix) {
		s.t.Errorf("connectd %s: exit %d, stderr %q; want exit %d, stderr starting %q",
			quoteAll(args), r.code, r.stderr, code, prefix)
	}
	return r
}

// note adds a comment line to the transcript.
func (s *session) note(text string) { s.transcript.WriteString("# " + text + "\n\n") }

// golden compares the transcript with testdata/NAME.golden (rewritten
// with -update).
func (s *session) golden(name string) {
	s.t.Helper()
	out := strings.NewReplacer(s.shown...).Replace(s.transcript.String())
	for _, r := range s.redact {
		out = r.re.ReplaceAllString(out, r.with)
	}
	compareGolden(s.t, name, out)
}

func compareGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (go test -update rewrites it):\n%s", path, diff(string(want), got))
	}
}

// diff shows the first differing lines of want and got.
func diff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d:\nwant: %s\n got: %s", i+1, wl, gl)
		}
	}
	return ""
}

func quoteAll(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = quote(a)
	}
	return strings.Join(q, " ")
}

// quote quotes an argument for the transcript as a shell would need it;
// a very long one is cut.
func quote(a string) string {
	if len(a) > 100 {
		a = fmt.Sprintf("%s…(%d bytes)", a[:40], len(a))
	}
	if a != "" && !strings.ContainsAny(a, " \t\n'\"$&|;<>*?()\\!`{}") {
		return a
	}
	return "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
}

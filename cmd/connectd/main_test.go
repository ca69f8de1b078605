package main

import (
	"context"
	"strings"
	"testing"

	"github.com/connectd/connectd/connecttest"
)

// runLine runs one command line through main's dispatch and returns its
// exit code and output.
func runLine(t *testing.T, environ map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr strings.Builder
	e := env{stdout: &stdout, stderr: &stderr, getenv: func(k string) string { return environ[k] }}
	code := runMain(context.Background(), args, nil, e)
	return code, stdout.String(), stderr.String()
}

// TestVersionAndHelp: --version and version print the version; help CMD
// prints that command's help, not the top-level one.
func TestVersionAndHelp(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"version"}, {"--version"}, {"-v"}} {
		if code, out, _ := runLine(t, nil, args...); code != 0 || out != "connectd "+version()+"\n" {
			t.Errorf("connectd %s: exit %d, %q", strings.Join(args, " "), code, out)
		}
	}
	code, out, _ := runLine(t, nil, "help", "attrs")
	if code != 0 || !strings.Contains(out, "connectd attrs [command]") || strings.Contains(out, "connectd serve [flags]") {
		t.Errorf("help attrs: exit %d, not the attrs help:\n%s", code, out)
	}
	code, out, _ = runLine(t, nil, "help", "attrs", "set")
	if code != 0 || !strings.Contains(out, "connectd attrs set CONTACT KEY=VALUE") {
		t.Errorf("help attrs set: exit %d:\n%s", code, out)
	}
	if code, _, errOut := runLine(t, nil, "help", "serve"); code != 0 || !strings.Contains(errOut, "Usage: connectd serve [flags]") {
		t.Errorf("help serve: exit %d:\n%s", code, errOut)
	}
	if code, _, errOut := runLine(t, nil, "help", "bogus"); code != 2 || !strings.Contains(errOut, `unknown help topic "bogus"`) {
		t.Errorf("help bogus: exit %d, %q", code, errOut)
	}
	if code, out, _ := runLine(t, nil, "help"); code != 0 || !strings.Contains(out, "connectd help COMMAND") {
		t.Errorf("help: exit %d:\n%s", code, out)
	}
}

// TestServeHelpPlaceholders: serve -h names a real placeholder for every
// flag that takes a value, and the three forms of --data.
func TestServeHelpPlaceholders(t *testing.T) {
	t.Parallel()
	_, _, help := runLine(t, nil, "serve", "-h")
	for _, want := range []string{
		"-addr host:port", "-data directory|:memory:|postgres://URL", ":memory:", "postgres://user:password@host:5432/connectd",
		"-max-skew duration", "-log-format format", "-log-level level", "-metrics", "-throttle mode", "-auth mode",
		"-seed number", "-init file", "-credentials file", "-region region",
	} {
		if !strings.Contains(help, want) {
			t.Errorf("serve -h lacks %q:\n%s", want, help)
		}
	}
	if strings.Contains(help, "-max-skew way") {
		t.Errorf("serve -h still shows the placeholder 'way':\n%s", help)
	}
}

// TestGlobalFlagsBeforeTheCommand runs a client line whose global flags
// come first through main's dispatch.
func TestGlobalFlagsBeforeTheCommand(t *testing.T) {
	t.Parallel()
	srv := connecttest.New(t)
	code, _, errOut := runLine(t, nil, "--endpoint-url", srv.URL, "-o", "json", "instance", "create", "--alias", "first")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	code, out, errOut := runLine(t, nil, "--endpoint-url", srv.URL, "--region", "us-east-1", "-o", "json", "instance", "list")
	if code != 0 || !strings.Contains(out, `"InstanceAlias": "first"`) {
		t.Fatalf("exit %d, %q %q", code, out, errOut)
	}
}

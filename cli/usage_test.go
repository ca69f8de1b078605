package cli

import (
	"strings"
	"testing"
)

// TestUsageErrors runs command lines that are wrong: each prints a message
// and a pointer to --help on stderr, and exits 2.
func TestUsageErrors(t *testing.T) {
	t.Parallel()
	s := newSession(t)
	s.expect(ExitUsage, `connectd: unknown command "bogus" for "connectd"`, "bogus")
	s.expect(ExitUsage, `connectd: unknown command "bogus" for "connectd attrs"`, "attrs", "bogus")
	s.expect(ExitUsage, "connectd: connectd attrs needs a subcommand: get, set, unset", "attrs")
	s.expect(ExitUsage, "connectd: connectd admin needs a subcommand: clock, export, import, records, reset", "admin")
	s.expect(ExitUsage, "connectd: unknown flag: --bogus", "instance", "list", "--bogus")
	s.expect(ExitUsage, "connectd: unknown shorthand flag: 'x' in -x", "instance", "list", "-x")
	s.expect(ExitUsage, `connectd: --output must be table or json, not "yaml"`, "instance", "list", "-o", "yaml")
	s.expect(ExitUsage, "connectd: flag needs an argument: --instance", "attrs", "get", "c1", "--instance")
	s.expect(ExitUsage, `connectd: invalid argument "maybe" for "--inbound-calls" flag`,
		"instance", "create", "--alias", "x", "--inbound-calls=maybe")
	s.expect(ExitUsage, `connectd: endpoint "not a url" is not a URL`, "instance", "list", "--endpoint-url", "not a url")
	s.expect(ExitUsage, `connectd: unknown help topic "bogus"`, "help", "bogus")
	s.golden("usage")
}

// TestNoArguments prints the usage on stderr and exits 2, like main does.
func TestNoArguments(t *testing.T) {
	t.Parallel()
	r := newSession(t).run()
	if r.code != ExitUsage || r.stdout != "" || !strings.Contains(r.stderr, "Available Commands:") {
		t.Errorf("connectd with no arguments: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}

// TestHelpOutput pins the help of one command, and checks that --help,
// -h and "help" print it on stdout and exit 0.
func TestHelpOutput(t *testing.T) {
	t.Parallel()
	s := newSession(t)
	help := s.must("attrs", "set", "--help")
	if got := s.must("attrs", "set", "-h"); got != help {
		t.Errorf("-h differs from --help:\n%s", got)
	}
	if got := s.must("help", "attrs", "set"); got != help {
		t.Errorf("help attrs set differs from --help:\n%s", got)
	}
	compareGolden(t, "help-attrs-set", help)
	for _, args := range [][]string{{"--help"}, {"admin", "clock", "--help"}, {"contact", "search", "--help"}} {
		if out := s.must(args...); !strings.Contains(out, "Examples:") {
			t.Errorf("connectd %s has no examples:\n%s", strings.Join(args, " "), out)
		}
	}
}

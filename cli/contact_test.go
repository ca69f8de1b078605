package cli

import (
	"regexp"
	"testing"
	"time"
)

func TestContactCommands(t *testing.T) {
	t.Parallel()
	s := newSession(t)
	s.env["CONNECTD_INSTANCE"] = idOf(t, s.must("instance", "create", "--alias", "demo", "-o", "json"), "Id")
	s.must("contact", "start-task", "--name", "callback", "--flow", "any", "--attr", "tier=gold", "--attr", "priority=high")
	task := idOf(t, s.must("contact", "start-task", "--name", "follow-up", "--flow", "any", "-o", "json",
		"--description", "Call back about the order", "--attr", "order=A-1001"), "ContactId")
	s.redact = append(s.redact, redaction{regexp.MustCompile(`(ParticipantToken +)\S+`), "${1}<random token>"})
	s.must("contact", "start-chat", "--flow", "any", "--display-name", "Ada", "--message", "Hello!", "--attr", "tier=silver")
	s.must("contact", "describe", task)
	s.must("contact", "describe", task, "-o", "json")
	s.note("a contact that joins the chain shows the chain's attributes")
	next := idOf(t, s.must("contact", "start-task", "--name", "step 2", "--flow", "any",
		"--previous-contact", task, "-o", "json"), "ContactId")
	s.must("contact", "describe", next)
	s.must("contact", "stop", task)
	s.expect(ExitError, "ContactNotFoundException: ", "contact", "stop", task)
	s.must("contact", "stop", next, "-o", "json")

	s.note("errors")
	s.expect(ExitError, "ResourceNotFoundException: ", "contact", "describe", "no-such-contact")
	s.expect(ExitError, "ResourceNotFoundException: ", "contact", "describe", task, "--instance", "no-such-instance")
	s.expect(ExitError, "InvalidParameterException: ", "contact", "start-task", "--name", "no flow")
	s.expect(ExitError, "InvalidParameterException: ", "contact", "start-task", "--name", "x", "--flow", "any", "--attr", "bad key=1")
	s.expect(ExitUsage, "connectd: required flag(s) \"name\" not set", "contact", "start-task", "--flow", "any")
	s.expect(ExitUsage, "connectd: required flag(s) \"flow\" not set", "contact", "start-chat")
	s.expect(ExitUsage, `connectd: "tier" is not key=value`, "contact", "start-task", "--name", "x", "--flow", "any", "--attr", "tier")
	s.expect(ExitUsage, "connectd: accepts 1 arg(s), received 0", "contact", "describe")
	delete(s.env, "CONNECTD_INSTANCE")
	s.expect(ExitUsage, "connectd: no instance", "contact", "describe", task)
	s.golden("contact")
}

// TestContactSearch searches connectd's contacts by attributes, and
// shows the errors of a bad search.
func TestContactSearch(t *testing.T) {
	t.Parallel()
	s := newSession(t)
	// The command searches back from the real time, so the server's clock
	// is set to it (to the second, so that table columns keep their width),
	// and times are redacted from the transcript.
	s.srv.clock.Set(time.Now().Truncate(time.Second))
	s.redact = append(s.redact, redaction{regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ`), "<now>"})
	s.env["CONNECTD_INSTANCE"] = idOf(t, s.must("instance", "create", "--alias", "demo", "-o", "json"), "Id")
	s.must("contact", "start-task", "--name", "gold", "--flow", "any", "--attr", "tier=gold", "--attr", "lang=en")
	s.must("contact", "start-task", "--name", "silver", "--flow", "any", "--attr", "tier=silver", "--attr", "lang=en")
	s.must("contact", "search", "--attr", "tier=gold", "--since", "24h")
	s.must("contact", "search", "--attr", "lang=en", "-o", "json")
	s.must("contact", "search", "--attr", "tier=platinum")
	s.must("contact", "search")
	s.expect(ExitError, "ResourceNotFoundException: ", "contact", "search", "--instance", "no-such-instance")
	s.expect(ExitUsage, `connectd: invalid duration "yesterday"`, "contact", "search", "--since", "yesterday")
	s.expect(ExitUsage, "connectd: --since must not be negative", "contact", "search", "--since=-1d")
	s.expect(ExitUsage, `connectd: "gold" is not key=value`, "contact", "search", "--attr", "gold")
	s.golden("search")
}

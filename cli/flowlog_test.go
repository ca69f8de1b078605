package cli

import (
	"strings"
	"testing"

	"github.com/connectd/connectd/api"
	"github.com/connectd/connectd/flow"
)

// TestContactFlowLog: a task started on an imported flow runs it, and
// "contact flow-log --wait" prints each action and the run's status.
func TestContactFlowLog(t *testing.T) {
	t.Parallel()
	content := `{\"Version\":\"2019-10-30\",\"StartAction\":\"set\",\"Actions\":[` +
		`{\"Identifier\":\"set\",\"Type\":\"UpdateContactAttributes\",\"Parameters\":{\"Attributes\":{\"seen\":\"$.Attributes.tier\"}},\"Transitions\":{\"NextAction\":\"odd\"}},` +
		`{\"Identifier\":\"odd\",\"Type\":\"GetParticipantInput\",\"Parameters\":{},\"Transitions\":{\"Errors\":[{\"NextAction\":\"end\",\"ErrorType\":\"NoMatchingError\"}]}},` +
		`{\"Identifier\":\"end\",\"Type\":\"EndFlowExecution\"}]}`
	s := flowSession(t, "flow-1", "main", content)
	c := idOf(t, s.must("contact", "start-task", "--name", "t", "--flow", "flow-1", "--attr", "tier=gold", "-o", "json"), "ContactId")
	out := s.must("contact", "flow-log", c, "--wait", "5")
	for _, want := range []string{"set", "UpdateContactAttributes", "odd", "NoMatchingError", "does not emulate", "Flow main (flow-1): COMPLETED"} {
		if !strings.Contains(out, want) {
			t.Errorf("flow-log output lacks %q:\n%s", want, out)
		}
	}
	if got := s.must("attrs", "get", c); !strings.Contains(got, "seen") || !strings.Contains(got, "gold") {
		t.Errorf("attributes after the flow:\n%s", got)
	}
	s.expect(ExitError, "ResourceNotFoundException", "contact", "flow-log", "no-such-contact")
}

// TestContactFlowLogWait: a run paused in a Wait shows as WAITING with the
// Wait and its end, and "admin clock advance" past the end resumes it.
func TestContactFlowLogWait(t *testing.T) {
	t.Parallel()
	content := `{\"Version\":\"2019-10-30\",\"StartAction\":\"w\",\"Actions\":[` +
		`{\"Identifier\":\"w\",\"Type\":\"Wait\",\"Parameters\":{\"TimeoutSeconds\":\"3600\"},\"Transitions\":{\"NextAction\":\"end\"}},` +
		`{\"Identifier\":\"end\",\"Type\":\"EndFlowExecution\"}]}`
	s := flowSession(t, "flow-w", "hold", content)
	c := idOf(t, s.must("contact", "start-task", "--name", "t", "--flow", "flow-w", "-o", "json"), "ContactId")
	if out := s.must("contact", "flow-log", c, "--wait", "5"); !strings.Contains(out, `Flow hold (flow-w): WAITING in Wait "w" until`) {
		t.Fatalf("flow-log of a waiting run:\n%s", out)
	}
	s.must("admin", "clock", "advance", "1h")
	if out := s.must("contact", "flow-log", c, "--wait", "5"); !strings.Contains(out, "Flow hold (flow-w): COMPLETED") || !strings.Contains(out, "WaitCompleted") {
		t.Fatalf("flow-log after the clock passed the wait:\n%s", out)
	}
}

// flowSession is a CLI session on a server that runs flows, with
// CONNECTD_INSTANCE an imported instance that has one flow (content as a
// JSON string's inside).
func flowSession(t *testing.T, flowID, name, content string) *session {
	t.Helper()
	s := newSession(t, func(c *api.Config) {
		r := flow.New(flow.Config{Service: c.Service, Clock: c.Clock})
		c.Service.SetFlowStarter(r)
		t.Cleanup(r.Close)
	})
	inst := "11111111-1111-4111-8111-111111111111"
	s.env["CONNECTD_INSTANCE"] = inst
	snap := `{"Instances":[{"Id":"` + inst + `","InstanceAlias":"demo"}],"Contacts":[],
		"ContactFlows":[{"InstanceId":"` + inst + `","Id":"` + flowID + `","Name":"` + name + `","Type":"CONTACT_FLOW","Content":"` + content + `"}]}`
	if r := s.runWithStdin(snap, "admin", "import", "-"); r.code != 0 {
		t.Fatalf("import: %s%s", r.stdout, r.stderr)
	}
	return s
}

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
	s := newSession(t, func(c *api.Config) {
		r := flow.New(flow.Config{Service: c.Service, Clock: c.Clock})
		c.Service.SetFlowStarter(r)
		t.Cleanup(r.Close)
	})
	inst := "11111111-1111-4111-8111-111111111111"
	s.env["CONNECTD_INSTANCE"] = inst
	content := `{\"Version\":\"2019-10-30\",\"StartAction\":\"set\",\"Actions\":[` +
		`{\"Identifier\":\"set\",\"Type\":\"UpdateContactAttributes\",\"Parameters\":{\"Attributes\":{\"seen\":\"$.Attributes.tier\"}},\"Transitions\":{\"NextAction\":\"odd\"}},` +
		`{\"Identifier\":\"odd\",\"Type\":\"GetParticipantInput\",\"Parameters\":{},\"Transitions\":{\"Errors\":[{\"NextAction\":\"end\",\"ErrorType\":\"NoMatchingError\"}]}},` +
		`{\"Identifier\":\"end\",\"Type\":\"EndFlowExecution\"}]}`
	snap := `{"Instances":[{"Id":"` + inst + `","InstanceAlias":"demo"}],"Contacts":[],
		"ContactFlows":[{"InstanceId":"` + inst + `","Id":"flow-1","Name":"main","Type":"CONTACT_FLOW","Content":"` + content + `"}]}`
	if r := s.runWithStdin(snap, "admin", "import", "-"); r.code != 0 {
		t.Fatalf("import: %s%s", r.stdout, r.stderr)
	}
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

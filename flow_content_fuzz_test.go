package connectd_test

import (
	"strings"
	"testing"

	"github.com/connectd/connectd"
)

// FuzzValidateFlowContent: whatever the content, validation returns
// without panicking (the fuzzer reports a hang), is deterministic, and accepts only what
// parses with a known StartAction.
func FuzzValidateFlowContent(f *testing.F) {
	f.Add(`{"Version":"2019-10-30","StartAction":"e","Actions":[{"Identifier":"e","Type":"EndFlowExecution"}]}`, true)
	f.Add(`{"Version":"2019-10-30","StartAction":"a","Actions":[{"Identifier":"a","Type":"Compare","Parameters":{"ComparisonValue":"$.Channel"},"Transitions":{"Conditions":[{"NextAction":"a","Condition":{"Operator":"Equals","Operands":["TASK"]}}]}}]}`, true)
	f.Add(`{"Actions":[{"Parameters":{"InvocationTimeLimitSeconds":1e400}}]}`, true)
	f.Add(`{"Actions":null,"Version":7}`, false)
	f.Add(`{"Version":"2019-10-30","StartAction":"w","Actions":[{"Identifier":"w","Type":"Wait","Parameters":{"TimeoutSeconds":"$.Attributes.s","Events":["CustomerReturned"]}},{"Identifier":"q","Type":"UpdateContactTargetQueue","Parameters":{"QueueId":"q","AgentId":1}}]}`, true)
	f.Add(strings.Repeat("[", 20000), true)
	f.Fuzz(func(t *testing.T, content string, published bool) {
		p1 := connectd.ValidateFlowContent(content, published)
		p2 := connectd.ValidateFlowContent(content, published)
		if strings.Join(p1, "\n") != strings.Join(p2, "\n") {
			t.Fatalf("not deterministic: %q vs %q", p1, p2)
		}
		if len(p1) == 0 {
			c, err := connectd.ParseFlowContent(content)
			if err != nil {
				t.Fatalf("accepted content that does not parse: %v", err)
			}
			if published && c.Action(c.StartAction) == nil {
				t.Fatalf("accepted a published flow whose StartAction %q names no action", c.StartAction)
			}
		}
		for _, p := range p1 {
			if p == "" {
				t.Fatal("an empty problem message")
			}
		}
	})
}

package cli

import (
	"encoding/json"
	"testing"
)

// idOf reads the id a create or start command printed with -o json.
func idOf(t *testing.T, out, member string) string {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	id, _ := v[member].(string)
	if id == "" {
		t.Fatalf("no %s in %s", member, out)
	}
	return id
}

func TestInstanceCommands(t *testing.T) {
	t.Parallel()
	s := newSession(t)
	s.must("instance", "create", "--alias", "demo")
	id := idOf(t, s.must("instance", "create", "--alias", "another", "-o", "json"), "Id")
	s.must("instance", "list")
	s.must("instance", "list", "--output", "json")
	s.must("instance", "describe", id)
	s.note("--instance defaults from CONNECTD_INSTANCE")
	s.env["CONNECTD_INSTANCE"] = id
	s.must("instance", "describe")
	s.must("instance", "describe", "-o", "json")
	s.must("instance", "delete")
	s.expect(ExitError, "ResourceNotFoundException: ", "instance", "describe")
	s.expect(ExitError, "ResourceNotFoundException: ", "instance", "delete", id)
	delete(s.env, "CONNECTD_INSTANCE")
	s.expect(ExitUsage, "connectd: no instance", "instance", "describe")
	s.expect(ExitError, "InvalidRequestException: ", "instance", "create", "--alias", "demo")
	s.expect(ExitError, "InvalidRequestException: ", "instance", "create")
	s.expect(ExitUsage, "connectd: accepts at most 1 arg(s), received 2", "instance", "describe", "a", "b")
	s.golden("instance")
}

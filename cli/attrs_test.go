package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAttrsCommands(t *testing.T) {
	t.Parallel()
	s := newSession(t)
	s.env["CONNECTD_INSTANCE"] = idOf(t, s.must("instance", "create", "--alias", "demo", "-o", "json"), "Id")
	c := idOf(t, s.must("contact", "start-task", "--name", "t", "--flow", "any", "-o", "json"), "ContactId")
	s.must("attrs", "get", c)
	s.must("attrs", "set", c, "tier=gold", "priority=high")
	long := strings.Repeat("0123456789", 8)
	s.must("attrs", "set", c, "notes="+long, "escaped=@@handle", "empty-looking= ", "multi=line one\nline two")
	dir := t.TempDir()
	s.shown = append(s.shown, dir, "$TMP")
	file := filepath.Join(dir, "customer.json")
	if err := os.WriteFile(file, []byte(`{"name":"Ada","vip":true}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s.note("@FILE reads a value from a file, - from stdin")
	if r := s.run("attrs", "set", c, "customer=@"+file); r.code != 0 {
		t.Fatalf("attrs set @file: %+v", r)
	}
	s.runWithStdin("from stdin\n", "attrs", "set", c, "source=-")
	s.must("attrs", "get", c)
	s.must("attrs", "get", c, "-o", "json")
	s.must("attrs", "unset", c, "priority", "notes")
	s.must("attrs", "get", c)
	s.must("attrs", "unset", c, "source", "-o", "json")

	s.note("errors")
	s.expect(ExitUsage, `connectd: "tier" is not key=value`, "attrs", "set", c, "tier")
	s.expect(ExitUsage, `connectd: "=gold" is not key=value`, "attrs", "set", c, "=gold")
	s.expect(ExitUsage, `connectd: key "tier" is given twice`, "attrs", "set", c, "tier=a", "tier=b")
	s.expect(ExitUsage, `connectd: only one value can be read from stdin (key "b")`, "attrs", "set", c, "a=-", "b=-")
	s.expect(ExitUsage, `connectd: read the value of "x": open `+filepath.Join(dir, "missing"),
		"attrs", "set", c, "x=@"+filepath.Join(dir, "missing"))
	s.expect(ExitUsage, "connectd: requires at least 2 arg(s), only received 1", "attrs", "set", c)
	s.expect(ExitUsage, "connectd: requires at least 2 arg(s), only received 1", "attrs", "unset", c)
	s.expect(ExitError, "InvalidParameterException: ", "attrs", "set", c, "bad key=1")
	s.expect(ExitError, "InvalidParameterException: ", "attrs", "set", c, "big="+strings.Repeat("x", 33000))
	s.expect(ExitError, "ResourceNotFoundException: ", "attrs", "get", "no-such-contact")
	s.expect(ExitError, "ResourceNotFoundException: ", "attrs", "set", "no-such-contact", "a=b")
	s.golden("attrs")
}

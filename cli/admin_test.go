package cli

// Tests of the admin commands, against the real control plane of an
// in-process server (api.New with Admin: true, a *connectd.ManualClock
// reading 2026-11-23T10:00:00Z).

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/connectd/connectd/api"
)

// TestAdminClock: GET, PUT, POST .../advance and DELETE /_connectd/clock.
func TestAdminClock(t *testing.T) {
	t.Parallel()
	s := newSession(t)
	s.must("admin", "clock")                                // GET /_connectd/clock
	s.must("admin", "clock", "show", "-o", "json")          // GET /_connectd/clock
	s.must("admin", "clock", "set", "2028-01-01T09:00:00Z") // PUT {"Now":1830330000}
	s.must("admin", "clock", "set", "1830330000.5")         // PUT {"Now":1830330000.5}
	s.must("admin", "clock", "set", "2027-02-28")           // PUT {"Now":1803772800}
	s.must("admin", "clock", "advance", "36h")              // POST {"Seconds":129600}
	s.must("admin", "clock", "advance", "1y", "-o", "json") // GET, then POST {"Seconds":31622400} (across 2028-02-29)
	s.must("admin", "clock", "advance", "--", "-1d")        // POST {"Seconds":-86400}
	s.must("admin", "clock", "advance", "1y1d")             // GET, then POST {"Seconds":31708800} (2028 is a leap year)
	if got, want := s.srv.clock.Now(), time.Date(2029, 3, 2, 12, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("server clock %v, want %v", got, want)
	}
	s.must("admin", "clock", "reset") // DELETE /_connectd/clock (a ManualClock stays put)

	s.note("errors")
	s.expect(ExitUsage, `connectd: invalid time "tomorrow"`, "admin", "clock", "set", "tomorrow")
	s.expect(ExitUsage, `connectd: invalid duration "1.5y": years must be whole`, "admin", "clock", "advance", "1.5y")
	s.expect(ExitUsage, "connectd: unknown shorthand flag: '1' in -1d", "admin", "clock", "advance", "-1d")
	s.expect(ExitUsage, `connectd: unknown command "tick" for "connectd admin clock"`, "admin", "clock", "tick")
	s.expect(ExitUsage, "connectd: accepts 1 arg(s), received 0", "admin", "clock", "set")
	s.golden("admin-clock")
}

// TestAdminClockRetention: "advance 2y" moves by calendar years, which is
// exactly connectd's 24-month retention; one second more and the contact
// is gone.
func TestAdminClockRetention(t *testing.T) {
	t.Parallel()
	s := newSession(t)
	s.env["CONNECTD_INSTANCE"] = idOf(t, s.must("instance", "create", "--alias", "demo", "-o", "json"), "Id")
	c := idOf(t, s.must("contact", "start-task", "--name", "t", "--flow", "any", "--attr", "tier=gold", "-o", "json"), "ContactId")
	s.must("admin", "clock", "advance", "2y") // GET, then POST {"Seconds":63158400}
	s.must("attrs", "get", c)
	s.must("admin", "clock", "advance", "1s") // POST {"Seconds":1}
	s.expect(ExitError, "ResourceNotFoundException: ", "attrs", "get", c)
	s.golden("admin-retention")
}

const fixtures = `{"Instances": [{"Id": "11111111-1111-4111-8111-111111111111", "InstanceAlias": "demo"}],
 "Contacts": [{"InstanceId": "11111111-1111-4111-8111-111111111111", "Id": "c1",
               "Channel": "VOICE", "InitiationMethod": "INBOUND",
               "InitiationTimestamp": 1795400000, "DisconnectTimestamp": 1795400300,
               "Name": "first call", "Attributes": {"tier": "gold"}},
              {"InstanceId": "11111111-1111-4111-8111-111111111111", "Id": "c2",
               "InitialContactId": "c1", "PreviousContactId": "c1", "Channel": "VOICE",
               "InitiationMethod": "TRANSFER", "InitiationTimestamp": 1795400301}]}
`

// TestAdminImportExportReset: POST /_connectd/import (the file's bytes,
// unchanged), GET /_connectd/export, POST /_connectd/reset.
func TestAdminImportExportReset(t *testing.T) {
	t.Parallel()
	s := newSession(t)
	dir := t.TempDir()
	s.shown = append(s.shown, dir, "$TMP")
	file := filepath.Join(dir, "fixtures.json")
	if err := os.WriteFile(file, []byte(fixtures), 0o644); err != nil {
		t.Fatal(err)
	}
	s.must("admin", "import", file) // POST /_connectd/import, body = the file → {"Instances":1,"Contacts":2}
	s.must("admin", "export")       // GET /_connectd/export
	s.must("attrs", "get", "c1", "--instance", "11111111-1111-4111-8111-111111111111")
	s.must("admin", "reset")                                       // POST /_connectd/reset → {}
	s.must("admin", "export")                                      // GET /_connectd/export: {"Instances":[],"Contacts":[]}
	s.runWithStdin(fixtures, "admin", "import", "-", "-o", "json") // POST /_connectd/import from stdin
	s.must("admin", "reset", "-o", "json")

	s.note("errors")
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"Instances":[{"Id":"i1"}],"Contacts":[{"InstanceId":"i1","Id":"c9","Channel":"VOICE","Attributes":{"a b":"x"}}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	// 400 InvalidRequestException naming the record; nothing imported.
	s.expect(ExitError, "InvalidRequestException: Contacts[0] (Id \"c9\")", "admin", "import", bad)
	malformed := filepath.Join(dir, "malformed.json")
	if err := os.WriteFile(malformed, []byte(`{"Instances": [`), 0o644); err != nil {
		t.Fatal(err)
	}
	s.expect(ExitError, "SerializationException: ", "admin", "import", malformed) // 400 for malformed JSON
	s.expect(ExitUsage, "connectd: open "+filepath.Join(dir, "missing.json"), "admin", "import", filepath.Join(dir, "missing.json"))
	s.expect(ExitUsage, "connectd: accepts 1 arg(s), received 0", "admin", "import")
	s.golden("admin-data")
}

// TestAdminTurnedOff: with --admin=false the control plane answers 404
// UnknownOperationException, which the commands report with exit 1.
func TestAdminTurnedOff(t *testing.T) {
	t.Parallel()
	s := newSession(t, func(c *api.Config) { c.Admin = false })
	s.expect(ExitError, "UnknownOperationException: The connectd control plane is turned off", "admin", "reset")
	s.expect(ExitError, "UnknownOperationException: ", "admin", "clock")
	s.expect(ExitError, "UnknownOperationException: ", "admin", "export")
	s.golden("admin-off")
}

// TestAdminRecords: GET /_connectd/outbox, after a task is started,
// stopped, and its attributes changed once it has ended: two records
// (the end, and the update of the ended contact) and four events.
func TestAdminRecords(t *testing.T) {
	t.Parallel()
	s := newSession(t)
	s.must("admin", "records") // no entries yet
	s.env["CONNECTD_INSTANCE"] = idOf(t, s.must("instance", "create", "--alias", "demo", "-o", "json"), "Id")
	c := idOf(t, s.must("contact", "start-task", "--name", "t", "--flow", "any", "--attr", "tier=gold", "-o", "json"), "ContactId")
	s.must("contact", "stop", c)
	s.must("attrs", "set", c, "tier=platinum")
	s.must("admin", "records")
	s.must("admin", "records", "--events")
	s.must("admin", "records", "--all", "--instance-id", "no-such-instance")
	out := s.must("admin", "records", "-o", "json")
	if !strings.Contains(out, `"AWSContactTraceRecordFormatVersion": "2017-03-10"`) || !strings.Contains(out, `"tier": "platinum"`) {
		t.Errorf("records as JSON lack the record's payload:\n%s", out)
	}
	s.golden("admin-records")
}

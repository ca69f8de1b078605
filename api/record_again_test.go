package api_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
)

// TestRecordSentAgainSaysHowTheContactEnded: an update of a contact that
// has ended sends its contact record again (the contact records data
// model), and that record repeats DisconnectReason, as the first did. The
// fact travels in fixtures: an export carries it in the contact's State
// and an import into another server restores it.
func TestRecordSentAgainSaysHowTheContactEnded(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	inst := s.newInstance(t)
	id := s.newTask(t, inst, map[string]string{"a": "1"})
	if _, err := s.client.StopContact(ctx, &connect.StopContactInput{InstanceId: aws.String(inst), ContactId: aws.String(id)}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.client.UpdateContactAttributes(ctx, &connect.UpdateContactAttributesInput{InstanceId: aws.String(inst),
		InitialContactId: aws.String(id), Attributes: map[string]string{"a": "2"}}); err != nil {
		t.Fatal(err)
	}
	records := func(s *testServer) []map[string]any {
		r := s.raw(t, "GET", "/_connectd/outbox?Kind=CONTACT_RECORD&InstanceId="+inst, "")
		var page struct {
			Entries []struct{ Payload map[string]any }
		}
		if r.status != 200 || json.Unmarshal([]byte(r.body), &page) != nil {
			t.Fatalf("outbox: %d %s", r.status, r.body)
		}
		var out []map[string]any
		for _, e := range page.Entries {
			out = append(out, e.Payload)
		}
		return out
	}
	recs := records(s)
	if len(recs) != 2 {
		t.Fatalf("%d contact records, want the first and the one sent again: %v", len(recs), recs)
	}
	for i, rec := range recs {
		if rec["DisconnectReason"] != "API" {
			t.Errorf("record %d: DisconnectReason %v, want API", i, rec["DisconnectReason"])
		}
	}
	if got := recs[1]["Attributes"].(map[string]any)["a"]; got != "2" {
		t.Errorf("record sent again has a=%v, want the update's 2", got)
	}

	exported := s.raw(t, "GET", "/_connectd/export", "")
	if !strings.Contains(exported.body, `"DisconnectReason":"API"`) {
		t.Fatalf("export lacks how the contact ended: %s", exported.body)
	}
	s2 := newServer(t)
	if r := s2.raw(t, "POST", "/_connectd/import", exported.body); r.status != 200 {
		t.Fatalf("import of the export: %d %s", r.status, r.body)
	}
	if again := s2.raw(t, "GET", "/_connectd/export", ""); again.body != exported.body {
		t.Fatalf("export after import differs:\n%s\nwant\n%s", again.body, exported.body)
	}
	// A fixture's DisconnectReason must be one a record can say.
	bad := strings.Replace(exported.body, `"DisconnectReason":"API"`, `"DisconnectReason":"bogus"`, 1)
	if r := newServer(t).raw(t, "POST", "/_connectd/import", bad); r.status != 400 || !strings.Contains(r.body, "DisconnectReason") {
		t.Errorf("import of DisconnectReason bogus: %d %s, want 400 naming it", r.status, r.body)
	}
	if _, err := s2.client.UpdateContactAttributes(ctx, &connect.UpdateContactAttributesInput{InstanceId: aws.String(inst),
		InitialContactId: aws.String(id), Attributes: map[string]string{"a": "3"}}); err != nil {
		t.Fatal(err)
	}
	if recs := records(s2); len(recs) != 1 || recs[0]["DisconnectReason"] != "API" {
		t.Errorf("after import, the record sent again: %v, want one with DisconnectReason API", recs)
	}
}

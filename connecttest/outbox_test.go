package connecttest_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/connectd/connectd/connecttest"
)

// TestRecordsAndEvents: a test can read the contact records and events a
// contact's life wrote, without any Kinesis or EventBridge: here the
// record of a stopped task, and the record sent again when the ended
// contact's attributes change, as Amazon Connect does.
func TestRecordsAndEvents(t *testing.T) {
	t.Parallel()
	srv := connecttest.New(t)
	c, ctx := srv.Client(), context.Background()
	inst := createInstance(t, c)
	task, err := c.StartTaskContact(ctx, &connect.StartTaskContactInput{InstanceId: aws.String(inst), Name: aws.String("t"),
		ContactFlowId: aws.String("f"), Attributes: map[string]string{"crm": "import"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.StopContact(ctx, &connect.StopContactInput{InstanceId: aws.String(inst), ContactId: task.ContactId}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UpdateContactAttributes(ctx, &connect.UpdateContactAttributesInput{InstanceId: aws.String(inst),
		InitialContactId: task.ContactId, Attributes: map[string]string{"after": "end"}}); err != nil {
		t.Fatal(err)
	}
	recs, err := srv.Records(inst)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 {
		t.Fatalf("%d records, want 2 (the end, then the update of the ended contact)", len(recs))
	}
	for i, r := range recs {
		if r.ContactId != aws.ToString(task.ContactId) || r.Kind != "CONTACT_RECORD" || r.State != "NO_DESTINATION" && r.State != "PENDING" {
			t.Errorf("record %d: %+v", i, r)
		}
	}
	if a := recs[1].Payload["Attributes"].(map[string]any); a["crm"] != "import" || a["after"] != "end" {
		t.Errorf("second record's Attributes = %v", a)
	}
	if _, ok := recs[0].Payload["Agent"]; !ok {
		t.Error("the record has no Agent key")
	}
	evs, err := srv.Events(inst)
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, e := range evs {
		types = append(types, e.Payload["detail"].(map[string]any)["eventType"].(string))
	}
	if want := []string{"INITIATED", "CONNECTED_TO_SYSTEM", "DISCONNECTED", "CONTACT_DATA_UPDATED"}; !slices.Equal(types, want) {
		t.Fatalf("events = %q, want %q", types, want)
	}
}

// TestOutboxEndpointRefusesBadParameters: a bad query is a 400 naming the
// parameter, never a 500 or an empty answer.
func TestOutboxEndpointRefusesBadParameters(t *testing.T) {
	t.Parallel()
	srv := connecttest.New(t)
	for _, q := range []string{"Kind=RECORD", "After=-1", "After=x", "MaxResults=0", "MaxResults=1001"} {
		resp, err := http.Get(srv.URL + "/_connectd/outbox?" + q)
		if err != nil {
			t.Fatal(err)
		}
		var body struct{ Message string }
		_ = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest || body.Message == "" {
			t.Errorf("?%s: %d %q, want 400 with a message", q, resp.StatusCode, body.Message)
		}
	}
}

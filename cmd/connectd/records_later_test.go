package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
)

// outboxStates reads GET /_connectd/outbox of the instance as
// "KIND:STATE" strings, oldest first.
func outboxStates(t *testing.T, url, instanceID string) []string {
	t.Helper()
	resp, err := http.Get(url + "/_connectd/outbox?InstanceId=" + instanceID)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Entries []struct{ Kind, State string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	var s []string
	for _, e := range out.Entries {
		s = append(s, e.Kind+":"+e.State)
	}
	return s
}

// TestRecordsGoToTheStreamOfTheirTime: with serve's defaults (contact
// events off) the control plane shows every event, and the record of an
// instance without a storage config, NO_DESTINATION as soon as the
// request is answered, with no deliverer pass in between. An instance
// that gains a Kinesis stream afterwards streams the records written from
// then on (here: the record an update of the ended contact sends again),
// never the one of before.
func TestRecordsGoToTheStreamOfTheirTime(t *testing.T) {
	stub := kinesisAt(t)
	url, stop := startInProcess(t, "--data", t.TempDir())
	defer func() { _ = stop() }()
	c, ctx := sdkClient(url), context.Background()
	inst := createInstance(t, c)
	task, err := c.StartTaskContact(ctx, &connect.StartTaskContactInput{InstanceId: inst.Id, Name: aws.String("t"),
		ContactFlowId: aws.String("f")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.StopContact(ctx, &connect.StopContactInput{InstanceId: inst.Id, ContactId: task.ContactId}); err != nil {
		t.Fatal(err)
	}
	want := []string{"CONTACT_EVENT:NO_DESTINATION", "CONTACT_EVENT:NO_DESTINATION", "CONTACT_RECORD:NO_DESTINATION",
		"CONTACT_EVENT:NO_DESTINATION"}
	if got := outboxStates(t, url, aws.ToString(inst.Id)); !slices.Equal(got, want) {
		t.Fatalf("outbox right after StopContact = %q, want %q", got, want)
	}

	if _, err := c.AssociateInstanceStorageConfig(ctx, &connect.AssociateInstanceStorageConfigInput{
		InstanceId: inst.Id, ResourceType: types.InstanceStorageResourceTypeContactTraceRecords,
		StorageConfig: &types.InstanceStorageConfig{StorageType: types.StorageTypeKinesisStream,
			KinesisStreamConfig: &types.KinesisStreamConfig{StreamArn: aws.String("arn:aws:kinesis:us-east-1:000000000000:stream/late")}},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UpdateContactAttributes(ctx, &connect.UpdateContactAttributesInput{InstanceId: inst.Id,
		InitialContactId: task.ContactId, Attributes: map[string]string{"after": "stream"}}); err != nil {
		t.Fatal(err)
	}
	want = append(want, "CONTACT_EVENT:NO_DESTINATION", "CONTACT_RECORD:DELIVERED")
	deadline := time.Now().Add(20 * time.Second)
	for got := outboxStates(t, url, aws.ToString(inst.Id)); !slices.Equal(got, want); got = outboxStates(t, url, aws.ToString(inst.Id)) {
		if time.Now().After(deadline) {
			t.Fatalf("outbox = %q, want %q", got, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
	recs := stub.got()
	if len(recs) != 1 {
		t.Fatalf("the stream received %d records, want 1: the one written after it was configured", len(recs))
	}
	raw, _ := base64.StdEncoding.DecodeString(recs[0]["Data"].(string))
	var rec map[string]any
	if err := json.Unmarshal(raw, &rec); err != nil {
		t.Fatal(err)
	}
	if rec["Attributes"].(map[string]any)["after"] != "stream" {
		t.Errorf("streamed record = %v, want the one the update wrote", rec)
	}
}

package flow_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/connectd/connectd"
)

// disconnectReasons returns the DisconnectReason of each contact record of the
// instance, by contact id (the last record of each contact).
func (e *env) disconnectReasons() map[string]any {
	e.t.Helper()
	entries, err := e.svc.Outbox(context.Background(), e.inst, 0, 1000)
	if err != nil {
		e.t.Fatal(err)
	}
	out := map[string]any{}
	for _, en := range entries {
		if en.Kind != connectd.OutboxRecord {
			continue
		}
		var rec map[string]any
		if err := json.Unmarshal(en.Payload, &rec); err != nil {
			e.t.Fatal(err)
		}
		out[en.ContactID] = rec["DisconnectReason"]
	}
	return out
}

// TestDisconnectParticipantRecord: a flow's DisconnectParticipant ends the
// contact with DisconnectReason CONTACT_FLOW_DISCONNECT in its record,
// while the API's StopContact still says API.
func TestDisconnectParticipantRecord(t *testing.T) {
	e := newEnv(t)
	bye := e.flow("bye", `{"Identifier":"bye","Type":"DisconnectParticipant","Parameters":{}}`)
	byFlow, run := e.task(bye, nil)
	want(t, run, connectd.FlowRunCompleted, "bye")

	stay := e.flow("stay", `{"Identifier":"end","Type":"EndFlowExecution","Parameters":{}}`)
	byAPI, run := e.task(stay, nil)
	want(t, run, connectd.FlowRunCompleted, "end")
	if _, err := e.client.StopContact(context.Background(), &connect.StopContactInput{
		InstanceId: aws.String(e.inst), ContactId: aws.String(byAPI)}); err != nil {
		t.Fatalf("StopContact: %v", err)
	}

	got := e.disconnectReasons()
	if got[byFlow] != connectd.DisconnectFlow {
		t.Errorf("flow-disconnected contact's DisconnectReason %v, want %s", got[byFlow], connectd.DisconnectFlow)
	}
	if got[byAPI] != connectd.DisconnectAPI {
		t.Errorf("StopContact's DisconnectReason %v, want %s", got[byAPI], connectd.DisconnectAPI)
	}
}

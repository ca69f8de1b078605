package flow_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
	"github.com/connectd/connectd"
)

// queueFlow is a flow that sets the target queue to queueID (JSON: a
// string, a reference) and transfers the contact to it; either error
// branch sets failed=<identifier>.
func (e *env) queueFlow(name, queueParams string) string {
	return e.flow(name,
		`{"Identifier":"setq","Type":"UpdateContactTargetQueue","Parameters":{`+queueParams+`},"Transitions":{"NextAction":"xfer","Errors":[{"NextAction":"failed-setq","ErrorType":"NoMatchingError"}]}}`,
		`{"Identifier":"xfer","Type":"TransferContactToQueue","Parameters":{},"Transitions":{"NextAction":"end","Errors":[{"NextAction":"failed-xfer","ErrorType":"NoMatchingError"},{"NextAction":"failed-xfer","ErrorType":"QueueAtCapacity"}]}}`,
		`{"Identifier":"failed-setq","Type":"UpdateContactAttributes","Parameters":{"Attributes":{"failed":"setq"}},"Transitions":{"NextAction":"end"}}`,
		`{"Identifier":"failed-xfer","Type":"UpdateContactAttributes","Parameters":{"Attributes":{"failed":"xfer"}},"Transitions":{"NextAction":"end"}}`,
		`{"Identifier":"end","Type":"EndFlowExecution"}`)
}

func (e *env) describe(contactID string) *connect.DescribeContactOutput {
	e.t.Helper()
	d, err := e.client.DescribeContact(context.Background(), &connect.DescribeContactInput{InstanceId: aws.String(e.inst), ContactId: aws.String(contactID)})
	if err != nil {
		e.t.Fatal(err)
	}
	return d
}

// TestTransferContactToQueue: UpdateContactTargetQueue sets the target
// queue (an id, a queue ARN of the instance or a reference) and
// TransferContactToQueue queues the contact there and ends the flow:
// DescribeContact shows QueueInfo with its EnqueueTimestamp, a QUEUED
// event says so, and the contact record, once the contact ends, has the
// queue's Enqueue and Dequeue timestamps and Duration.
func TestTransferContactToQueue(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	inst, err := e.client.DescribeInstance(ctx, &connect.DescribeInstanceInput{InstanceId: aws.String(e.inst)})
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(inst.Instance.Arn)
	for _, tc := range []struct{ name, params, attr, queue string }{
		{"by-id", `"QueueId":"q-billing"`, "", "q-billing"},
		{"by-arn", `"QueueId":"` + arn + `/queue/q-arn"`, "", "q-arn"},
		{"by-ref", `"QueueId":"$.Attributes.queue"`, "q-ref", "q-ref"},
	} {
		c, run := e.task(e.queueFlow(tc.name, tc.params), map[string]string{"queue": tc.attr})
		want(t, run, connectd.FlowRunCompleted, "setq xfer")
		if en := run.Entries[1]; en.Results != tc.queue || en.Branch != "" {
			t.Fatalf("%s: TransferContactToQueue entry %+v", tc.name, en)
		}
		qi := e.describe(c).Contact.QueueInfo
		if qi == nil || aws.ToString(qi.Id) != tc.queue || qi.EnqueueTimestamp == nil || !qi.EnqueueTimestamp.Equal(e.clock.Now()) {
			t.Fatalf("%s: QueueInfo %+v", tc.name, qi)
		}
	}

	// SearchContacts shows the queue and EnqueueTimestamp too.
	found, err := e.client.SearchContacts(ctx, &connect.SearchContactsInput{InstanceId: aws.String(e.inst),
		TimeRange: &types.SearchContactsTimeRange{Type: types.SearchContactsTimeRangeTypeInitiationTimestamp,
			StartTime: aws.Time(e.clock.Now().Add(-time.Hour)), EndTime: aws.Time(e.clock.Now().Add(time.Hour))},
		SearchCriteria: &types.SearchCriteria{QueueIds: []string{"q-ref"}}})
	if err != nil || len(found.Contacts) != 1 || found.Contacts[0].QueueInfo == nil || found.Contacts[0].QueueInfo.EnqueueTimestamp == nil {
		t.Fatalf("SearchContacts: %v %+v", err, found)
	}

	// TransferToFlow keeps the target queue for the flow it goes on in.
	second := e.flow("second", `{"Identifier":"xfer","Type":"TransferContactToQueue","Parameters":{},"Transitions":{"NextAction":"end"}}`,
		`{"Identifier":"end","Type":"EndFlowExecution"}`)
	first := e.flow("first", `{"Identifier":"setq","Type":"UpdateContactTargetQueue","Parameters":{"QueueId":"q-kept"},"Transitions":{"NextAction":"go"}}`,
		`{"Identifier":"go","Type":"TransferToFlow","Parameters":{"ContactFlowId":"`+second+`"},"Transitions":{}}`)
	kept, run := e.task(first, nil)
	want(t, run, connectd.FlowRunCompleted, "setq go xfer")
	if qi := e.describe(kept).Contact.QueueInfo; qi == nil || aws.ToString(qi.Id) != "q-kept" {
		t.Fatalf("after TransferToFlow: QueueInfo %+v", qi)
	}

	// The QUEUED event and, after StopContact, the record.
	c, _ := e.task(e.queueFlow("record", `"QueueId":"q-rec"`), nil)
	enqueued := e.clock.Now()
	if err := e.clock.Advance(90 * time.Second); err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.StopContact(ctx, &connect.StopContactInput{InstanceId: aws.String(e.inst), ContactId: aws.String(c)}); err != nil {
		t.Fatal(err)
	}
	var queued, record map[string]any
	entries, err := e.svc.Outbox(ctx, e.inst, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, en := range entries {
		var p map[string]any
		if en.ContactID != c || json.Unmarshal(en.Payload, &p) != nil {
			continue
		}
		if en.Kind == connectd.OutboxRecord {
			record = p
		} else if d, _ := p["detail"].(map[string]any); d["eventType"] == connectd.EventQueued {
			queued = d
		}
	}
	iso := func(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
	if qi, _ := queued["queueInfo"].(map[string]any); qi == nil || qi["enqueueTimestamp"] != iso(enqueued) ||
		!strings.HasSuffix(qi["queueArn"].(string), "/queue/q-rec") {
		t.Fatalf("QUEUED event %v", queued)
	}
	q, _ := record["Queue"].(map[string]any)
	if q == nil || q["EnqueueTimestamp"] != iso(enqueued) || q["DequeueTimestamp"] != iso(enqueued.Add(90*time.Second)) || q["Duration"] != float64(90) {
		t.Fatalf("record Queue %v", q)
	}
}

// TestTargetQueueErrors: what connectd can tell is not a queue takes
// UpdateContactTargetQueue's error branch; TransferContactToQueue with no
// target queue takes its own. Neither queues the contact.
func TestTargetQueueErrors(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct{ name, params, message string }{
		{"missing-ref", `"QueueId":"$.Attributes.nothing"`, "resolved to nothing"},
		{"other-instance", `"QueueId":"arn:aws:connect:us-east-1:123456789012:instance/other/queue/q1"`, "not a queue ARN of this instance"},
		{"not-queue-arn", `"QueueId":"arn:aws:connect:us-east-1:123456789012:instance/x/contact-flow/f"`, "not a queue ARN"},
		{"slash", `"QueueId":"a/b"`, "neither a queue id"},
		{"too-long", `"QueueId":"` + strings.Repeat("q", 257) + `"`, "at most 256"},
		{"agent", `"AgentId":"agent-1"`, "agent queues"},
	} {
		c, run := e.task(e.queueFlow(tc.name, tc.params), nil)
		want(t, run, connectd.FlowRunCompleted, "setq!NoMatchingError failed-setq end")
		if !strings.Contains(run.Entries[0].Message, tc.message) || e.describe(c).Contact.QueueInfo != nil {
			t.Fatalf("%s: %+v", tc.name, run.Entries[0])
		}
	}
	noTarget := e.flow("no-target",
		`{"Identifier":"xfer","Type":"TransferContactToQueue","Parameters":{},"Transitions":{"NextAction":"end","Errors":[{"NextAction":"end","ErrorType":"NoMatchingError"}]}}`,
		`{"Identifier":"end","Type":"EndFlowExecution"}`)
	c, run := e.task(noTarget, nil)
	want(t, run, connectd.FlowRunCompleted, "xfer!NoMatchingError end")
	if !strings.Contains(run.Entries[0].Message, "no target queue") || e.describe(c).Contact.QueueInfo != nil {
		t.Fatalf("no target: %+v", run.Entries[0])
	}
}

// TestTransferContactQueueIsTheTarget: TransferContact's QueueId is the
// new contact's target queue, so its flow queues it with
// TransferContactToQueue alone; the Lambda event's Queue is the target
// queue.
func TestTransferContactQueueIsTheTarget(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	arn := "arn:aws:lambda:us-east-1:123456789012:function:queue"
	var queue any
	e.lambdas.Register(arn, func(ctx context.Context, ev json.RawMessage) (any, error) {
		var m map[string]any
		_ = json.Unmarshal(ev, &m)
		queue = m["Details"].(map[string]any)["ContactData"].(map[string]any)["Queue"]
		return map[string]string{}, nil
	})
	id := e.flow("to-queue",
		`{"Identifier":"call","Type":"InvokeLambdaFunction","Parameters":{"LambdaFunctionARN":"`+arn+`"},"Transitions":{"NextAction":"xfer"}}`,
		`{"Identifier":"xfer","Type":"TransferContactToQueue","Parameters":{},"Transitions":{"NextAction":"end"}}`,
		`{"Identifier":"end","Type":"EndFlowExecution"}`)
	task, _ := e.task(e.flow("noop", `{"Identifier":"e","Type":"EndFlowExecution"}`), nil)
	tr, err := e.client.TransferContact(ctx, &connect.TransferContactInput{
		InstanceId: aws.String(e.inst), ContactId: aws.String(task), ContactFlowId: aws.String(id), QueueId: aws.String("q-transfer"),
	})
	if err != nil {
		t.Fatal(err)
	}
	run := e.wait(aws.ToString(tr.ContactId))
	want(t, run, connectd.FlowRunCompleted, "call xfer")
	if qi := e.describe(aws.ToString(tr.ContactId)).Contact.QueueInfo; qi == nil || aws.ToString(qi.Id) != "q-transfer" || qi.EnqueueTimestamp == nil {
		t.Fatalf("QueueInfo %+v", qi)
	}
	if q, _ := queue.(map[string]any); q == nil || !strings.HasSuffix(q["ARN"].(string), "/queue/q-transfer") {
		t.Fatalf("Lambda event Queue %v", queue)
	}
	// The contact it was transferred from was never queued.
	if qi := e.describe(task).Contact.QueueInfo; qi != nil && qi.EnqueueTimestamp != nil {
		t.Fatalf("the first contact's QueueInfo %+v", qi)
	}
}

// TestEnqueueFromFlowRefusals: a contact already queued, or ended, is not
// queued again, and nothing changes.
func TestEnqueueFromFlowRefusals(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c, _ := e.task(e.queueFlow("once", `"QueueId":"q1"`), nil)
	owner := connectd.Owner{AccountID: connectd.DefaultAccountID, Region: "us-east-1"}
	if err := e.svc.EnqueueFromFlow(ctx, owner, e.inst, c, "q2"); connectd.ErrorCode(err) != connectd.EINVALIDREQUEST {
		t.Fatalf("queued twice: %v", err)
	}
	if qi := e.describe(c).Contact.QueueInfo; aws.ToString(qi.Id) != "q1" {
		t.Fatalf("QueueInfo changed: %+v", qi)
	}
	ended, _ := e.task(e.flow("bye", `{"Identifier":"bye","Type":"DisconnectParticipant","Parameters":{}}`), nil)
	if err := e.svc.EnqueueFromFlow(ctx, owner, e.inst, ended, "q2"); connectd.ErrorCode(err) != connectd.ENOTACTIVE {
		t.Fatalf("an ended contact: %v", err)
	}
}

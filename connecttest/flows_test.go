package connecttest_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
	"github.com/connectd/connectd"
	"github.com/connectd/connectd/connecttest"
)

// TestRegisteredLambdaAndWaitFlow: a Go function registered by ARN answers
// a flow's InvokeLambdaFunction, and WaitFlow returns once the flow ran.
func TestRegisteredLambdaAndWaitFlow(t *testing.T) {
	t.Parallel()
	srv := connecttest.New(t)
	c := srv.Client()
	ctx := context.Background()
	inst := createInstance(t, c)
	arn := "arn:aws:lambda:us-east-1:000000000000:function:tier"
	srv.RegisterLambda(arn, func(ctx context.Context, event json.RawMessage) (any, error) {
		var ev struct {
			Details struct {
				ContactData struct{ Attributes map[string]string }
			}
		}
		if err := json.Unmarshal(event, &ev); err != nil {
			return nil, err
		}
		return map[string]string{"vip": map[bool]string{true: "yes", false: "no"}[ev.Details.ContactData.Attributes["tier"] == "gold"]}, nil
	})
	content := `{"Version":"2019-10-30","StartAction":"call","Actions":[
		{"Identifier":"call","Type":"InvokeLambdaFunction","Parameters":{"LambdaFunctionARN":"` + arn + `","InvocationTimeLimitSeconds":"3"},"Transitions":{"NextAction":"set","Errors":[{"NextAction":"end","ErrorType":"NoMatchingError"}]}},
		{"Identifier":"set","Type":"UpdateContactAttributes","Parameters":{"Attributes":{"vip":"$.External.vip"}},"Transitions":{"NextAction":"end"}},
		{"Identifier":"end","Type":"EndFlowExecution"}]}`
	task := startOnFlow(t, c, inst, content, map[string]string{"tier": "gold"})
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	run, err := srv.WaitFlow(wctx, inst, aws.ToString(task.ContactId))
	if err != nil || run.Status != connectd.FlowRunCompleted || len(run.Entries) != 3 {
		t.Fatalf("WaitFlow: %v %+v", err, run)
	}
	attrs, err := c.GetContactAttributes(ctx, &connect.GetContactAttributesInput{InstanceId: aws.String(inst), InitialContactId: task.ContactId})
	if err != nil || attrs.Attributes["vip"] != "yes" {
		t.Fatalf("attributes: %v %v", err, attrs)
	}
}

// TestWaitFlowAtAWait: WaitFlow returns a run paused in a Wait (WAITING,
// with the wait's end) instead of hanging, and again once the clock has
// reached the end (to the millisecond) and the run has gone on.
func TestWaitFlowAtAWait(t *testing.T) {
	t.Parallel()
	srv := connecttest.New(t)
	c := srv.Client()
	ctx := context.Background()
	inst := createInstance(t, c)
	content := `{"Version":"2019-10-30","StartAction":"w","Actions":[
		{"Identifier":"w","Type":"Wait","Parameters":{"TimeoutSeconds":"86400"},"Transitions":{"NextAction":"end","Conditions":[{"NextAction":"set","Condition":{"Operator":"Equals","Operands":["WaitCompleted"]}}]}},
		{"Identifier":"set","Type":"UpdateContactAttributes","Parameters":{"Attributes":{"reminded":"yes"}},"Transitions":{"NextAction":"end"}},
		{"Identifier":"end","Type":"EndFlowExecution"}]}`
	task := startOnFlow(t, c, inst, content, nil)
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	run, err := srv.WaitFlow(wctx, inst, aws.ToString(task.ContactId))
	if err != nil || run.Status != connectd.FlowRunWaiting || run.Wait == nil || run.Wait.Until.Sub(srv.Clock().Now()) < 23*time.Hour {
		t.Fatalf("WaitFlow at a Wait: %v %+v", err, run)
	}
	// A millisecond short of the end the run still waits; at the end it
	// goes on.
	until := run.Wait.Until
	if err := srv.Clock().Freeze(until.Add(-time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if run, err = srv.WaitFlow(wctx, inst, aws.ToString(task.ContactId)); err != nil || run.Status != connectd.FlowRunWaiting {
		t.Fatalf("a millisecond before the end: %v %+v", err, run)
	}
	if err := srv.Clock().Freeze(until); err != nil {
		t.Fatal(err)
	}
	run, err = srv.WaitFlow(wctx, inst, aws.ToString(task.ContactId))
	if err != nil || run.Status != connectd.FlowRunCompleted || len(run.Entries) != 3 {
		t.Fatalf("WaitFlow after the clock passed the Wait: %v %+v", err, run)
	}
	attrs, err := c.GetContactAttributes(ctx, &connect.GetContactAttributesInput{InstanceId: aws.String(inst), InitialContactId: task.ContactId})
	if err != nil || attrs.Attributes["reminded"] != "yes" {
		t.Fatalf("attributes: %v %v", err, attrs)
	}
}

// startOnFlow stores content as a flow of inst and starts a task with
// attrs on it.
func startOnFlow(t *testing.T, c *connect.Client, inst, content string, attrs map[string]string) *connect.StartTaskContactOutput {
	t.Helper()
	ctx := context.Background()
	f, err := c.CreateContactFlow(ctx, &connect.CreateContactFlowInput{InstanceId: aws.String(inst), Name: aws.String("flow"),
		Type: types.ContactFlowTypeContactFlow, Content: aws.String(content)})
	if err != nil {
		t.Fatal(err)
	}
	task, err := c.StartTaskContact(ctx, &connect.StartTaskContactInput{InstanceId: aws.String(inst), Name: aws.String("t"),
		ContactFlowId: f.ContactFlowId, Attributes: attrs})
	if err != nil {
		t.Fatal(err)
	}
	return task
}

package flow_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/connectd/connectd"
)

// waitFlow is a flow that waits timeout (static or a reference), then
// sets waited=yes; a bad timeout takes the error branch to set
// waited=error.
func (e *env) waitFlow(name, timeout string, conditions bool) string {
	next := `"NextAction":"done"`
	if conditions {
		next = `"NextAction":"bad","Conditions":[{"NextAction":"done","Condition":{"Operator":"Equals","Operands":["WaitCompleted"]}}]`
	}
	return e.flow(name,
		`{"Identifier":"w","Type":"Wait","Parameters":{"TimeoutSeconds":`+timeout+`},"Transitions":{`+next+`,"Errors":[{"NextAction":"bad","ErrorType":"NoMatchingError"}]}}`,
		`{"Identifier":"done","Type":"UpdateContactAttributes","Parameters":{"Attributes":{"waited":"yes"}},"Transitions":{"NextAction":"end"}}`,
		`{"Identifier":"bad","Type":"UpdateContactAttributes","Parameters":{"Attributes":{"waited":"error"}},"Transitions":{"NextAction":"end"}}`,
		`{"Identifier":"end","Type":"EndFlowExecution"}`)
}

// TestWaitOnTheClock: a Wait pauses the run, stored WAITING with the end
// of its wait, until the clock passes that end: WaitFlowRun answers with
// the waiting run (it has stopped until the clock moves), moving the
// clock short of the end changes nothing, and moving it past the end
// resumes the run at once through WaitCompleted.
func TestWaitOnTheClock(t *testing.T) {
	e := newEnv(t)
	start := e.clock.Now()
	c, run := e.task(e.waitFlow("hour", `"3600"`, true), nil)
	if run.Status != connectd.FlowRunWaiting || run.Wait == nil || run.Wait.Identifier != "w" ||
		!run.Wait.Until.Equal(start.Add(time.Hour)) || len(run.Entries) != 0 {
		t.Fatalf("waiting run: %+v", run)
	}
	if err := e.clock.Advance(59 * time.Minute); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond) // a run that wrongly woke would move on now
	if run = e.wait(c); run.Status != connectd.FlowRunWaiting || e.attrs(c)["waited"] != "" {
		t.Fatalf("the run went on before the wait's end: %+v", run)
	}
	if err := e.clock.Advance(time.Minute); err != nil {
		t.Fatal(err)
	}
	run = e.wait(c)
	want(t, run, connectd.FlowRunCompleted, "w done end")
	if en := run.Entries[0]; en.Results != "WaitCompleted" || en.Parameters["TimeoutSeconds"] != "3600" || run.Wait != nil {
		t.Fatalf("wait entry %+v, run.Wait %+v", en, run.Wait)
	}
	if e.attrs(c)["waited"] != "yes" {
		t.Fatalf("attributes %v", e.attrs(c))
	}

	// Without a WaitCompleted condition the run takes NextAction; a
	// TimeoutSeconds reference resolves to the attribute's value.
	c, run = e.task(e.waitFlow("ref", `"$.Attributes.secs"`, false), map[string]string{"secs": "60"})
	if run.Status != connectd.FlowRunWaiting {
		t.Fatalf("run %+v", run)
	}
	if err := e.clock.Advance(2 * time.Minute); err != nil {
		t.Fatal(err)
	}
	want(t, e.wait(c), connectd.FlowRunCompleted, "w done end")
}

// TestWaitErrors: a TimeoutSeconds reference that resolves to no integer
// from 1 to 604800 takes the error branch at once, without waiting.
func TestWaitErrors(t *testing.T) {
	e := newEnv(t)
	id := e.waitFlow("bad", `"$.Attributes.secs"`, true)
	for _, secs := range []string{"", "0", "abc", "604801", "1.5"} {
		c, run := e.task(id, map[string]string{"secs": secs})
		want(t, run, connectd.FlowRunCompleted, "w!NoMatchingError bad end")
		if !strings.Contains(run.Entries[0].Message, "TimeoutSeconds") || e.attrs(c)["waited"] != "error" {
			t.Fatalf("secs %q: %+v", secs, run.Entries[0])
		}
	}
	// 604800 (seven days) is the longest wait.
	c, run := e.task(id, map[string]string{"secs": "604800"})
	if run.Status != connectd.FlowRunWaiting {
		t.Fatalf("seven days: %+v", run)
	}
	if err := e.clock.Advance(7 * 24 * time.Hour); err != nil {
		t.Fatal(err)
	}
	want(t, e.wait(c), connectd.FlowRunCompleted, "w done end")
}

// TestWaitContactStopped: a contact stopped while its flow waits ends the
// run when the wait is over, the flow going no further.
func TestWaitContactStopped(t *testing.T) {
	e := newEnv(t)
	c, _ := e.task(e.waitFlow("stop", `60`, true), nil)
	ctx := context.Background()
	if _, err := e.client.StopContact(ctx, &connect.StopContactInput{InstanceId: aws.String(e.inst), ContactId: aws.String(c)}); err != nil {
		t.Fatal(err)
	}
	if err := e.clock.Advance(time.Minute); err != nil {
		t.Fatal(err)
	}
	run := e.wait(c)
	want(t, run, connectd.FlowRunCompleted, "w")
	if !strings.Contains(run.Entries[0].Message, "contact ended") || e.attrs(c)["waited"] != "" {
		t.Fatalf("run %+v, attributes %v", run, e.attrs(c))
	}
}

// TestWaitInterrupted: a run waiting when the Runner closes (the server
// stops) is stored INTERRUPTED, naming the Wait; one left WAITING by a
// process that died is marked INTERRUPTED by the next one. Neither is
// resumed.
func TestWaitInterrupted(t *testing.T) {
	e := newEnv(t)
	c, _ := e.task(e.waitFlow("closing", `600`, true), nil)
	e.runner.Close()
	run, err := e.svc.FlowRunOf(context.Background(), e.inst, c)
	if err != nil || run.Status != connectd.FlowRunInterrupted || !strings.Contains(run.Reason, `Wait "w"`) {
		t.Fatalf("closed while waiting: %v %+v", err, run)
	}

	ctx := context.Background()
	left := &connectd.FlowRun{InstanceID: e.inst, ContactID: "c-waiting", FlowID: "f", Status: connectd.FlowRunWaiting,
		Wait: &connectd.FlowRunWait{Identifier: "w", Until: e.clock.Now().Add(time.Hour)}}
	if err := e.svc.SaveFlowRun(ctx, left); err != nil {
		t.Fatal(err)
	}
	if n, err := e.svc.InterruptFlowRuns(ctx); err != nil || n != 1 {
		t.Fatalf("InterruptFlowRuns: %d, %v", n, err)
	}
	got, err := e.svc.FlowRunOf(ctx, e.inst, "c-waiting")
	if err != nil || got.Status != connectd.FlowRunInterrupted || got.Wait != nil || !strings.Contains(got.Reason, `waited in Wait "w"`) {
		t.Fatalf("left waiting: %v %+v", err, got)
	}
}

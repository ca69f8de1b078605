package flow_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/flow/lambdastub"
)

// TestLambdaRetries: a throttled invocation (429) or a service failure
// (500) is retried up to three times within the time limit, as the Invoke
// AWS Lambda function block documents, and the log shows each attempt; a
// function error is not retried.
func TestLambdaRetries(t *testing.T) {
	e := newEnv(t)
	fn := func(name string) string { return "arn:aws:lambda:us-east-1:123456789012:function:" + name }
	var throttled, failing, broken atomic.Int32
	e.lambdas.Register(fn("throttled"), func(ctx context.Context, ev json.RawMessage) (any, error) {
		if throttled.Add(1) <= 2 {
			return nil, &lambdastub.ServiceError{Status: 429, Type: "TooManyRequestsException", Message: "Rate exceeded"}
		}
		return map[string]string{"score": "7"}, nil
	})
	e.lambdas.Register(fn("failing"), func(ctx context.Context, ev json.RawMessage) (any, error) {
		failing.Add(1)
		return nil, &lambdastub.ServiceError{Status: 500, Type: "ServiceException", Message: "internal"}
	})
	e.lambdas.Register(fn("broken"), func(ctx context.Context, ev json.RawMessage) (any, error) {
		broken.Add(1)
		return nil, errors.New("broken")
	})
	e.lambdas.Register(fn("slow"), func(ctx context.Context, ev json.RawMessage) (any, error) {
		select {
		case <-time.After(400 * time.Millisecond):
		case <-ctx.Done():
		}
		return nil, &lambdastub.ServiceError{Status: 429, Type: "TooManyRequestsException", Message: "Rate exceeded"}
	})
	lambdaFlow := func(name string) string {
		return e.flow(name,
			`{"Identifier":"call","Type":"InvokeLambdaFunction","Parameters":{"LambdaFunctionARN":"`+fn(name)+`","InvocationTimeLimitSeconds":"1"},"Transitions":{"NextAction":"keep","Errors":[{"NextAction":"end","ErrorType":"NoMatchingError"}]}}`,
			`{"Identifier":"keep","Type":"UpdateContactAttributes","Parameters":{"Attributes":{"score":"$.External.score"}},"Transitions":{"NextAction":"end"}}`,
			`{"Identifier":"end","Type":"EndFlowExecution"}`)
	}
	attempts := func(run *connectd.FlowRun) []connectd.LambdaAttempt { return run.Entries[0].LambdaAttempts }

	c, run := e.task(lambdaFlow("throttled"), nil)
	want(t, run, connectd.FlowRunCompleted, "call keep end")
	if a := attempts(run); len(a) != 3 || !strings.Contains(a[0].Error, "TooManyRequests") || a[1].Error == "" || a[2].Error != "" || a[2].Attempt != 3 {
		t.Fatalf("throttled attempts %+v", a)
	}
	if e.attrs(c)["score"] != "7" {
		t.Fatalf("attributes %v", e.attrs(c))
	}

	_, run = e.task(lambdaFlow("failing"), nil)
	want(t, run, connectd.FlowRunCompleted, "call!NoMatchingError end")
	if a := attempts(run); len(a) != 4 || failing.Load() != 4 || !strings.Contains(a[3].Error, "ServiceException") {
		t.Fatalf("failing: %d calls, attempts %+v", failing.Load(), a)
	}

	_, run = e.task(lambdaFlow("broken"), nil)
	want(t, run, connectd.FlowRunCompleted, "call!NoMatchingError end")
	if a := attempts(run); len(a) != 1 || broken.Load() != 1 {
		t.Fatalf("a function error was retried: %d calls, attempts %+v", broken.Load(), a)
	}

	// The time limit bounds the attempts and pauses together: 400 ms
	// throttles fit at most three times in 1 s.
	begin := time.Now()
	_, run = e.task(lambdaFlow("slow"), nil)
	want(t, run, connectd.FlowRunCompleted, "call!NoMatchingError end")
	if a := attempts(run); len(a) < 2 || len(a) > 3 || !strings.Contains(run.Entries[0].Message, "InvocationTimeLimitSeconds") {
		t.Fatalf("slow: attempts %+v, message %q", a, run.Entries[0].Message)
	}
	if d := time.Since(begin); d > 10*time.Second {
		t.Errorf("a 1 s time limit took %v", d)
	}
}

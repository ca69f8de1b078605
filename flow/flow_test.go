package flow_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
	"github.com/connectd/connectd"
	"github.com/connectd/connectd/api"
	"github.com/connectd/connectd/flow"
	"github.com/connectd/connectd/flow/lambdastub"
	"github.com/connectd/connectd/sqlite"
)

// env is a connectd server with a flow Runner, a Lambda stub reached
// through the Go SDK's Lambda client, and an SDK client for connectd.
type env struct {
	t       *testing.T
	svc     *connectd.Service
	client  *connect.Client
	lambdas *lambdastub.Server
	inst    string
	url     string
	clock   *connectd.ManualClock
	runner  *flow.Runner
}

func newEnv(t *testing.T, opts ...func(*flow.Config)) *env {
	t.Helper()
	ctx := context.Background()
	clock := connectd.NewManualClock(time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC))
	log := slog.New(slog.DiscardHandler)
	store, err := sqlite.Open(ctx, ":memory:", clock, log)
	if err != nil {
		t.Fatal(err)
	}
	svc := connectd.NewService(store, clock)
	stub := lambdastub.New()
	lsrv := httptest.NewServer(stub)
	inv, err := flow.LambdaAt(ctx, lsrv.URL)
	if err != nil {
		t.Fatal(err)
	}
	cfg := flow.Config{Service: svc, Logger: log, Lambda: inv, Clock: clock}
	for _, o := range opts {
		o(&cfg)
	}
	runner := flow.New(cfg)
	svc.SetFlowStarter(runner)
	srv := httptest.NewServer(api.New(api.Config{Service: svc, Clock: clock, Logger: log, Region: "us-east-1", Version: "test", StoreName: "sqlite", Ping: store.Ping, Admin: true}))
	t.Cleanup(func() {
		srv.Close()
		runner.Close()
		lsrv.Close()
		if err := store.Close(); err != nil {
			t.Error(err)
		}
	})
	client := connect.New(connect.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
	})
	out, err := client.CreateInstance(ctx, &connect.CreateInstanceInput{IdentityManagementType: "CONNECT_MANAGED", InstanceAlias: aws.String("flows"),
		InboundCallsEnabled: aws.Bool(true), OutboundCallsEnabled: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, svc: svc, client: client, lambdas: stub, inst: aws.ToString(out.Id), url: srv.URL, clock: clock, runner: runner}
}

// flow stores a published flow made of actions (JSON objects), starting
// at the first, and returns its id.
func (e *env) flow(name string, actions ...string) string {
	e.t.Helper()
	var start struct{ Identifier string }
	if err := json.Unmarshal([]byte(actions[0]), &start); err != nil {
		e.t.Fatal(err)
	}
	content := `{"Version":"2019-10-30","StartAction":"` + start.Identifier + `","Actions":[` + strings.Join(actions, ",") + `]}`
	out, err := e.client.CreateContactFlow(context.Background(), &connect.CreateContactFlowInput{
		InstanceId: aws.String(e.inst), Name: aws.String(name), Type: types.ContactFlowTypeContactFlow, Content: aws.String(content),
	})
	if err != nil {
		e.t.Fatalf("CreateContactFlow: %v", err)
	}
	return aws.ToString(out.ContactFlowId)
}

// task starts a task on flowID with attrs, waits for its flow, and returns
// the contact id and the run.
func (e *env) task(flowID string, attrs map[string]string) (string, *connectd.FlowRun) {
	e.t.Helper()
	ctx := context.Background()
	out, err := e.client.StartTaskContact(ctx, &connect.StartTaskContactInput{
		InstanceId: aws.String(e.inst), Name: aws.String("t"), ContactFlowId: aws.String(flowID), Attributes: attrs,
	})
	if err != nil {
		e.t.Fatalf("StartTaskContact: %v", err)
	}
	id := aws.ToString(out.ContactId)
	return id, e.wait(id)
}

func (e *env) wait(contactID string) *connectd.FlowRun {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	run, err := e.svc.WaitFlowRun(ctx, e.inst, contactID)
	if err != nil {
		e.t.Fatalf("WaitFlowRun: %v", err)
	}
	return run
}

func (e *env) attrs(contactID string) map[string]string {
	e.t.Helper()
	out, err := e.client.GetContactAttributes(context.Background(), &connect.GetContactAttributesInput{
		InstanceId: aws.String(e.inst), InitialContactId: aws.String(contactID)})
	if err != nil {
		e.t.Fatal(err)
	}
	return out.Attributes
}

// path is the identifiers of a run's entries, with each error type.
func path(run *connectd.FlowRun) string {
	var out []string
	for _, en := range run.Entries {
		s := en.Identifier
		if en.Error != "" {
			s += "!" + en.Error
		}
		out = append(out, s)
	}
	return strings.Join(out, " ")
}

func want(t *testing.T, run *connectd.FlowRun, status, steps string) {
	t.Helper()
	if run.Status != status || path(run) != steps {
		t.Fatalf("run %s %q (%s), want %s %q", run.Status, path(run), run.Reason, status, steps)
	}
}

func TestAttributesCompareAndEnd(t *testing.T) {
	e := newEnv(t)
	id := e.flow("main",
		`{"Identifier":"set","Type":"UpdateContactAttributes","Parameters":{"Attributes":{"greeting":"hello","copy":"$.Attributes.tier","chan":"$.Channel","me":"$.ContactId"}},"Transitions":{"NextAction":"fa","Errors":[{"NextAction":"end","ErrorType":"NoMatchingError"}]}}`,
		`{"Identifier":"fa","Type":"UpdateFlowAttributes","Parameters":{"FlowAttributes":{"level":{"Value":"$.Attributes.level"}}},"Transitions":{"NextAction":"cmp"}}`,
		`{"Identifier":"cmp","Type":"Compare","Parameters":{"ComparisonValue":"$.FlowAttributes.level"},"Transitions":{"NextAction":"end","Conditions":[
			{"NextAction":"low","Condition":{"Operator":"NumberLessThan","Operands":["5"]}},
			{"NextAction":"high","Condition":{"Operator":"NumberGreaterOrEqualTo","Operands":["5"]}}],
			"Errors":[{"NextAction":"none","ErrorType":"NoMatchingCondition"}]}}`,
		`{"Identifier":"low","Type":"UpdateContactAttributes","Parameters":{"Attributes":{"branch":"low"}},"Transitions":{"NextAction":"end"}}`,
		`{"Identifier":"high","Type":"UpdateContactAttributes","Parameters":{"Attributes":{"branch":"high"}},"Transitions":{"NextAction":"end"}}`,
		`{"Identifier":"none","Type":"UpdateContactAttributes","Parameters":{"Attributes":{"branch":"none"}},"Transitions":{"NextAction":"end"}}`,
		`{"Identifier":"end","Type":"EndFlowExecution","Parameters":{}}`,
	)
	c, run := e.task(id, map[string]string{"tier": "gold", "level": "7"})
	want(t, run, connectd.FlowRunCompleted, "set fa cmp high end")
	got := e.attrs(c)
	if got["greeting"] != "hello" || got["copy"] != "gold" || got["chan"] != "TASK" || got["me"] != c || got["branch"] != "high" {
		t.Fatalf("attributes %v", got)
	}
	if run.Entries[2].Results != "7" || run.Entries[0].Parameters["Attributes"].(map[string]any)["copy"] != "gold" {
		t.Fatalf("log does not show resolved values: %+v", run.Entries[:3])
	}
	_, run = e.task(id, map[string]string{"level": "2"})
	want(t, run, connectd.FlowRunCompleted, "set fa cmp low end")
	_, run = e.task(id, map[string]string{"level": "many"})
	want(t, run, connectd.FlowRunCompleted, "set fa cmp!NoMatchingCondition none end")
}

func TestCompareOperators(t *testing.T) {
	cases := []struct {
		op, operand, value string
		match              bool
	}{
		{"Equals", "abc", "abc", true}, {"Equals", "abc", "ABC", false},
		{"NumberLessThan", "5", "4.5", true}, {"NumberLessThan", "5", "5", false},
		{"NumberLessOrEqualTo", "5", "5", true}, {"NumberGreaterThan", "5", "5", false},
		{"NumberGreaterThan", "5", "6", true}, {"NumberGreaterOrEqualTo", "5", "5", true},
		{"NumberGreaterOrEqualTo", "5", "x", false},
		{"TextStartsWith", "ab", "abc", true}, {"TextEndsWith", "bc", "abc", true},
		{"TextContains", "b", "abc", true}, {"TextContains", "z", "abc", false},
	}
	e := newEnv(t)
	for i, tc := range cases {
		id := e.flow("cmp"+tc.op+tc.value+tc.operand,
			`{"Identifier":"c","Type":"Compare","Parameters":{"ComparisonValue":"$.Attributes.v"},"Transitions":{"Conditions":[{"NextAction":"yes","Condition":{"Operator":"`+tc.op+`","Operands":["`+tc.operand+`"]}}],"Errors":[{"NextAction":"no","ErrorType":"NoMatchingCondition"}]}}`,
			`{"Identifier":"yes","Type":"EndFlowExecution"}`, `{"Identifier":"no","Type":"EndFlowExecution"}`)
		_, run := e.task(id, map[string]string{"v": tc.value})
		got := run.Entries[len(run.Entries)-1].Identifier == "yes"
		if got != tc.match {
			t.Errorf("case %d: %q %s %q matched %v", i, tc.value, tc.op, tc.operand, got)
		}
	}
}

// TestAttributeLimitKeepsEarlierWrites: an update that would pass 32,768
// bytes takes the error branch and changes nothing, and the writes before
// it stay.
func TestAttributeLimitKeepsEarlierWrites(t *testing.T) {
	e := newEnv(t)
	big := strings.Repeat("x", 20000)
	id := e.flow("limit",
		`{"Identifier":"one","Type":"UpdateContactAttributes","Parameters":{"Attributes":{"a":"`+big+`"}},"Transitions":{"NextAction":"two"}}`,
		`{"Identifier":"two","Type":"UpdateContactAttributes","Parameters":{"Attributes":{"b":"`+big+`","c":"3"}},"Transitions":{"NextAction":"end","Errors":[{"NextAction":"err","ErrorType":"NoMatchingError"}]}}`,
		`{"Identifier":"err","Type":"UpdateContactAttributes","Parameters":{"Attributes":{"failed":"yes"}},"Transitions":{"NextAction":"end"}}`,
		`{"Identifier":"end","Type":"EndFlowExecution"}`)
	c, run := e.task(id, nil)
	want(t, run, connectd.FlowRunCompleted, "one two!NoMatchingError err end")
	got := e.attrs(c)
	if len(got["a"]) != 20000 || got["b"] != "" || got["c"] != "" || got["failed"] != "yes" {
		t.Fatalf("attributes after a refused update: a=%d b=%d c=%q failed=%q", len(got["a"]), len(got["b"]), got["c"], got["failed"])
	}
	if !strings.Contains(run.Entries[1].Message, "32768") && !strings.Contains(run.Entries[1].Message, "32,768") {
		t.Errorf("the log does not say why: %q", run.Entries[1].Message)
	}
}

func TestLambdaInvocation(t *testing.T) {
	e := newEnv(t)
	arn := "arn:aws:lambda:us-east-1:123456789012:function:score"
	var event map[string]any
	e.lambdas.Register(arn, func(ctx context.Context, ev json.RawMessage) (any, error) {
		if err := json.Unmarshal(ev, &event); err != nil {
			return nil, err
		}
		return map[string]string{"score": "42"}, nil
	})
	e.lambdas.Register("arn:aws:lambda:us-east-1:123456789012:function:nested", func(ctx context.Context, ev json.RawMessage) (any, error) {
		return map[string]any{"deep": map[string]any{"n": 1}}, nil
	})
	e.lambdas.Register("arn:aws:lambda:us-east-1:123456789012:function:hang", func(ctx context.Context, ev json.RawMessage) (any, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	})
	e.lambdas.Register("arn:aws:lambda:us-east-1:123456789012:function:boom", func(ctx context.Context, ev json.RawMessage) (any, error) {
		return nil, errors.New("boom")
	})
	lambdaFlow := func(name, fn, extra string) string {
		return e.flow(name,
			`{"Identifier":"call","Type":"InvokeLambdaFunction","Parameters":{"LambdaFunctionARN":"arn:aws:lambda:us-east-1:123456789012:function:`+fn+`","InvocationTimeLimitSeconds":"1","LambdaInvocationAttributes":{"tier":"$.Attributes.tier","fixed":"1"}`+extra+`},"Transitions":{"NextAction":"keep","Errors":[{"NextAction":"err","ErrorType":"NoMatchingError"}]}}`,
			`{"Identifier":"keep","Type":"UpdateContactAttributes","Parameters":{"Attributes":{"score":"$.External.score","deep":"$.External.deep.n"}},"Transitions":{"NextAction":"end"}}`,
			`{"Identifier":"err","Type":"UpdateContactAttributes","Parameters":{"Attributes":{"lambda":"failed"}},"Transitions":{"NextAction":"end"}}`,
			`{"Identifier":"end","Type":"EndFlowExecution"}`)
	}
	c, run := e.task(lambdaFlow("ok", "score", ""), map[string]string{"tier": "gold"})
	want(t, run, connectd.FlowRunCompleted, "call keep end")
	if got := e.attrs(c); got["score"] != "42" {
		t.Fatalf("attributes %v", got)
	}
	details := event["Details"].(map[string]any)
	cd := details["ContactData"].(map[string]any)
	if event["Name"] != "ContactFlowEvent" || cd["ContactId"] != c || cd["Channel"] != "TASK" || cd["InitialContactId"] != c ||
		cd["Attributes"].(map[string]any)["tier"] != "gold" || !strings.HasSuffix(cd["InstanceARN"].(string), "instance/"+e.inst) {
		t.Fatalf("event %v", event)
	}
	if p := details["Parameters"].(map[string]any); p["tier"] != "gold" || p["fixed"] != "1" {
		t.Fatalf("parameters %v", details["Parameters"])
	}
	if len(run.Entries[0].LambdaRequest) == 0 || !strings.Contains(string(run.Entries[0].LambdaResponse), `"score":"42"`) {
		t.Fatalf("log lacks the Lambda exchange: %+v", run.Entries[0])
	}

	// A nested result fails STRING_MAP validation but passes JSON.
	c, run = e.task(lambdaFlow("nested-map", "nested", ""), nil)
	want(t, run, connectd.FlowRunCompleted, "call!NoMatchingError err end")
	c, run = e.task(lambdaFlow("nested-json", "nested", `,"ResponseValidation":{"ResponseType":"JSON"}`), nil)
	want(t, run, connectd.FlowRunCompleted, "call keep end")
	if got := e.attrs(c); got["deep"] != "1" {
		t.Fatalf("nested result: %v", got)
	}

	// A function that hangs is cut at its time limit; one that fails, or
	// is not there, takes the error branch.
	begin := time.Now()
	c, run = e.task(lambdaFlow("hang", "hang", ""), nil)
	want(t, run, connectd.FlowRunCompleted, "call!NoMatchingError err end")
	if d := time.Since(begin); d > 10*time.Second {
		t.Errorf("a 1 s time limit took %v", d)
	}
	if !strings.Contains(run.Entries[0].Message, "InvocationTimeLimitSeconds") {
		t.Errorf("message %q", run.Entries[0].Message)
	}
	for _, fn := range []string{"boom", "missing"} {
		c, run = e.task(lambdaFlow("fail-"+fn, fn, ""), nil)
		want(t, run, connectd.FlowRunCompleted, "call!NoMatchingError err end")
		if got := e.attrs(c); got["lambda"] != "failed" {
			t.Fatalf("%s: attributes %v", fn, got)
		}
	}
}

func TestLambdaEndpointDownOrMissing(t *testing.T) {
	act := `{"Identifier":"call","Type":"InvokeLambdaFunction","Parameters":{"LambdaFunctionARN":"arn:aws:lambda:us-east-1:123456789012:function:f","InvocationTimeLimitSeconds":2},"Transitions":{"NextAction":"end","Errors":[{"NextAction":"end","ErrorType":"NoMatchingError"}]}}`
	end := `{"Identifier":"end","Type":"EndFlowExecution"}`
	e := newEnv(t, func(c *flow.Config) { c.Lambda, c.NoLambdaReason = nil, "No Lambda endpoint is configured." })
	_, run := e.task(e.flow("none", act, end), nil)
	want(t, run, connectd.FlowRunCompleted, "call!NoMatchingError end")
	if run.Entries[0].Message != "No Lambda endpoint is configured." {
		t.Errorf("message %q", run.Entries[0].Message)
	}
	down, err := flow.LambdaAt(context.Background(), "http://127.0.0.1:1")
	if err != nil {
		t.Fatal(err)
	}
	e = newEnv(t, func(c *flow.Config) { c.Lambda = down })
	_, run = e.task(e.flow("down", act, end), nil)
	want(t, run, connectd.FlowRunCompleted, "call!NoMatchingError end")
	if _, err := e.client.ListContactFlows(context.Background(), &connect.ListContactFlowsInput{InstanceId: aws.String(e.inst)}); err != nil {
		t.Fatalf("the server after a down endpoint: %v", err)
	}
}

func TestTransferDisconnectAndLimits(t *testing.T) {
	ended := &outcomes{n: map[string]int{}}
	e := newEnv(t, func(c *flow.Config) { c.MaxSteps = 40; c.Observer = ended })
	second := e.flow("second",
		`{"Identifier":"s","Type":"UpdateContactAttributes","Parameters":{"Attributes":{"second":"yes"}},"Transitions":{"NextAction":"bye"}}`,
		`{"Identifier":"bye","Type":"DisconnectParticipant","Parameters":{}}`)
	first := e.flow("first",
		`{"Identifier":"go","Type":"TransferToFlow","Parameters":{"ContactFlowId":"`+second+`"},"Transitions":{"NextAction":"go","Errors":[{"NextAction":"go","ErrorType":"NoMatchingError"}]}}`)
	c, run := e.task(first, nil)
	want(t, run, connectd.FlowRunCompleted, "go s bye")
	d, err := e.client.DescribeContact(context.Background(), &connect.DescribeContactInput{InstanceId: aws.String(e.inst), ContactId: aws.String(c)})
	if err != nil || d.Contact.DisconnectTimestamp == nil {
		t.Fatalf("DisconnectParticipant did not end the contact: %v", err)
	}

	loop := e.flow("loop", `{"Identifier":"a","Type":"UpdateFlowAttributes","Parameters":{"FlowAttributes":{"x":{"Value":"1"}}},"Transitions":{"NextAction":"a"}}`)
	_, run = e.task(loop, nil)
	if run.Status != connectd.FlowRunFailed || len(run.Entries) != 40 || !strings.Contains(run.Reason, "without ending") {
		t.Fatalf("loop: %s after %d steps (%s)", run.Status, len(run.Entries), run.Reason)
	}

	// An action type that is not emulated takes its error branch; with no
	// branch the run fails, saying so.
	odd := e.flow("odd",
		`{"Identifier":"x","Type":"GetParticipantInput","Parameters":{},"Transitions":{"NextAction":"end","Errors":[{"NextAction":"end","ErrorType":"NoMatchingError"}]}}`,
		`{"Identifier":"end","Type":"CreateTask","Parameters":{}}`)
	_, run = e.task(odd, nil)
	want(t, run, connectd.FlowRunFailed, "x!NoMatchingError end!NoMatchingError")
	if !strings.Contains(run.Entries[0].Message, "does not emulate") {
		t.Errorf("message %q", run.Entries[0].Message)
	}
	// The Observer heard each run end, the loop as a step_budget.
	ended.mu.Lock()
	defer ended.mu.Unlock()
	if want := map[string]int{flow.OutcomeCompleted: 1, flow.OutcomeStepBudget: 1, flow.OutcomeFailed: 1}; !maps.Equal(ended.n, want) {
		t.Errorf("observed outcomes %v, want %v", ended.n, want)
	}
}

// outcomes is a flow.Observer that counts the runs by outcome.
type outcomes struct {
	mu sync.Mutex
	n  map[string]int
}

func (o *outcomes) FlowRunEnded(outcome string, took time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if took > 0 {
		o.n[outcome]++
	}
}

// TestNoStoredFlow: a ContactFlowId the instance has no flow for starts
// the contact and runs nothing, as before flows existed.
func TestNoStoredFlow(t *testing.T) {
	e := newEnv(t)
	out, err := e.client.StartTaskContact(context.Background(), &connect.StartTaskContactInput{
		InstanceId: aws.String(e.inst), Name: aws.String("t"), ContactFlowId: aws.String("not-a-flow"),
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.FlowRunOf(context.Background(), e.inst, aws.ToString(out.ContactId))
	if connectd.ErrorCode(err) != connectd.ENOTFOUND {
		t.Fatalf("a run for an unknown flow: %v", err)
	}
}

func TestChatAndTransferRunFlows(t *testing.T) {
	e := newEnv(t)
	id := e.flow("chat",
		`{"Identifier":"m","Type":"MessageParticipant","Parameters":{"Text":"Hi $.ContactId"},"Transitions":{"NextAction":"set"}}`,
		`{"Identifier":"set","Type":"UpdateContactAttributes","Parameters":{"Attributes":{"ran":"$.Channel"}},"Transitions":{"NextAction":"end"}}`,
		`{"Identifier":"end","Type":"EndFlowExecution"}`)
	ctx := context.Background()
	out, err := e.client.StartChatContact(ctx, &connect.StartChatContactInput{
		InstanceId: aws.String(e.inst), ContactFlowId: aws.String(id), ParticipantDetails: &types.ParticipantDetails{DisplayName: aws.String("c")},
	})
	if err != nil {
		t.Fatal(err)
	}
	run := e.wait(aws.ToString(out.ContactId))
	want(t, run, connectd.FlowRunCompleted, "m set end")
	if got := e.attrs(aws.ToString(out.ContactId)); got["ran"] != "CHAT" {
		t.Fatalf("chat attributes %v", got)
	}
	task, _ := e.task(e.flow("noop", `{"Identifier":"e","Type":"EndFlowExecution"}`), nil)
	tr, err := e.client.TransferContact(ctx, &connect.TransferContactInput{
		InstanceId: aws.String(e.inst), ContactId: aws.String(task), ContactFlowId: aws.String(id), QueueId: aws.String("q"),
	})
	if err != nil {
		t.Fatal(err)
	}
	run = e.wait(aws.ToString(tr.ContactId))
	want(t, run, connectd.FlowRunFailed, "m!NoMatchingError")
}

// TestInterruptedRun: a run left RUNNING by a process that stopped is
// marked INTERRUPTED, with the reason, when the next process starts; runs
// that ended stay as they are.
func TestInterruptedRun(t *testing.T) {
	e := newEnv(t)
	done, _ := e.task(e.flow("noop", `{"Identifier":"e","Type":"EndFlowExecution"}`), nil)
	ctx := context.Background()
	half := &connectd.FlowRun{InstanceID: e.inst, ContactID: "c-half", FlowID: "f", Status: connectd.FlowRunRunning}
	if err := e.svc.SaveFlowRun(ctx, half); err != nil {
		t.Fatal(err)
	}
	n, err := e.svc.InterruptFlowRuns(ctx)
	if err != nil || n != 1 {
		t.Fatalf("InterruptFlowRuns: %d, %v", n, err)
	}
	got, err := e.svc.FlowRunOf(ctx, e.inst, "c-half")
	if err != nil || got.Status != connectd.FlowRunInterrupted || !strings.Contains(got.Reason, "stopped") {
		t.Fatalf("interrupted run: %v %+v", err, got)
	}
	if run, err := e.svc.FlowRunOf(ctx, e.inst, done); err != nil || run.Status != connectd.FlowRunCompleted {
		t.Fatalf("a completed run changed: %v %+v", err, run)
	}
}

// TestLoopAndDistribute: Loop continues LoopCount times, then is done;
// DistributeByPercentage draws from the seeded source, so one seed gives
// one sequence of branches.
func TestLoopAndDistribute(t *testing.T) {
	e := newEnv(t)
	loop := e.flow("loop",
		`{"Identifier":"l","Type":"Loop","Parameters":{"LoopCount":"2"},"Transitions":{"Conditions":[
			{"NextAction":"l","Condition":{"Operator":"Equals","Operands":["ContinueLooping"]}},
			{"NextAction":"e","Condition":{"Operator":"Equals","Operands":["DoneLooping"]}}]}}`,
		`{"Identifier":"e","Type":"EndFlowExecution"}`)
	_, run := e.task(loop, nil)
	want(t, run, connectd.FlowRunCompleted, "l l l e")
	bad := e.flow("badloop", `{"Identifier":"l","Type":"Loop","Parameters":{"LoopCount":"101"},"Transitions":{"Errors":[{"NextAction":"e","ErrorType":"NoMatchingError"}]}}`,
		`{"Identifier":"e","Type":"EndFlowExecution"}`)
	_, run = e.task(bad, nil)
	want(t, run, connectd.FlowRunCompleted, "l!NoMatchingError e")

	draws := func(seed uint64) string {
		e := newEnv(t, func(c *flow.Config) { c.Seed = &seed })
		id := e.flow("split",
			`{"Identifier":"d","Type":"DistributeByPercentage","Parameters":{},"Transitions":{"Conditions":[
				{"NextAction":"a","Condition":{"Operator":"NumberLessThan","Operands":["51"]}}],
				"Errors":[{"NextAction":"b","ErrorType":"NoMatchingCondition"}]}}`,
			`{"Identifier":"a","Type":"EndFlowExecution"}`, `{"Identifier":"b","Type":"EndFlowExecution"}`)
		var out []string
		for range 12 {
			_, run := e.task(id, nil)
			n := run.Entries[0].Results
			if v, err := strconv.Atoi(n); err != nil || v < 1 || v > 100 {
				t.Fatalf("draw %q", n)
			}
			out = append(out, run.Entries[1].Identifier)
		}
		return strings.Join(out, "")
	}
	first, again := draws(7), draws(7)
	if first != again {
		t.Fatalf("seed 7 gave %s, then %s", first, again)
	}
	if !strings.Contains(first, "a") || !strings.Contains(first, "b") {
		t.Errorf("12 draws took one branch only: %s", first)
	}
}

// TestSavedFlowWithOddContent: a SAVED flow (not validated in full) with
// parameters of the wrong types, unknown types and dangling transitions
// runs to an end, and the server stays up.
func TestSavedFlowWithOddContent(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	content := `{"Version":"1","StartAction":"a","Actions":[
		{"Identifier":"a","Type":"UpdateContactAttributes","Parameters":{"Attributes":"not an object"},"Transitions":{"NextAction":"b"}},
		{"Identifier":"b","Type":"Compare","Parameters":{"ComparisonValue":{"x":[1,2]}},"Transitions":{"Conditions":[{"NextAction":"c","Condition":{"Operator":"NumberLessThan","Operands":[]}}],"Errors":[{"NextAction":"c","ErrorType":"NoMatchingCondition"}]}},
		{"Identifier":"c","Type":"TagContact","Parameters":{"Tags":7},"Transitions":{"NextAction":"d","Errors":[{"NextAction":"d","ErrorType":"NoMatchingError"}]}},
		{"Identifier":"d","Type":"InvokeLambdaFunction","Parameters":{"LambdaFunctionARN":null,"InvocationTimeLimitSeconds":"x"},"Transitions":{"Errors":[{"NextAction":"e","ErrorType":"NoMatchingError"}]}},
		{"Identifier":"e","Type":"Teleport","Transitions":{"Errors":[{"NextAction":"nowhere","ErrorType":"NoMatchingError"}]}}]}`
	f, err := e.client.CreateContactFlow(ctx, &connect.CreateContactFlowInput{InstanceId: aws.String(e.inst), Name: aws.String("draft"),
		Type: types.ContactFlowTypeContactFlow, Content: aws.String(content), Status: types.ContactFlowStatusSaved})
	if err != nil {
		t.Fatal(err)
	}
	_, run := e.task(aws.ToString(f.ContactFlowId), nil)
	if run.Status != connectd.FlowRunFailed || !strings.HasPrefix(path(run), "a b!NoMatchingCondition c") || !strings.Contains(run.Reason, "nowhere") {
		t.Fatalf("run %s %q (%s)", run.Status, path(run), run.Reason)
	}
	if _, err := e.client.ListContactFlows(ctx, &connect.ListContactFlowsInput{InstanceId: aws.String(e.inst)}); err != nil {
		t.Fatalf("server after an odd flow: %v", err)
	}
}

// TestCheckHoursOfOperation: the check answers True until the control
// plane says the instance is out of hours.
func TestCheckHoursOfOperation(t *testing.T) {
	e := newEnv(t)
	id := e.flow("hours",
		`{"Identifier":"h","Type":"CheckHoursOfOperation","Parameters":{"HoursOfOperationId":"hop-1"},"Transitions":{"Conditions":[
			{"NextAction":"open","Condition":{"Operator":"Equals","Operands":["True"]}},
			{"NextAction":"closed","Condition":{"Operator":"Equals","Operands":["False"]}}],
			"Errors":[{"NextAction":"closed","ErrorType":"NoMatchingError"}]}}`,
		`{"Identifier":"open","Type":"EndFlowExecution"}`, `{"Identifier":"closed","Type":"EndFlowExecution"}`)
	_, run := e.task(id, nil)
	want(t, run, connectd.FlowRunCompleted, "h open")
	req, err := http.NewRequest(http.MethodPut, e.url+"/_connectd/instances/"+e.inst+"/hours-of-operation", strings.NewReader(`{"InHours":false}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("PUT hours-of-operation: %d", resp.StatusCode)
	}
	_, run = e.task(id, nil)
	want(t, run, connectd.FlowRunCompleted, "h closed")
	if err := e.svc.SetInHours(context.Background(), "no-such-instance", true); connectd.ErrorCode(err) != connectd.ENOTFOUND {
		t.Fatalf("unknown instance: %v", err)
	}
}

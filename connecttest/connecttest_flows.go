package connecttest

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http/httptest"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/flow"
	"github.com/connectd/connectd/flow/lambdastub"
)

// flowParts are the flow Runner of a Server and the Lambda stub its
// InvokeLambdaFunction actions call, through the Go SDK's Lambda client.
type flowParts struct {
	runner  *flow.Runner
	lambdas *lambdastub.Server
	stub    *httptest.Server
}

func startFlows(svc *connectd.Service, clock connectd.Clock, log *slog.Logger) (flowParts, error) {
	p := flowParts{lambdas: lambdastub.New()}
	p.stub = httptest.NewServer(p.lambdas)
	inv, err := flow.LambdaAt(context.Background(), p.stub.URL)
	if err != nil {
		p.stub.Close()
		return p, fmt.Errorf("lambda client: %w", err)
	}
	p.runner = flow.New(flow.Config{Service: svc, Logger: log, Lambda: inv, Clock: clock})
	svc.SetFlowStarter(p.runner)
	return p, nil
}

func (p flowParts) close() {
	p.runner.Close()
	p.stub.Close()
}

// LambdaFunc is a Go function registered as a Lambda function: it gets the
// ContactFlowEvent and returns the function's result (for a flow's
// STRING_MAP validation, a map[string]string), or an error, which the flow
// sees as a function error; a *lambdastub.ServiceError instead fails the
// invocation as the Lambda service would (429 throttled, 500), which the
// flow retries as Amazon Connect does.
type LambdaFunc func(ctx context.Context, event json.RawMessage) (any, error)

// RegisterLambda makes fn answer the flows' InvokeLambdaFunction actions
// that name arn. Registering an arn again replaces its function.
func (s *Server) RegisterLambda(arn string, fn LambdaFunc) {
	s.flows.lambdas.Register(arn, lambdastub.Func(fn))
}

// WaitFlow waits until the flow of a contact has stopped (flows run
// asynchronously, as in Amazon Connect) and returns its log; ENOTFOUND
// if no flow ran for the contact, an error if ctx ends first. A run paused
// in a Wait action counts as stopped (Status WAITING, Wait saying until
// when): it goes on only when Clock() passes the wait's end, so WaitFlow
// returns it rather than hang; after moving the clock past the end, call
// WaitFlow again to see the run go on.
func (s *Server) WaitFlow(ctx context.Context, instanceID, contactID string) (*connectd.FlowRun, error) {
	return s.svc.WaitFlowRun(ctx, instanceID, contactID)
}

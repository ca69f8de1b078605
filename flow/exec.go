package flow

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/connectd/connectd"
)

// execution is one contact's run: the contact, the flow being run (which
// TransferToFlow changes), the flow attributes, and the last Lambda result
// under $.External.
type execution struct {
	r         *Runner
	began     time.Time // by the wall clock, for the run's duration
	owner     connectd.Owner
	contact   *connectd.Contact
	flow      *connectd.Flow
	content   *connectd.FlowContent
	log       *connectd.FlowRun
	flowAttrs map[string]string
	external  map[string]any
	loops     map[string]int
	// targetQueue is the contact's TargetQueue (UpdateContactTargetQueue),
	// at first the queue the contact was started with (TransferContact's
	// QueueId).
	targetQueue string
}

// outcome is what an action decided: the next action's identifier (or ""
// to end the run), an error type for the error branch, and what the log
// should say.
type outcome struct {
	next    string
	errType string // "" if the action succeeded
	results string
	message string
	end     bool // the action ends the flow (EndFlowExecution, ...)
	// interrupted: the Runner closed while the action waited (Wait).
	interrupted bool
	params      map[string]any
	req         []byte
	resp        []byte
	// attempts are InvokeLambdaFunction's invocations, retries included.
	attempts []connectd.LambdaAttempt
	// transfer is the flow TransferToFlow continues in.
	transfer *connectd.Flow
}

// errNotEmulated is the message of an action type connectd does not run.
const errNotEmulated = "connectd does not emulate this action type; it took its error branch."

func (x *execution) run(ctx context.Context) {
	defer func() {
		// Bad content must never take the server down with it.
		if p := recover(); p != nil {
			x.finish(ctx, connectd.FlowRunFailed, fmt.Sprintf("internal error while running the flow: %v", p))
		}
	}()
	if !x.load(x.flow) {
		return
	}
	id := x.content.StartAction
	for step := 0; ; step++ {
		if ctx.Err() != nil {
			x.finish(context.WithoutCancel(ctx), connectd.FlowRunInterrupted, "The server stopped while the flow was running.")
			return
		}
		if step == x.r.cfg.MaxSteps {
			x.finishAs(ctx, connectd.FlowRunFailed, OutcomeStepBudget, fmt.Sprintf("The flow ran %d actions without ending; connectd stops a run there (a loop?).", step))
			return
		}
		a := x.content.Action(id)
		if a == nil {
			x.finish(ctx, connectd.FlowRunFailed, fmt.Sprintf("No action %q in flow %s.", id, x.flow.ID))
			return
		}
		begin := time.Now()
		o := x.step(ctx, a)
		if o.interrupted {
			x.finish(context.WithoutCancel(ctx), connectd.FlowRunInterrupted, fmt.Sprintf("The server stopped while the flow waited in Wait %q.", a.Identifier))
			return
		}
		if o.next == "" && !o.end && o.errType == "" {
			o.next = a.Transitions.NextAction
		}
		if o.errType != "" {
			o.next = errorBranch(a, o.errType)
		}
		entry := connectd.FlowLogEntry{
			Timestamp: x.r.now(), ContactFlowID: x.flow.ID, ContactFlowName: x.flow.Name,
			Identifier: a.Identifier, Type: a.Type, Parameters: o.params, Results: o.results,
			Branch: o.next, Error: o.errType, Message: o.message,
			DurationMillis: time.Since(begin).Milliseconds(), LambdaRequest: o.req, LambdaResponse: o.resp, LambdaAttempts: o.attempts,
		}
		x.log.Entries = append(x.log.Entries, entry)
		if o.transfer != nil {
			if !x.load(o.transfer) {
				return
			}
			x.save(ctx)
			id = x.content.StartAction
			continue
		}
		x.save(ctx)
		switch {
		case o.end:
			x.finish(ctx, connectd.FlowRunCompleted, "")
			return
		case o.next == "" && o.errType != "":
			x.finish(ctx, connectd.FlowRunFailed, fmt.Sprintf("Action %q failed with %s and has no error branch for it.", a.Identifier, o.errType))
			return
		case o.next == "":
			x.finish(ctx, connectd.FlowRunCompleted, "")
			return
		}
		id = o.next
	}
}

// load switches the run to flow f, failing the run if its content does
// not parse (a SAVED draft, say).
func (x *execution) load(f *connectd.Flow) bool {
	c, err := connectd.ParseFlowContent(f.Content)
	if err == nil && c.Action(c.StartAction) == nil {
		err = fmt.Errorf("StartAction %q names no action", c.StartAction)
	}
	if err != nil {
		x.finish(context.Background(), connectd.FlowRunFailed, fmt.Sprintf("Flow %s cannot run: %v", f.ID, err))
		return false
	}
	x.flow, x.content, x.loops = f, c, map[string]int{}
	return true
}

// errorBranch returns the NextAction of a's error branch for errType, else
// its NoMatchingError branch, else "".
func errorBranch(a *connectd.FlowAction, errType string) string {
	fallback := ""
	for _, e := range a.Transitions.Errors {
		switch e.ErrorType {
		case errType:
			return e.NextAction
		case "NoMatchingError":
			fallback = e.NextAction
		}
	}
	return fallback
}

func (x *execution) save(ctx context.Context) {
	if err := x.r.cfg.Service.SaveFlowRun(context.WithoutCancel(ctx), x.log); err != nil {
		x.r.cfg.Logger.Error("save flow log", "contact", x.contact.ID, "err", err)
	}
}

// finish ends the run with status, the Observer's outcome named after it.
func (x *execution) finish(ctx context.Context, status, reason string) {
	x.finishAs(ctx, status, strings.ToLower(status), reason)
}

// finishAs ends the run, telling the Observer before the run is stored
// as ended, so that whoever waits for the stored end sees it counted.
func (x *execution) finishAs(ctx context.Context, status, outcome, reason string) {
	x.r.cfg.Observer.FlowRunEnded(outcome, time.Since(x.began))
	x.log.Status, x.log.Reason, x.log.Ended = status, reason, x.r.now()
	x.save(ctx)
	x.r.cfg.Logger.Debug("flow run ended", "contact", x.contact.ID, "status", status, "reason", reason)
}

// contactNow reads the contact as it is now (its chain's attributes
// included), for references.
func (x *execution) contactNow(ctx context.Context) (*connectd.Contact, error) {
	c, err := x.r.cfg.Service.FindContact(ctx, x.owner, x.contact.InstanceID, x.contact.ID)
	if err != nil {
		return nil, fmt.Errorf("read contact: %w", err)
	}
	return c, nil
}

// failed is the outcome of an action whose effect was refused.
func failed(params map[string]any, err error) outcome {
	msg := connectd.ErrorMessage(err)
	var de *connectd.Error
	if !errors.As(err, &de) {
		msg = err.Error()
	}
	return outcome{errType: "NoMatchingError", message: msg, params: params}
}

package connectd

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// FlowStarter runs a contact's flow asynchronously, as Amazon Connect does:
// the Start* operation answers before the flow has run. The flow package's
// Runner is one; it calls back into the Service, never into a store.
type FlowStarter interface {
	StartFlow(owner Owner, contact *Contact, flow *Flow, run *FlowRun)
}

// SetFlowStarter makes new TASK and CHAT contacts that name a flow of their
// instance run it through fs. Without one, no flow runs (today's
// behaviour). It must be called before the Service serves requests.
func (s *Service) SetFlowStarter(fs FlowStarter) { s.flows = fs }

// The statuses of a FlowRun.
const (
	FlowRunRunning = "RUNNING"
	// FlowRunWaiting is a run paused in a Wait action until the clock
	// passes Wait.Until; it goes on RUNNING from there.
	FlowRunWaiting     = "WAITING"
	FlowRunCompleted   = "COMPLETED"
	FlowRunFailed      = "FAILED"
	FlowRunInterrupted = "INTERRUPTED"
)

// FlowRun is the log of one contact's flow run, in the manner of Amazon
// Connect's flow logs: one entry per action run. It is stored, so it
// outlives the process; a run cut short by a restart is marked
// INTERRUPTED when the next process starts (InterruptFlowRuns), or, when
// replicas share the store, by a live one once its process has been
// silent too long (InterruptGoneProcessRuns).
type FlowRun struct {
	InstanceID string
	ContactID  string
	FlowID     string
	FlowName   string
	Status     string
	// Reason says why a run stopped, for FAILED and INTERRUPTED.
	Reason  string `json:",omitempty"`
	Started time.Time
	Ended   time.Time `json:",omitzero"`
	// Wait is the Wait action a WAITING run is paused in; nil otherwise.
	Wait    *FlowRunWait `json:",omitempty"`
	Entries []FlowLogEntry
	// Process is the id of the process that runs it (Processes), so that
	// the other processes sharing the store leave it alone.
	Process string `json:",omitempty"`
}

// FlowRunWait is where a WAITING run is paused: the Wait action's
// identifier and the clock reading its wait ends at.
type FlowRunWait struct {
	Identifier string
	Until      time.Time
}

// Done reports whether the run has ended (COMPLETED, FAILED or
// INTERRUPTED): it is neither running nor waiting.
func (r *FlowRun) Done() bool { return r.Status != FlowRunRunning && r.Status != FlowRunWaiting }

// Stopped reports whether nothing will happen to the run before the clock
// moves: it has ended, or it waits in a Wait whose end the clock at now
// has not reached. A Wait the clock has passed is about to go on, so the
// run has not stopped.
func (r *FlowRun) Stopped(now time.Time) bool {
	if r.Status == FlowRunWaiting {
		return r.Wait != nil && now.Before(r.Wait.Until)
	}
	return r.Done()
}

// FlowLogEntry is one action of a run.
type FlowLogEntry struct {
	Timestamp       time.Time
	ContactFlowID   string
	ContactFlowName string
	Identifier      string
	Type            string
	// Parameters are the action's parameters after JSONPath resolution.
	Parameters map[string]any `json:",omitempty"`
	// Results is what the action produced (Compare's value, ...).
	Results string `json:",omitempty"`
	// Branch is the NextAction taken ("" when the flow ended here), with
	// Error the error type of an error branch.
	Branch         string `json:",omitempty"`
	Error          string `json:",omitempty"`
	Message        string `json:",omitempty"`
	DurationMillis int64
	// LambdaRequest and LambdaResponse are InvokeLambdaFunction's payloads.
	LambdaRequest  json.RawMessage `json:",omitempty"`
	LambdaResponse json.RawMessage `json:",omitempty"`
	// LambdaAttempts are its invocations, one per attempt: Amazon Connect
	// retries a throttled or failed invocation within the time limit.
	LambdaAttempts []LambdaAttempt `json:",omitempty"`
}

// LambdaAttempt is one invocation of an InvokeLambdaFunction action: its
// number (1 for the first), how long it took and its error, "" if none.
type LambdaAttempt struct {
	Attempt        int
	DurationMillis int64
	Error          string `json:",omitempty"`
}

// pendingFlow is a contact's flow run stored in the unit of work that
// stored the contact, to start once that unit has committed.
type pendingFlow struct {
	owner Owner
	c     *Contact
	flow  *Flow
	run   *FlowRun
}

// prepareFlow stores, in the unit of work tx that created contact c, the
// run of flowID if c is a TASK or CHAT contact, a FlowStarter is set and
// the instance has that flow; nil when there is nothing to run. A
// ContactFlowId the instance has no flow for starts the contact and runs
// nothing, as before flows existed. A contact that already has a run (a
// retried start answered with its first contact) is not run again.
//
// The run is stored with the contact, not in a unit of its own after it:
// a second unit could be refused (the request's deadline, a writer too
// busy under load) after the contact was acknowledged, leaving a started
// contact whose flow never ran.
func (s *Service) prepareFlow(ctx context.Context, tx Tx, owner Owner, c *Contact, flowID string) (*pendingFlow, error) {
	if s.flows == nil || flowID == "" || (c.Channel != ChannelTask && c.Channel != ChannelChat) {
		return nil, nil
	}
	b, err := tx.FlowDoc(ctx, c.InstanceID, DocFlow, flowIDOf(flowID))
	if err != nil || b == nil {
		return nil, err
	}
	if prior, err := tx.FlowDoc(ctx, c.InstanceID, DocRun, c.ID); err != nil || prior != nil {
		return nil, err
	}
	flow, err := decodeFlow(b)
	if err != nil {
		return nil, err
	}
	run := &FlowRun{InstanceID: c.InstanceID, ContactID: c.ID, FlowID: flow.ID, FlowName: flow.Name,
		Status: FlowRunRunning, Started: s.now(), Process: s.process}
	if err := putRun(ctx, tx, run); err != nil {
		return nil, err
	}
	return &pendingFlow{owner: owner, c: c, flow: flow, run: run}, nil
}

// start hands a committed contact's stored run to the FlowStarter.
func (s *Service) start(p *pendingFlow) {
	if p != nil {
		s.flows.StartFlow(p.owner, p.c, p.flow, p.run)
	}
}

// flowIDOf accepts a flow id or ARN, as ContactFlowId members and
// TransferToFlow do.
func flowIDOf(idOrARN string) string {
	for i := len(idOrARN) - 1; i >= 0; i-- {
		if idOrARN[i] == '/' {
			return idOrARN[i+1:]
		}
	}
	return idOrARN
}

// FlowByRef returns the flow of the instance named by id or ARN, or nil
// when there is none, for TransferToFlow.
func (s *Service) FlowByRef(ctx context.Context, owner Owner, instanceID, ref string) (*Flow, error) {
	f, err := s.DescribeFlow(ctx, owner, instanceID, flowIDOf(ref))
	if ErrorCode(err) == ENOTFOUND {
		return nil, nil
	}
	return f, err
}

// SaveFlowRun stores run as it stands, which the interpreter does after
// every action so that the log survives a crash.
func (s *Service) SaveFlowRun(ctx context.Context, run *FlowRun) error {
	return s.port.Update(ctx, "save flow run", func(tx Tx) error { return putRun(ctx, tx, run) })
}

// FlowRunOf returns the run of contact id of the instance, or ENOTFOUND if
// no flow ran for it. It is a control-plane read: any owner's contact.
func (s *Service) FlowRunOf(ctx context.Context, instanceID, contactID string) (*FlowRun, error) {
	var run *FlowRun
	err := s.port.View(ctx, "flow run", func(tx Tx) error {
		b, err := tx.FlowDoc(ctx, instanceID, DocRun, contactID)
		if err != nil {
			return err
		}
		if b == nil {
			return Errorf(ENOTFOUND, "No flow ran for contact %s of instance %s.", contactID, instanceID)
		}
		run = &FlowRun{}
		if err := json.Unmarshal(b, run); err != nil {
			return fmt.Errorf("decode flow run: %w", err)
		}
		return nil
	})
	return run, err
}

// WaitFlowRun returns the run of the contact once it has stopped
// (FlowRun.Stopped: ended, or waiting in a Wait the clock has not
// passed), polling the store (so it sees runs of any process sharing it)
// until ctx is done. A test that moves the clock past a Wait calls it
// again to see the run go on.
func (s *Service) WaitFlowRun(ctx context.Context, instanceID, contactID string) (*FlowRun, error) {
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		run, err := s.FlowRunOf(ctx, instanceID, contactID)
		if err != nil || run.Stopped(s.now()) {
			return run, err
		}
		select {
		case <-ctx.Done():
			return run, Errorf(EINVALIDREQUEST, "The flow of contact %s is still running.", contactID)
		case <-tick.C:
		}
	}
}

// InterruptFlowRuns marks every run under way (RUNNING or WAITING, with
// its open-run mark) INTERRUPTED, but those of processes that share the
// store and live (Processes): a process calls it as it starts, before it
// runs flows, because no run survives its process (a Wait included:
// connectd keeps a run's log, not the state to go on with, such as flow
// attributes and $.External). It returns how many it marked. A run stored
// before runs named their process has none, and is marked.
//
// It reads the open-run marks of each instance (a range of flow_docs'
// key), not the runs that ended, which grow without bound; and it reads
// them before the processes that live: a replica records itself before it
// stores its first run, so every mark read belongs to a process the later
// read sees, if it lives. Read the other way round, a replica that started
// in between would have its new runs marked.
func (s *Service) InterruptFlowRuns(ctx context.Context) (int, error) {
	n := 0
	err := s.port.Update(ctx, "interrupt flow runs", func(tx Tx) error {
		n = 0
		instances, err := tx.AllInstances(ctx)
		if err != nil {
			return err
		}
		var marks []FlowDoc
		for _, inst := range instances {
			m, err := tx.FlowDocs(ctx, inst.ID, DocOpenRun)
			if err != nil {
				return err
			}
			marks = append(marks, m...)
		}
		if len(marks) == 0 {
			return nil
		}
		live, _, err := s.liveProcesses(ctx)
		if err != nil {
			return err
		}
		for _, m := range marks {
			if live[string(m.Doc)] {
				continue
			}
			marked, err := s.interruptRun(ctx, tx, m.InstanceID, m.ID, live)
			if err != nil {
				return err
			}
			if marked {
				n++
			}
		}
		return nil
	})
	return n, err
}

// interruptRun marks the run of contact id INTERRUPTED unless it has
// ended or its process is live, and reports whether it did. A mark whose
// run has ended, or is gone, is dropped.
func (s *Service) interruptRun(ctx context.Context, tx Tx, instanceID, id string, live map[string]bool) (bool, error) {
	b, err := tx.FlowDoc(ctx, instanceID, DocRun, id)
	if err != nil {
		return false, err
	}
	var run FlowRun
	if b != nil {
		if err := json.Unmarshal(b, &run); err != nil {
			return false, fmt.Errorf("decode flow run: %w", err)
		}
	}
	if b == nil || run.Done() {
		_, err := tx.DeleteFlowDoc(ctx, instanceID, DocOpenRun, id)
		return false, err
	}
	if live[run.Process] {
		return false, nil
	}
	run.Reason = "The server stopped while the flow was running; connectd does not resume flows."
	if run.Status == FlowRunWaiting && run.Wait != nil {
		run.Reason = fmt.Sprintf("The server stopped while the flow waited in Wait %q; connectd does not resume flows.", run.Wait.Identifier)
	}
	run.Status, run.Ended, run.Wait = FlowRunInterrupted, s.now(), nil
	return true, putRun(ctx, tx, &run)
}

// putRun stores run with its open-run mark (DocOpenRun): kept while the
// run is under way, deleted once it has ended. The mark is written with
// every save, not only the first, so that a run stored RUNNING again after
// another process marked it (its replica was cut off for a while) is
// marked under way again too.
func putRun(ctx context.Context, tx Tx, run *FlowRun) error {
	b, err := encodeDoc(run)
	if err != nil {
		return err
	}
	if err := tx.PutFlowDoc(ctx, FlowDoc{InstanceID: run.InstanceID, Kind: DocRun, ID: run.ContactID, Doc: b}); err != nil {
		return err
	}
	if run.Done() {
		_, err := tx.DeleteFlowDoc(ctx, run.InstanceID, DocOpenRun, run.ContactID)
		return err
	}
	return tx.PutFlowDoc(ctx, FlowDoc{InstanceID: run.InstanceID, Kind: DocOpenRun, ID: run.ContactID, Doc: []byte(run.Process)})
}

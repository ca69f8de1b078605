package connectd

import "context"

// FlowTx is the part of a Tx that keeps flows, an instance's associated
// Lambda functions and the log of each contact's flow run. Each is a JSON
// document (encoded and decoded by the Service) kept under (instance, kind,
// id); a document goes with its instance (DeleteInstance, DeleteAll).
type FlowTx interface {
	// FlowDoc returns the document kind/id of the instance, or nil.
	FlowDoc(ctx context.Context, instanceID, kind, id string) ([]byte, error)
	// FlowDocs returns every document of kind of the instance ("": of
	// every instance) in byte order of instance and id.
	FlowDocs(ctx context.Context, instanceID, kind string) ([]FlowDoc, error)
	// PutFlowDoc stores d, replacing the document with its key.
	PutFlowDoc(ctx context.Context, d FlowDoc) error
	// DeleteFlowDoc removes a document and reports whether there was one.
	DeleteFlowDoc(ctx context.Context, instanceID, kind, id string) (bool, error)
}

// FlowDoc is one document of a FlowTx.
type FlowDoc struct {
	InstanceID, Kind, ID string
	Doc                  []byte
}

// The kinds of FlowDoc.
const (
	DocFlow   = "flow"
	DocLambda = "lambda"
	DocRun    = "run"
	// DocOpenRun marks a run under way (RUNNING or WAITING), under the
	// run's id, its document the id of the process that runs it: a
	// process starting reads these few, not every run ever stored
	// (InterruptFlowRuns). Migrations sqlite 0019 and postgres 0017 marked
	// the runs under way stored before.
	DocOpenRun = "open-run"
)

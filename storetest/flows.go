package storetest

import (
	"fmt"
	"testing"

	"github.com/connectd/connectd"
)

var flowTests = []storeTest{
	{"RoundTripAndOwner", testFlowRoundTrip},
	{"ExportImportReset", testFlowSnapshot},
	{"DeleteInstance", testFlowDeleteInstance},
	{"ConcurrentNames", testFlowConcurrentNames},
	{"ConcurrentWrites", testFlowConcurrentWrites},
}

const storeFlow = `{"Version":"2019-10-30","StartAction":"e","Actions":[{"Identifier":"e","Type":"EndFlowExecution"}]}`

func (f *fixture) flow(id, name string) *connectd.Flow {
	f.t.Helper()
	fl := &connectd.Flow{InstanceID: f.inst.ID, ID: id, Name: name, Type: "CONTACT_FLOW", Content: storeFlow, Tags: map[string]string{"k": "v"}}
	if err := f.svc.CreateFlow(f.ctx, f.owner, fl); err != nil {
		f.t.Fatalf("CreateFlow(%s): %v", id, err)
	}
	return fl
}

// testFlowRoundTrip: a stored flow reads back as it was written, only for
// its owner, and an update keeps every member it does not change.
func testFlowRoundTrip(t *testing.T, f *fixture) {
	f.flow("flow-b", "b")
	f.flow("flow-a", "a")
	got, err := f.svc.DescribeFlow(f.ctx, f.owner, f.inst.ID, "flow-a")
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "a" || got.Content != storeFlow || got.Tags["k"] != "v" || !got.LastModifiedTime.Equal(start) || got.Owner != f.owner {
		t.Fatalf("read back %+v", got)
	}
	other := connectd.Owner{AccountID: "999988887777", Region: "us-east-1"}
	_, err = f.svc.DescribeFlow(f.ctx, other, f.inst.ID, "flow-a")
	wantCode(t, err, connectd.ENOTFOUND)
	name := "renamed"
	if err := f.svc.UpdateFlow(f.ctx, f.owner, f.inst.ID, "flow-a", connectd.FlowUpdate{Name: &name}); err != nil {
		t.Fatal(err)
	}
	taken := "b"
	wantCode(t, f.svc.UpdateFlow(f.ctx, f.owner, f.inst.ID, "flow-a", connectd.FlowUpdate{Name: &taken}), connectd.EDUPLICATE)
	page, next, err := f.svc.ListFlows(f.ctx, f.owner, f.inst.ID, nil, "", 1)
	if err != nil || len(page) != 1 || page[0].ID != "flow-a" || page[0].Name != "renamed" || page[0].Content != storeFlow || next == "" {
		t.Fatalf("page 1: %v %v %q", err, page, next)
	}
	page, next, err = f.svc.ListFlows(f.ctx, f.owner, f.inst.ID, nil, next, 1)
	if err != nil || len(page) != 1 || page[0].ID != "flow-b" || next != "" {
		t.Fatalf("page 2: %v %v %q", err, page, next)
	}
}

// testFlowSnapshot: Export carries flows and Lambda associations, Reset
// removes them, and Import brings them back.
func testFlowSnapshot(t *testing.T, f *fixture) {
	f.flow("flow-1", "one")
	arn := "arn:aws:lambda:us-east-1:111122223333:function:f"
	if err := f.svc.AssociateLambda(f.ctx, f.owner, f.inst.ID, arn); err != nil {
		t.Fatal(err)
	}
	snap, err := f.svc.Export(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Flows) != 1 || len(snap.LambdaFunctions) != 1 {
		t.Fatalf("export has %d flows and %d lambdas", len(snap.Flows), len(snap.LambdaFunctions))
	}
	if err := f.svc.Reset(f.ctx); err != nil {
		t.Fatal(err)
	}
	after, err := f.svc.Export(f.ctx)
	if err != nil || len(after.Flows) != 0 || len(after.LambdaFunctions) != 0 {
		t.Fatalf("after reset: %v %+v", err, after)
	}
	if err := f.svc.Import(f.ctx, snap); err != nil {
		t.Fatalf("Import of an export: %v", err)
	}
	got, err := f.svc.DescribeFlow(f.ctx, f.owner, f.inst.ID, "flow-1")
	if err != nil || got.Content != storeFlow {
		t.Fatalf("imported flow: %v %+v", err, got)
	}
	arns, _, err := f.svc.ListLambdas(f.ctx, f.owner, f.inst.ID, "", 10)
	if err != nil || len(arns) != 1 || arns[0] != arn {
		t.Fatalf("imported lambdas: %v %v", err, arns)
	}
	// A second import of the same flow is refused, and changes nothing.
	wantCode(t, f.svc.Import(f.ctx, &connectd.Snapshot{Flows: snap.Flows}), connectd.EINVALID)
	bad := &connectd.Snapshot{Flows: []*connectd.Flow{{InstanceID: f.inst.ID, ID: "bad", Name: "bad", Type: "CONTACT_FLOW", Content: "{}"}}}
	wantCode(t, f.svc.Import(f.ctx, bad), connectd.EINVALID)
}

// testFlowDeleteInstance: an instance's flows go with it.
func testFlowDeleteInstance(t *testing.T, f *fixture) {
	f.flow("flow-1", "one")
	if err := f.svc.DeleteInstance(f.ctx, f.owner, f.inst.ID); err != nil {
		t.Fatal(err)
	}
	f.instance(f.owner, f.inst.ID, "again")
	_, err := f.svc.DescribeFlow(f.ctx, f.owner, f.inst.ID, "flow-1")
	wantCode(t, err, connectd.ENOTFOUND)
}

// testFlowConcurrentNames: flows created at once under one name (as on
// several replicas of one database) end as one flow of that name; the
// others are EDUPLICATE. So do renames at once to one name.
func testFlowConcurrentNames(t *testing.T, f *fixture) {
	const n = 8
	race := func(what string, op func(i int) error) {
		errs := make([]error, n)
		Parallel(n, func(i int) { errs[i] = op(i) })
		if ok := Succeeded(t, what, errs, connectd.EDUPLICATE); ok != 1 {
			t.Errorf("%s at once under one name: %d succeeded, want 1", what, ok)
		}
	}
	race("creates", func(i int) error {
		fl := &connectd.Flow{InstanceID: f.inst.ID, ID: fmt.Sprintf("race-%d", i), Name: "same", Type: "CONTACT_FLOW", Content: storeFlow}
		return f.svc.CreateFlow(f.ctx, f.owner, fl)
	})
	for i := range n {
		f.flow(fmt.Sprintf("rename-%d", i), fmt.Sprintf("old-%d", i))
	}
	race("renames", func(i int) error {
		name := "renamed"
		return f.svc.UpdateFlow(f.ctx, f.owner, f.inst.ID, fmt.Sprintf("rename-%d", i), connectd.FlowUpdate{Name: &name})
	})
	flows, _, err := f.svc.ListFlows(f.ctx, f.owner, f.inst.ID, nil, "", 100)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]int{}
	for _, fl := range flows {
		names[fl.Name]++
	}
	if names["same"] != 1 || names["renamed"] != 1 {
		t.Errorf("after the races: %d flows named same and %d named renamed, want 1 each", names["same"], names["renamed"])
	}
}

// testFlowConcurrentWrites: a rename, a description and a tag written at
// once to one flow (as by several replicas) all stay: each writes the
// whole flow back, so one read before another's write would undo it.
func testFlowConcurrentWrites(t *testing.T, f *fixture) {
	fl := f.flow("flow-w", "w-0")
	fl.Owner = f.owner
	for round := range 10 {
		name, desc, tag := fmt.Sprintf("w-%d", round+1), fmt.Sprintf("d-%d", round), fmt.Sprintf("t-%d", round)
		writes := []func() error{
			func() error {
				return f.svc.UpdateFlow(f.ctx, f.owner, f.inst.ID, fl.ID, connectd.FlowUpdate{Name: &name})
			},
			func() error {
				return f.svc.UpdateFlow(f.ctx, f.owner, f.inst.ID, fl.ID, connectd.FlowUpdate{Description: &desc})
			},
			func() error { return f.svc.TagResource(f.ctx, f.owner, fl.ARN(), map[string]string{"round": tag}) },
		}
		errs := make([]error, len(writes))
		Parallel(len(writes), func(i int) { errs[i] = writes[i]() })
		for i, err := range errs {
			if err != nil {
				t.Fatalf("round %d, write %d: %v", round, i, err)
			}
		}
		got, err := f.svc.DescribeFlow(f.ctx, f.owner, f.inst.ID, fl.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != name || got.Description != desc || got.Tags["round"] != tag {
			t.Fatalf("round %d: name %q, description %q, tag %q; want %q, %q, %q (a write undid another)",
				round, got.Name, got.Description, got.Tags["round"], name, desc, tag)
		}
	}
}

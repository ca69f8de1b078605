package connectd

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
)

// FlowCriteria is SearchContactFlows' ContactFlowSearchCriteria: every
// condition that is set must hold, every member of And, and one member of
// Or when Or is not empty.
type FlowCriteria struct {
	Or, And             []FlowCriteria
	String              *StringCondition
	Type, State, Status string
}

// StringCondition compares a text field of a resource: FieldName "name" or
// "description", ComparisonType EXACT, CONTAINS or STARTS_WITH.
type StringCondition struct {
	FieldName, Value, ComparisonType string
}

// check returns EINVALID for a condition connectd cannot evaluate.
func (c *FlowCriteria) check() error {
	if c.String != nil {
		switch strings.ToLower(c.String.FieldName) {
		case "name", "description":
		default:
			return Errorf(EINVALID, "StringCondition FieldName must be name or description; got %q.", c.String.FieldName)
		}
		switch c.String.ComparisonType {
		case "EXACT", "CONTAINS", "STARTS_WITH":
		default:
			return Errorf(EINVALID, "StringCondition ComparisonType must be EXACT, CONTAINS or STARTS_WITH; got %q.", c.String.ComparisonType)
		}
	}
	for _, sub := range append(append([]FlowCriteria{}, c.And...), c.Or...) {
		if err := sub.check(); err != nil {
			return err
		}
	}
	return nil
}

// Match reports whether f meets c. EXACT compares as is; CONTAINS and
// STARTS_WITH ignore case, as the console's search does.
func (c *FlowCriteria) Match(f *Flow) bool {
	if c.String != nil {
		field := f.Name
		if strings.EqualFold(c.String.FieldName, "description") {
			field = f.Description
		}
		v, lf := strings.ToLower(c.String.Value), strings.ToLower(field)
		ok := map[string]bool{
			"EXACT": field == c.String.Value, "CONTAINS": strings.Contains(lf, v), "STARTS_WITH": strings.HasPrefix(lf, v),
		}[c.String.ComparisonType]
		if !ok {
			return false
		}
	}
	if (c.Type != "" && f.Type != c.Type) || (c.State != "" && f.State != c.State) || (c.Status != "" && f.Status != c.Status) {
		return false
	}
	for i := range c.And {
		if !c.And[i].Match(f) {
			return false
		}
	}
	if len(c.Or) == 0 {
		return true
	}
	for i := range c.Or {
		if c.Or[i].Match(f) {
			return true
		}
	}
	return false
}

// SearchFlows returns a page of the flows of the owner's instance that
// match crit (nil: all), as ListFlows pages, and how many match in all.
func (s *Service) SearchFlows(ctx context.Context, owner Owner, instanceID string, crit *FlowCriteria, token string, limit int) ([]*Flow, string, int, error) {
	if crit == nil {
		crit = &FlowCriteria{}
	}
	if err := crit.check(); err != nil {
		return nil, "", 0, err
	}
	total := 0
	page, next, err := s.pageFlows(ctx, owner, instanceID, token, limit, func(f *Flow) bool { return crit.Match(f) })
	if err != nil {
		return nil, "", 0, err
	}
	err = s.port.View(ctx, "search flows", func(tx Tx) error {
		all, err := instanceFlows(ctx, tx, owner, instanceID)
		total = 0
		for _, f := range all {
			if crit.Match(f) {
				total++
			}
		}
		return err
	})
	return page, next, total, err
}

// MaxLambdaFunctions is how many Lambda functions an instance may have
// associated (Amazon Connect service quotas: "Lambda functions per
// instance", 50).
const MaxLambdaFunctions = 50

// AssociateLambda associates the Lambda function arn with the owner's
// instance: ENOTFOUND for an unknown instance, ERESOURCECONFLICT if it
// already is, EQUOTA past MaxLambdaFunctions. The association is recorded
// for ListLambdaFunctions; connectd's flows invoke any function, associated
// or not (README, Behaviour).
func (s *Service) AssociateLambda(ctx context.Context, owner Owner, instanceID, arn string) error {
	return s.port.Update(ctx, "associate lambda function", func(tx Tx) error {
		if err := flowInstance(ctx, tx, owner, instanceID); err != nil {
			return err
		}
		// The duplicate check and the quota read the associations first.
		if err := tx.LockInstance(ctx, instanceID); err != nil {
			return err
		}
		docs, err := tx.FlowDocs(ctx, instanceID, DocLambda)
		if err != nil {
			return err
		}
		for _, d := range docs {
			if d.ID == arn {
				return Errorf(ERESOURCECONFLICT, "Lambda function %s is already associated with instance %s.", arn, instanceID)
			}
		}
		if len(docs) >= MaxLambdaFunctions {
			return Errorf(EQUOTA, "Instance %s already has %d Lambda functions associated.", instanceID, MaxLambdaFunctions)
		}
		return tx.PutFlowDoc(ctx, FlowDoc{InstanceID: instanceID, Kind: DocLambda, ID: arn, Doc: []byte(`{}`)})
	})
}

// DisassociateLambda removes the association: ENOTFOUND for an unknown
// instance or a function that is not associated.
func (s *Service) DisassociateLambda(ctx context.Context, owner Owner, instanceID, arn string) error {
	return s.port.Update(ctx, "disassociate lambda function", func(tx Tx) error {
		if err := flowInstance(ctx, tx, owner, instanceID); err != nil {
			return err
		}
		ok, err := tx.DeleteFlowDoc(ctx, instanceID, DocLambda, arn)
		if err == nil && !ok {
			err = Errorf(ENOTFOUND, "Lambda function %s is not associated with instance %s.", arn, instanceID)
		}
		return err
	})
}

// ListLambdas returns a page of up to limit ARNs associated with the
// owner's instance, in byte order, and the next page's token.
func (s *Service) ListLambdas(ctx context.Context, owner Owner, instanceID, token string, limit int) ([]string, string, error) {
	after, err := afterToken(token, "lambda:")
	if err != nil {
		return nil, "", err
	}
	var out []string
	next := ""
	err = s.port.View(ctx, "list lambda functions", func(tx Tx) error {
		out, next = nil, ""
		if err := flowInstance(ctx, tx, owner, instanceID); err != nil {
			return err
		}
		docs, err := tx.FlowDocs(ctx, instanceID, DocLambda)
		for _, d := range docs {
			if d.ID <= after {
				continue
			}
			if len(out) == limit {
				next = pageToken("lambda:", out[len(out)-1])
				break
			}
			out = append(out, d.ID)
		}
		return err
	})
	return out, next, err
}

// exportFlows returns every flow and Lambda association of every instance,
// for Export.
func exportFlows(ctx context.Context, tx Tx) ([]*Flow, []LambdaAssociation, error) {
	docs, err := tx.FlowDocs(ctx, "", DocFlow)
	if err != nil {
		return nil, nil, err
	}
	var flows []*Flow
	for _, d := range docs {
		f, err := decodeFlow(d.Doc)
		if err != nil {
			return nil, nil, err
		}
		flows = append(flows, f)
	}
	lambdas, err := tx.FlowDocs(ctx, "", DocLambda)
	if err != nil {
		return nil, nil, err
	}
	var out []LambdaAssociation
	for _, d := range lambdas {
		out = append(out, LambdaAssociation{InstanceID: d.InstanceID, FunctionARN: d.ID})
	}
	return flows, out, nil
}

// LambdaAssociation is a Lambda function associated with an instance, as a
// Snapshot holds it.
type LambdaAssociation struct {
	InstanceID, FunctionARN string
}

// importFlows stores a snapshot's flows and associations, after the
// instances: each flow's instance must exist, its id be free and its
// content pass validation as CreateFlow's would.
func (s *Service) importFlows(ctx context.Context, tx Tx, snap *Snapshot) error {
	for i, f := range snap.Flows {
		where := fmt.Sprintf("ContactFlows[%d] (Id %q)", i, f.ID)
		inst, err := anyInstance(ctx, tx, f.InstanceID)
		if err != nil {
			return err
		}
		if inst == nil {
			return Errorf(EINVALID, "%s: instance %s is neither in the snapshot nor in the store.", where, f.InstanceID)
		}
		if err := checkImportedFlow(f); err != nil {
			return Errorf(EINVALID, "%s: %s", where, ErrorMessage(err))
		}
		// The name first: nameFree takes the instance's lock,
		// so that the id is looked for after a concurrent import of the
		// same flow has committed (putFlow would replace it).
		if err := nameFree(ctx, tx, f.InstanceID, f.ID, f.Name); err != nil {
			if ErrorCode(err) != EDUPLICATE {
				return err // the lock's or the store's failure, retried or a 5xx as it is
			}
			return Errorf(EINVALID, "%s: %s", where, ErrorMessage(err))
		}
		if b, err := tx.FlowDoc(ctx, f.InstanceID, DocFlow, f.ID); err != nil || b != nil {
			if err == nil {
				err = Errorf(EINVALID, "%s: a flow with this Id already exists.", where)
			}
			return err
		}
		f.Owner = inst.Owner
		if f.LastModifiedTime.IsZero() {
			f.LastModifiedTime = s.now()
		}
		if f.LastModifiedRegion == "" {
			f.LastModifiedRegion = inst.Owner.Region
		}
		if err := putFlow(ctx, tx, f); err != nil {
			return err
		}
	}
	for i, l := range snap.LambdaFunctions {
		if inst, err := anyInstance(ctx, tx, l.InstanceID); err != nil || inst == nil {
			if err == nil {
				err = Errorf(EINVALID, "LambdaFunctions[%d]: instance %s is neither in the snapshot nor in the store.", i, l.InstanceID)
			}
			return err
		}
		if err := tx.PutFlowDoc(ctx, FlowDoc{InstanceID: l.InstanceID, Kind: DocLambda, ID: l.FunctionARN, Doc: []byte(`{}`)}); err != nil {
			return err
		}
	}
	return nil
}

// anyInstance returns instance id of whichever owner has it, or nil.
func anyInstance(ctx context.Context, tx Tx, id string) (*Instance, error) {
	all, err := tx.AllInstances(ctx)
	if err != nil {
		return nil, err
	}
	for _, inst := range all {
		if inst.ID == id {
			return inst, nil
		}
	}
	return nil, nil
}

// checkImportedFlow applies CreateContactFlow's rules to an imported flow.
func checkImportedFlow(f *Flow) error {
	switch {
	case f.ID == "" || len(f.ID) > 500:
		return Errorf(EINVALID, "Id must be 1 to 500 characters.")
	case f.Name == "":
		return Errorf(EINVALID, "Name is required.")
	case !oneOf(f.Type, FlowTypes()...):
		return Errorf(EINVALID, "Type %q is not a flow type.", f.Type)
	}
	if f.Status == "" {
		f.Status = FlowStatusPublished
	}
	if f.State == "" {
		f.State = FlowStateActive
	}
	if !oneOf(f.Status, FlowStatusPublished, FlowStatusSaved) || !oneOf(f.State, FlowStateActive, FlowStateArchived) {
		return Errorf(EINVALID, "Status must be PUBLISHED or SAVED and State ACTIVE or ARCHIVED.")
	}
	if p := ValidateFlowContent(f.Content, f.Status == FlowStatusPublished); len(p) > 0 {
		return Errorf(EINVALID, "Content: %s", strings.Join(p, "; "))
	}
	return nil
}

// encodeDoc marshals v for a FlowDoc.
func encodeDoc(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode document: %w", err)
	}
	return b, nil
}

package connectd

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// CreateFlow stores f, a new flow of the owner's instance f.InstanceID, and
// fills in what the store keeps: State ACTIVE, Status PUBLISHED unless
// SAVED, LastModifiedTime and LastModifiedRegion. ENOTFOUND for an unknown
// instance, EDUPLICATE for a name another flow of the instance has,
// EINVALIDFLOW (a *FlowProblems) for content that fails
// ValidateFlowContent, EINVALID for a reserved tag key (CheckTagKeys).
func (s *Service) CreateFlow(ctx context.Context, owner Owner, f *Flow) error {
	if err := CheckTagKeys(f.Tags); err != nil {
		return err
	}
	if f.Status == "" {
		f.Status = FlowStatusPublished
	}
	if p := ValidateFlowContent(f.Content, f.Status == FlowStatusPublished); len(p) > 0 {
		return NewFlowProblems(p)
	}
	f.Owner, f.State = owner, FlowStateActive
	f.LastModifiedTime, f.LastModifiedRegion = s.now(), owner.Region
	return s.port.Update(ctx, "create flow", func(tx Tx) error {
		if err := flowInstance(ctx, tx, owner, f.InstanceID); err != nil {
			return err
		}
		if err := nameFree(ctx, tx, f.InstanceID, f.ID, f.Name); err != nil {
			return err
		}
		if b, err := tx.FlowDoc(ctx, f.InstanceID, DocFlow, f.ID); err != nil || b != nil {
			if err == nil {
				err = Errorf(ECONFLICT, "Flow %s already exists.", f.ID)
			}
			return err
		}
		return putFlow(ctx, tx, f)
	})
}

// DescribeFlow returns flow id of the owner's instance: ENOTFOUND for an
// unknown instance or flow.
func (s *Service) DescribeFlow(ctx context.Context, owner Owner, instanceID, id string) (*Flow, error) {
	var f *Flow
	err := s.port.View(ctx, "describe flow", func(tx Tx) error {
		var err error
		f, err = loadFlow(ctx, tx, owner, instanceID, id)
		return err
	})
	return f, err
}

// FlowUpdate is a change of UpdateContactFlowContent, UpdateContactFlowName
// or UpdateContactFlowMetadata: the members that are not nil.
type FlowUpdate struct {
	Content, Name, Description, State *string
}

// UpdateFlow applies u to flow id: ENOTFOUND for an unknown instance or
// flow, EDUPLICATE for a name another flow has, EINVALIDFLOW for content
// that fails validation (PUBLISHED flows) or does not parse (SAVED ones).
func (s *Service) UpdateFlow(ctx context.Context, owner Owner, instanceID, id string, u FlowUpdate) error {
	return s.port.Update(ctx, "update flow", func(tx Tx) error {
		f, err := lockFlow(ctx, tx, owner, instanceID, id)
		if err != nil {
			return err
		}
		if u.Content != nil {
			if p := ValidateFlowContent(*u.Content, f.Status == FlowStatusPublished); len(p) > 0 {
				return NewFlowProblems(p)
			}
			f.Content = *u.Content
		}
		if u.Name != nil && *u.Name != f.Name {
			if err := nameFree(ctx, tx, instanceID, id, *u.Name); err != nil {
				return err
			}
			f.Name = *u.Name
		}
		if u.Description != nil {
			f.Description = *u.Description
		}
		if u.State != nil {
			f.State = *u.State
		}
		f.LastModifiedTime, f.LastModifiedRegion = s.now(), owner.Region
		return putFlow(ctx, tx, f)
	})
}

// DeleteFlow deletes flow id: ENOTFOUND for an unknown instance or flow.
// Contacts whose flow is running keep running the content they started
// with.
func (s *Service) DeleteFlow(ctx context.Context, owner Owner, instanceID, id string) error {
	return s.port.Update(ctx, "delete flow", func(tx Tx) error {
		if _, err := lockFlow(ctx, tx, owner, instanceID, id); err != nil {
			return err
		}
		_, err := tx.DeleteFlowDoc(ctx, instanceID, DocFlow, id)
		return err
	})
}

// ListFlows returns a page of up to limit flows of the owner's instance,
// in id order, of the given types (none: every type), from the position
// token (""; the start), and the token of the next page ("" at the end).
// A token that is not one ListFlows made is EINVALID.
func (s *Service) ListFlows(ctx context.Context, owner Owner, instanceID string, types []string, token string, limit int) ([]*Flow, string, error) {
	return s.pageFlows(ctx, owner, instanceID, token, limit, func(f *Flow) bool {
		return len(types) == 0 || slices.Contains(types, f.Type)
	})
}

// pageFlows returns a page of the instance's flows that keep holds for.
// An instance has at most a few hundred flows (Amazon Connect's default
// quota is 100), so the page is cut from all of them in memory.
func (s *Service) pageFlows(ctx context.Context, owner Owner, instanceID, token string, limit int, keep func(*Flow) bool) ([]*Flow, string, error) {
	after, err := afterToken(token, "flow:")
	if err != nil {
		return nil, "", err
	}
	var page []*Flow
	next := ""
	err = s.port.View(ctx, "list flows", func(tx Tx) error {
		page, next = nil, ""
		all, err := instanceFlows(ctx, tx, owner, instanceID)
		if err != nil {
			return err
		}
		for _, f := range all {
			if f.ID <= after || !keep(f) {
				continue
			}
			if len(page) == limit {
				next = pageToken("flow:", page[len(page)-1].ID)
				break
			}
			page = append(page, f)
		}
		return nil
	})
	return page, next, err
}

// instanceFlows returns every flow of the owner's instance, in id order.
func instanceFlows(ctx context.Context, tx Tx, owner Owner, instanceID string) ([]*Flow, error) {
	if err := flowInstance(ctx, tx, owner, instanceID); err != nil {
		return nil, err
	}
	docs, err := tx.FlowDocs(ctx, instanceID, DocFlow)
	if err != nil {
		return nil, err
	}
	out := make([]*Flow, 0, len(docs))
	for _, d := range docs {
		f, err := decodeFlow(d.Doc)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// flowInstance is ENOTFOUND unless the owner has the instance.
func flowInstance(ctx context.Context, tx Tx, owner Owner, instanceID string) error {
	ok, err := tx.InstanceExists(ctx, owner, instanceID)
	if err == nil && !ok {
		err = instanceNotFound(instanceID)
	}
	return err
}

// lockFlow is loadFlow for a unit that writes the flow back: it first
// takes the instance's lock (SettingsTx.LockInstance), so that the flow it
// reads stays as it is until the unit ends.
func lockFlow(ctx context.Context, tx Tx, owner Owner, instanceID, id string) (*Flow, error) {
	if err := tx.LockInstance(ctx, instanceID); err != nil {
		return nil, err
	}
	return loadFlow(ctx, tx, owner, instanceID, id)
}

// loadFlow returns flow id of the owner's instance, or ENOTFOUND.
func loadFlow(ctx context.Context, tx Tx, owner Owner, instanceID, id string) (*Flow, error) {
	if err := flowInstance(ctx, tx, owner, instanceID); err != nil {
		return nil, err
	}
	b, err := tx.FlowDoc(ctx, instanceID, DocFlow, id)
	if err != nil {
		return nil, err
	}
	if b == nil {
		return nil, Errorf(ENOTFOUND, "Flow %s not found in instance %s.", id, instanceID)
	}
	return decodeFlow(b)
}

// nameFree is EDUPLICATE if a flow of the instance other than id is
// called name: Amazon Connect keeps flow names unique in an instance.
func nameFree(ctx context.Context, tx Tx, instanceID, id, name string) error {
	// Held to the end of the unit, past the flow's write: on a store
	// shared by replicas, two units could otherwise both find name free.
	// (A unit that took it in lockFlow takes it again: it is reentrant.)
	if err := tx.LockInstance(ctx, instanceID); err != nil {
		return err
	}
	docs, err := tx.FlowDocs(ctx, instanceID, DocFlow)
	if err != nil {
		return err
	}
	for _, d := range docs {
		f, err := decodeFlow(d.Doc)
		if err != nil {
			return err
		}
		if f.ID != id && f.Name == name {
			return Errorf(EDUPLICATE, "A flow named %q already exists in instance %s (%s).", name, instanceID, f.ID)
		}
	}
	return nil
}

func putFlow(ctx context.Context, tx Tx, f *Flow) error {
	b, err := json.Marshal(f)
	if err != nil {
		return fmt.Errorf("encode flow %s: %w", f.ID, err)
	}
	return tx.PutFlowDoc(ctx, FlowDoc{InstanceID: f.InstanceID, Kind: DocFlow, ID: f.ID, Doc: b})
}

func decodeFlow(b []byte) (*Flow, error) {
	var f Flow
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("decode stored flow: %w", err)
	}
	return &f, nil
}

// afterToken reads a NextToken of ListFlows, SearchFlows or ListLambdas:
// the last id of the previous page under prefix; "" for none. Any other
// token is EINVALID.
func afterToken(token, prefix string) (string, error) {
	if token == "" {
		return "", nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || !strings.HasPrefix(string(raw), prefix) {
		return "", Errorf(EINVALID, "NextToken is not a token this operation returned.")
	}
	return strings.TrimPrefix(string(raw), prefix), nil
}

// pageToken is the NextToken of a page that ends at id.
func pageToken(prefix, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(prefix + id))
}

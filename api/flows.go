package api

import (
	"context"

	"github.com/connectd/connectd"
)

// The contact flow operations (issue 15). The model checks names, types,
// states, statuses and page sizes; the Service validates the content.

// wireFlow is the model's ContactFlow shape.
type wireFlow struct {
	Arn                string            `json:"Arn"`
	Id                 string            `json:"Id"`
	Name               string            `json:"Name"`
	Type               string            `json:"Type"`
	State              string            `json:"State"`
	Status             string            `json:"Status"`
	Description        string            `json:"Description,omitempty"`
	Content            string            `json:"Content"`
	Tags               map[string]string `json:"Tags,omitempty"`
	FlowContentSha256  string            `json:"FlowContentSha256"`
	LastModifiedTime   *epoch            `json:"LastModifiedTime,omitempty"`
	LastModifiedRegion string            `json:"LastModifiedRegion,omitempty"`
}

func toWireFlow(f *connectd.Flow) wireFlow {
	return wireFlow{
		Arn: f.ARN(), Id: f.ID, Name: f.Name, Type: f.Type, State: f.State, Status: f.Status,
		Description: f.Description, Content: f.Content, Tags: f.Tags, FlowContentSha256: f.ContentSHA256(),
		LastModifiedTime: epochOf(f.LastModifiedTime), LastModifiedRegion: f.LastModifiedRegion,
	}
}

// wireFlowSummary is the model's ContactFlowSummary shape.
type wireFlowSummary struct {
	Id                string `json:"Id"`
	Arn               string `json:"Arn"`
	Name              string `json:"Name"`
	ContactFlowType   string `json:"ContactFlowType"`
	ContactFlowState  string `json:"ContactFlowState"`
	ContactFlowStatus string `json:"ContactFlowStatus"`
}

type createFlowInput struct {
	InstanceId, Name, Type, Content string
	Description, Status             *string
	Tags                            map[string]string
}

func (s *Server) createContactFlow(ctx context.Context, c *call, in *createFlowInput) (any, error) {
	f := &connectd.Flow{
		InstanceID: in.InstanceId, ID: s.cfg.NewID(), Name: in.Name, Type: in.Type, Content: in.Content,
		Description: deref(in.Description), Status: deref(in.Status), Tags: in.Tags,
	}
	if err := s.cfg.Service.CreateFlow(ctx, c.owner, f); err != nil {
		return nil, err
	}
	return struct {
		ContactFlowId     string `json:"ContactFlowId"`
		ContactFlowArn    string `json:"ContactFlowArn"`
		FlowContentSha256 string `json:"FlowContentSha256"`
	}{f.ID, f.ARN(), f.ContentSHA256()}, nil
}

type flowRef struct{ InstanceId, ContactFlowId string }

func (s *Server) describeContactFlow(ctx context.Context, c *call, in *flowRef) (any, error) {
	f, err := s.cfg.Service.DescribeFlow(ctx, c.owner, in.InstanceId, in.ContactFlowId)
	if err != nil {
		return nil, err
	}
	return struct {
		ContactFlow wireFlow `json:"ContactFlow"`
	}{toWireFlow(f)}, nil
}

func (s *Server) deleteContactFlow(ctx context.Context, c *call, in *flowRef) (any, error) {
	return nil, s.cfg.Service.DeleteFlow(ctx, c.owner, in.InstanceId, in.ContactFlowId)
}

type updateFlowInput struct {
	InstanceId, ContactFlowId                    string
	Content, Name, Description, ContactFlowState *string
}

// updateContactFlow serves UpdateContactFlowContent, UpdateContactFlowName
// and UpdateContactFlowMetadata: each sends only its own members, which the
// model has checked.
func (s *Server) updateContactFlow(ctx context.Context, c *call, in *updateFlowInput) (any, error) {
	u := connectd.FlowUpdate{Content: in.Content, Name: in.Name, Description: in.Description, State: in.ContactFlowState}
	return nil, s.cfg.Service.UpdateFlow(ctx, c.owner, in.InstanceId, in.ContactFlowId, u)
}

type listFlowsInput struct {
	InstanceId       string
	ContactFlowTypes []string
	NextToken        *string
	MaxResults       *int
}

// listFlowsPageSize is ListContactFlows' page when MaxResults is absent
// (the model's MaxResult1000 allows up to 1000; the SDKs' paginators send
// their own).
const listFlowsPageSize = 100

func (s *Server) listContactFlows(ctx context.Context, c *call, in *listFlowsInput) (any, error) {
	limit := listFlowsPageSize
	if in.MaxResults != nil {
		limit = *in.MaxResults
	}
	flows, next, err := s.cfg.Service.ListFlows(ctx, c.owner, in.InstanceId, in.ContactFlowTypes, deref(in.NextToken), limit)
	if err != nil {
		return nil, err
	}
	out := struct {
		ContactFlowSummaryList []wireFlowSummary `json:"ContactFlowSummaryList"`
		NextToken              string            `json:"NextToken,omitempty"`
	}{ContactFlowSummaryList: []wireFlowSummary{}, NextToken: next}
	for _, f := range flows {
		out.ContactFlowSummaryList = append(out.ContactFlowSummaryList, wireFlowSummary{
			Id: f.ID, Arn: f.ARN(), Name: f.Name, ContactFlowType: f.Type, ContactFlowState: f.State, ContactFlowStatus: f.Status,
		})
	}
	return out, nil
}

// wireFlowCriteria is the model's ContactFlowSearchCriteria.
type wireFlowCriteria struct {
	OrConditions, AndConditions                    []wireFlowCriteria
	StringCondition                                *connectd.StringCondition
	TypeCondition, StateCondition, StatusCondition string
}

func (w *wireFlowCriteria) domain() *connectd.FlowCriteria {
	if w == nil {
		return nil
	}
	c := &connectd.FlowCriteria{String: w.StringCondition, Type: w.TypeCondition, State: w.StateCondition, Status: w.StatusCondition}
	for i := range w.OrConditions {
		c.Or = append(c.Or, *w.OrConditions[i].domain())
	}
	for i := range w.AndConditions {
		c.And = append(c.And, *w.AndConditions[i].domain())
	}
	return c
}

type searchFlowsInput struct {
	InstanceId     string
	NextToken      *string
	MaxResults     *int
	SearchCriteria *wireFlowCriteria
	SearchFilter   map[string]any
}

// searchFlowsPageSize is SearchContactFlows' page without MaxResults.
const searchFlowsPageSize = 100

func (s *Server) searchContactFlows(ctx context.Context, c *call, in *searchFlowsInput) (any, error) {
	if len(in.SearchFilter) > 0 {
		// Tag and flow-attribute filters are not emulated; refusing them
		// beats answering as if they matched everything.
		return nil, connectd.Errorf(connectd.EINVALID, "connectd does not support SearchFilter in SearchContactFlows.")
	}
	limit := searchFlowsPageSize
	if in.MaxResults != nil {
		limit = *in.MaxResults
	}
	flows, next, total, err := s.cfg.Service.SearchFlows(ctx, c.owner, in.InstanceId, in.SearchCriteria.domain(), deref(in.NextToken), limit)
	if err != nil {
		return nil, err
	}
	out := struct {
		ContactFlows          []wireFlow `json:"ContactFlows"`
		NextToken             string     `json:"NextToken,omitempty"`
		ApproximateTotalCount int        `json:"ApproximateTotalCount"`
	}{ContactFlows: []wireFlow{}, NextToken: next, ApproximateTotalCount: total}
	for _, f := range flows {
		out.ContactFlows = append(out.ContactFlows, toWireFlow(f))
	}
	return out, nil
}

type lambdaInput struct {
	InstanceId, FunctionArn string
	ClientToken             *string
}

func (s *Server) associateLambdaFunction(ctx context.Context, c *call, in *lambdaInput) (any, error) {
	return nil, s.cfg.Service.AssociateLambda(ctx, c.owner, in.InstanceId, in.FunctionArn)
}

func (s *Server) disassociateLambdaFunction(ctx context.Context, c *call, in *lambdaInput) (any, error) {
	return nil, s.cfg.Service.DisassociateLambda(ctx, c.owner, in.InstanceId, in.FunctionArn)
}

type listLambdasInput struct {
	InstanceId string
	NextToken  *string
	MaxResults *int
}

func (s *Server) listLambdaFunctions(ctx context.Context, c *call, in *listLambdasInput) (any, error) {
	limit := 25 // the model's MaxResult25
	if in.MaxResults != nil {
		limit = *in.MaxResults
	}
	arns, next, err := s.cfg.Service.ListLambdas(ctx, c.owner, in.InstanceId, deref(in.NextToken), limit)
	if err != nil {
		return nil, err
	}
	if arns == nil {
		arns = []string{}
	}
	return struct {
		LambdaFunctions []string `json:"LambdaFunctions"`
		NextToken       string   `json:"NextToken,omitempty"`
	}{arns, next}, nil
}

// flowOperations are the flow entries of the operation table.
func (s *Server) flowOperations() map[string]handler {
	return map[string]handler{
		"CreateContactFlow":          op(s, s.createContactFlow),
		"DescribeContactFlow":        op(s, s.describeContactFlow),
		"ListContactFlows":           op(s, s.listContactFlows),
		"UpdateContactFlowContent":   op(s, s.updateContactFlow),
		"UpdateContactFlowName":      op(s, s.updateContactFlow),
		"UpdateContactFlowMetadata":  op(s, s.updateContactFlow),
		"DeleteContactFlow":          op(s, s.deleteContactFlow),
		"SearchContactFlows":         op(s, s.searchContactFlows),
		"AssociateLambdaFunction":    op(s, s.associateLambdaFunction),
		"DisassociateLambdaFunction": op(s, s.disassociateLambdaFunction),
		"ListLambdaFunctions":        op(s, s.listLambdaFunctions),
	}
}

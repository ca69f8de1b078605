package api

import (
	"context"

	"github.com/connectd/connectd"
)

type tagResourceInput struct {
	ResourceArn string            `json:"resourceArn"`
	Tags        map[string]string `json:"tags"`
}

type untagResourceInput struct {
	ResourceArn string   `json:"resourceArn"`
	TagKeys     []string `json:"tagKeys"`
}

type listTagsForResourceInput struct {
	ResourceArn string `json:"resourceArn"`
}

func (s *Server) tagResource(ctx context.Context, c *call, in *tagResourceInput) (any, error) {
	return struct{}{}, s.cfg.Service.TagResource(ctx, c.owner, in.ResourceArn, in.Tags)
}

func (s *Server) untagResource(ctx context.Context, c *call, in *untagResourceInput) (any, error) {
	return struct{}{}, s.cfg.Service.UntagResource(ctx, c.owner, in.ResourceArn, in.TagKeys)
}

func (s *Server) listTagsForResource(ctx context.Context, c *call, in *listTagsForResourceInput) (any, error) {
	tags, err := s.cfg.Service.ResourceTags(ctx, c.owner, in.ResourceArn)
	if err != nil {
		return nil, err
	}
	if tags == nil {
		tags = map[string]string{}
	}
	return struct {
		Tags map[string]string `json:"tags"`
	}{tags}, nil
}

type analyticsDataSetInput struct {
	InstanceId      string
	DataSetId       string
	DataSetIds      []string
	TargetAccountId *string
}

// wireDataAssociation is the model's AnalyticsDataAssociationResult.
// connectd shares nothing through AWS RAM, so it makes up no resource
// share: ResourceShareId and ResourceShareArn are absent.
type wireDataAssociation struct {
	DataSetId       string `json:"DataSetId"`
	TargetAccountId string `json:"TargetAccountId"`
}

func toWireAssociations(in []connectd.AnalyticsDataSet) []wireDataAssociation {
	out := []wireDataAssociation{}
	for _, a := range in {
		out = append(out, wireDataAssociation{a.DataSetID, a.TargetAccountID})
	}
	return out
}

func (s *Server) associateAnalyticsDataSet(ctx context.Context, c *call, in *analyticsDataSetInput) (any, error) {
	out, err := s.cfg.Service.AssociateAnalyticsDataSets(ctx, c.owner, in.InstanceId, deref(in.TargetAccountId), []string{in.DataSetId})
	if err != nil {
		return nil, err
	}
	return toWireAssociations(out)[0], nil
}

func (s *Server) batchAssociateAnalyticsDataSet(ctx context.Context, c *call, in *analyticsDataSetInput) (any, error) {
	out, err := s.cfg.Service.AssociateAnalyticsDataSets(ctx, c.owner, in.InstanceId, deref(in.TargetAccountId), in.DataSetIds)
	if err != nil {
		return nil, err
	}
	return struct {
		Created []wireDataAssociation `json:"Created"`
		Errors  []wireErrorResult     `json:"Errors"`
	}{toWireAssociations(out), []wireErrorResult{}}, nil
}

// wireErrorResult is the model's ErrorResult.
type wireErrorResult struct {
	ErrorCode    string `json:"ErrorCode"`
	ErrorMessage string `json:"ErrorMessage"`
}

func (s *Server) disassociateAnalyticsDataSet(ctx context.Context, c *call, in *analyticsDataSetInput) (any, error) {
	_, missing, err := s.cfg.Service.DisassociateAnalyticsDataSets(ctx, c.owner, in.InstanceId, deref(in.TargetAccountId), []string{in.DataSetId})
	if err != nil {
		return nil, err
	}
	if len(missing) > 0 {
		return nil, connectd.Errorf(connectd.ENOTFOUND, "Data set %s is not associated with instance %s for that account.", in.DataSetId, in.InstanceId)
	}
	return struct{}{}, nil
}

func (s *Server) batchDisassociateAnalyticsDataSet(ctx context.Context, c *call, in *analyticsDataSetInput) (any, error) {
	removed, missing, err := s.cfg.Service.DisassociateAnalyticsDataSets(ctx, c.owner, in.InstanceId, deref(in.TargetAccountId), in.DataSetIds)
	if err != nil {
		return nil, err
	}
	out := struct {
		Deleted []string          `json:"Deleted"`
		Errors  []wireErrorResult `json:"Errors"`
	}{append([]string{}, removed...), []wireErrorResult{}}
	for _, d := range missing {
		out.Errors = append(out.Errors, wireErrorResult{"ResourceNotFoundException", "Data set " + d + " is not associated with this instance for that account."})
	}
	return out, nil
}

type listAnalyticsInput struct {
	InstanceId string
	DataSetId  *string
	MaxResults *int
	NextToken  *string
}

// listAnalyticsDataAssociations answers every association in one page
// (an instance has few), so it issues no NextToken and refuses one.
func (s *Server) listAnalyticsDataAssociations(ctx context.Context, c *call, in *listAnalyticsInput) (any, error) {
	if in.NextToken != nil {
		return nil, connectd.Errorf(connectd.EINVALID, "Member nextToken is not valid: ListAnalyticsDataAssociations returns every association in one page.")
	}
	out, err := s.cfg.Service.AnalyticsDataSets(ctx, c.owner, in.InstanceId, deref(in.DataSetId))
	if err != nil {
		return nil, err
	}
	return struct {
		Results []wireDataAssociation `json:"Results"`
	}{toWireAssociations(out)}, nil
}

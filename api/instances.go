package api

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/connectd/connectd"
)

// wireInstance is the Instance and InstanceSummary shape of the model.
type wireInstance struct {
	Id                     string            `json:"Id"`
	Arn                    string            `json:"Arn"`
	IdentityManagementType string            `json:"IdentityManagementType"`
	InstanceAlias          string            `json:"InstanceAlias,omitempty"`
	CreatedTime            *epoch            `json:"CreatedTime"`
	ServiceRole            string            `json:"ServiceRole"`
	InstanceStatus         string            `json:"InstanceStatus"`
	InboundCallsEnabled    bool              `json:"InboundCallsEnabled"`
	OutboundCallsEnabled   bool              `json:"OutboundCallsEnabled"`
	InstanceAccessUrl      string            `json:"InstanceAccessUrl,omitempty"`
	Tags                   map[string]string `json:"Tags,omitempty"`
}

func toWireInstance(i *connectd.Instance, withTags bool) wireInstance {
	w := wireInstance{
		Id: i.ID, Arn: i.ARN(), IdentityManagementType: i.IdentityManagementType,
		InstanceAlias: i.Alias, CreatedTime: epochOf(i.CreatedTime), ServiceRole: i.ServiceRole(),
		InstanceStatus: i.Status, InboundCallsEnabled: i.InboundCallsEnabled,
		OutboundCallsEnabled: i.OutboundCallsEnabled, InstanceAccessUrl: i.AccessURL(),
	}
	if withTags { // InstanceSummary has no Tags member
		w.Tags = i.Tags
	}
	return w
}

type createInstanceInput struct {
	IdentityManagementType                    string
	InstanceAlias, DirectoryId                *string
	InboundCallsEnabled, OutboundCallsEnabled bool
	Tags                                      map[string]string
}

func (s *Server) createInstance(ctx context.Context, c *call, in *createInstanceInput) (any, error) {
	// The docs (CloudFormation's CfnInstanceProps): "InstanceAlias is only
	// required when IdentityManagementType is CONNECT_MANAGED or SAML"; an
	// EXISTING_DIRECTORY instance needs its directory.
	switch {
	case in.IdentityManagementType != connectd.IdentityExistingDirectory && in.InstanceAlias == nil:
		return nil, connectd.Errorf(connectd.EINVALIDREQUEST,
			"InstanceAlias is required when IdentityManagementType is %s.", in.IdentityManagementType)
	case in.IdentityManagementType == connectd.IdentityExistingDirectory && in.DirectoryId == nil:
		return nil, connectd.Errorf(connectd.EINVALIDREQUEST,
			"DirectoryId is required when IdentityManagementType is EXISTING_DIRECTORY.")
	}
	inst := &connectd.Instance{
		ID: s.cfg.NewID(), Owner: c.owner, IdentityManagementType: in.IdentityManagementType,
		InboundCallsEnabled: in.InboundCallsEnabled, OutboundCallsEnabled: in.OutboundCallsEnabled,
		Status: connectd.InstanceStatusActive, CreatedTime: s.cfg.Clock.Now(), Tags: in.Tags,
	}
	if in.InstanceAlias != nil {
		inst.Alias = *in.InstanceAlias
	}
	if in.DirectoryId != nil {
		inst.DirectoryID = *in.DirectoryId
	}
	if err := s.cfg.Service.CreateInstance(ctx, inst); err != nil {
		return nil, err
	}
	return struct {
		Id  string `json:"Id"`
		Arn string `json:"Arn"`
	}{inst.ID, inst.ARN()}, nil
}

// instanceInput is the input of the operations that name an instance and
// nothing else (DescribeInstance; DeleteInstance, whose clientToken
// connectd does not keep).
type instanceInput struct{ InstanceId string }

func (s *Server) describeInstance(ctx context.Context, c *call, in *instanceInput) (any, error) {
	inst, err := s.cfg.Service.FindInstance(ctx, c.owner, in.InstanceId)
	if err != nil {
		return nil, err
	}
	return struct {
		Instance wireInstance `json:"Instance"`
	}{toWireInstance(inst, true)}, nil
}

func (s *Server) deleteInstance(ctx context.Context, c *call, in *instanceInput) (any, error) {
	return nil, s.cfg.Service.DeleteInstance(ctx, c.owner, in.InstanceId)
}

// listInstancesPageSize is the page size when maxResults is absent, the
// model's maximum.
const listInstancesPageSize = 10

type listInstancesInput struct {
	MaxResults *int64
	NextToken  *string
}

func (s *Server) listInstances(ctx context.Context, c *call, in *listInstancesInput) (any, error) {
	limit := listInstancesPageSize
	if in.MaxResults != nil {
		limit = int(*in.MaxResults)
	}
	after := ""
	if in.NextToken != nil {
		var err error
		if after, err = decodeToken(*in.NextToken); err != nil {
			return nil, connectd.Errorf(connectd.EINVALIDREQUEST,
				"The nextToken is not valid: pass the NextToken of a previous ListInstances response.")
		}
	}
	insts, err := s.cfg.Service.ListInstances(ctx, c.owner, after, limit+1)
	if err != nil {
		return nil, err
	}
	out := struct {
		InstanceSummaryList []wireInstance `json:"InstanceSummaryList"`
		NextToken           string         `json:"NextToken,omitempty"`
	}{InstanceSummaryList: []wireInstance{}}
	if len(insts) > limit { // one more than a page: there is a next page
		insts = insts[:limit]
		out.NextToken = encodeToken(insts[limit-1].ID)
	}
	for _, inst := range insts {
		out.InstanceSummaryList = append(out.InstanceSummaryList, toWireInstance(inst, false))
	}
	return out, nil
}

// Paging tokens are opaque to clients: a version prefix and the last id of
// the page, base64url-encoded. The store's listing is scoped to the caller's
// account and region, so a forged token can only skip ahead in the caller's
// own instances.
const tokenPrefix = "v1:"

func encodeToken(lastID string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(tokenPrefix + lastID))
}

func decodeToken(tok string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || !strings.HasPrefix(string(b), tokenPrefix) || !utf8.Valid(b) {
		return "", fmt.Errorf("invalid token %q", url.QueryEscape(tok))
	}
	return strings.TrimPrefix(string(b), tokenPrefix), nil
}

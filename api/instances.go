package api

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/url"
	"strconv"
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

func (s *Server) createInstance(ctx context.Context, c *call) (any, error) {
	var in struct {
		ClientToken            *string
		IdentityManagementType *string
		InstanceAlias          *string
		DirectoryId            *string
		InboundCallsEnabled    *bool
		OutboundCallsEnabled   *bool
		Tags                   map[string]string
	}
	if err := decodeBody(c.r.Body, &in); err != nil {
		return nil, err
	}
	var v validator
	v.optLength("ClientToken", in.ClientToken, 0, 500)
	v.required("IdentityManagementType", in.IdentityManagementType != nil)
	v.optOneOf("IdentityManagementType", in.IdentityManagementType,
		connectd.IdentitySAML, connectd.IdentityConnectManaged, connectd.IdentityExistingDirectory)
	v.required("InboundCallsEnabled", in.InboundCallsEnabled != nil)
	v.required("OutboundCallsEnabled", in.OutboundCallsEnabled != nil)
	if in.InstanceAlias != nil {
		v.length("InstanceAlias", *in.InstanceAlias, 1, 45)
		if strings.HasPrefix(*in.InstanceAlias, "d-") {
			v.fail("Member InstanceAlias must not start with \"d-\".")
		}
		v.pattern("InstanceAlias", *in.InstanceAlias, s.re.alias, "letters and digits, optionally joined by dashes")
	}
	if in.DirectoryId != nil {
		v.pattern("DirectoryId", *in.DirectoryId, s.re.directory, "d- followed by 10 lowercase hex digits")
	}
	s.validateTags(&v, in.Tags)
	if v.err != nil {
		return nil, v.err
	}
	// The docs (CloudFormation's CfnInstanceProps): "InstanceAlias is only
	// required when IdentityManagementType is CONNECT_MANAGED or SAML"; an
	// EXISTING_DIRECTORY instance needs its directory.
	switch {
	case *in.IdentityManagementType != connectd.IdentityExistingDirectory && in.InstanceAlias == nil:
		v.failRequest("InstanceAlias is required when IdentityManagementType is %s.", *in.IdentityManagementType)
	case *in.IdentityManagementType == connectd.IdentityExistingDirectory && in.DirectoryId == nil:
		v.failRequest("DirectoryId is required when IdentityManagementType is EXISTING_DIRECTORY.")
	}
	if v.err != nil {
		return nil, v.err
	}
	inst := &connectd.Instance{
		ID: s.cfg.NewID(), Owner: c.owner, IdentityManagementType: *in.IdentityManagementType,
		InboundCallsEnabled: *in.InboundCallsEnabled, OutboundCallsEnabled: *in.OutboundCallsEnabled,
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

// validateTags applies the model's TagMap rules: 1..50 entries, keys of
// 1..128 characters not starting with "aws:", values of at most 256.
func (s *Server) validateTags(v *validator, tags map[string]string) {
	if tags == nil {
		return
	}
	if len(tags) == 0 || len(tags) > 50 {
		v.fail("Member Tags must have between 1 and 50 entries; it has %d.", len(tags))
	}
	for _, k := range sortedKeys(tags) {
		v.length("Tags key", k, 1, 128)
		if strings.HasPrefix(k, "aws:") {
			v.fail("Tag key %q is invalid: the aws: prefix is reserved.", k)
		}
		v.pattern("Tags key", k, s.re.tagKey, "letters, digits, spaces and _.:/=+-@")
		v.length("Tags["+k+"]", tags[k], 0, 256)
	}
}

// instanceID reads and checks the InstanceId label.
func instanceID(c *call) (string, error) {
	var v validator
	id := c.labels["InstanceId"]
	v.length("InstanceId", id, 1, 100)
	return id, v.err
}

func (s *Server) describeInstance(ctx context.Context, c *call) (any, error) {
	id, err := instanceID(c)
	if err != nil {
		return nil, err
	}
	inst, err := s.cfg.Service.FindInstance(ctx, c.owner, id)
	if err != nil {
		return nil, err
	}
	return struct {
		Instance wireInstance `json:"Instance"`
	}{toWireInstance(inst, true)}, nil
}

func (s *Server) deleteInstance(ctx context.Context, c *call) (any, error) {
	id, err := instanceID(c)
	if err != nil {
		return nil, err
	}
	var v validator
	if tok := c.r.URL.Query()["clientToken"]; len(tok) > 0 {
		v.length("clientToken", tok[0], 0, 500)
	}
	if v.err != nil {
		return nil, v.err
	}
	return nil, s.cfg.Service.DeleteInstance(ctx, c.owner, id)
}

// listInstancesPageSize is the page size when maxResults is absent, the
// model's maximum.
const listInstancesPageSize = 10

func (s *Server) listInstances(ctx context.Context, c *call) (any, error) {
	q := c.r.URL.Query()
	limit := listInstancesPageSize
	var v validator
	if raw, ok := q["maxResults"]; ok {
		n, err := strconv.ParseInt(raw[0], 10, 32)
		if err != nil {
			return nil, &wireError{exc: excSerialization, message: fmt.Sprintf("Query parameter maxResults must be an integer; got %q.", raw[0])}
		}
		v.rangeInt("maxResults", &n, 1, 10)
		limit = int(n)
	}
	after := ""
	if raw, ok := q["nextToken"]; ok {
		var err error
		if after, err = decodeToken(raw[0]); err != nil {
			v.failRequest("The nextToken is not valid: pass the NextToken of a previous ListInstances response.")
		}
	}
	if v.err != nil {
		return nil, v.err
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

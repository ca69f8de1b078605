package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
)

// TestReservedTagPrefixEverywhere checks the one tag-key rule: "aws:" in
// any letter case is refused on contacts, on instances and in fixtures,
// and the refused request changes nothing.
func TestReservedTagPrefixEverywhere(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	inst := s.newInstance(t)
	contact := s.newTask(t, inst, nil)
	for _, key := range []string{"aws:team", "AWS:team", "Aws:Team"} {
		_, err := s.client.CreateInstance(ctx, &connect.CreateInstanceInput{
			IdentityManagementType: types.DirectoryTypeConnectManaged, InstanceAlias: aws.String("tags-" + strings.ToLower(strings.ReplaceAll(key, ":", ""))),
			InboundCallsEnabled: aws.Bool(true), OutboundCallsEnabled: aws.Bool(true), Tags: map[string]string{key: "1"},
		})
		if !isTyped[types.InvalidRequestException](err) {
			t.Errorf("CreateInstance with tag %q: %v; want InvalidRequestException", key, err)
		}
		_, err = s.client.TagContact(ctx, &connect.TagContactInput{InstanceId: &inst, ContactId: &contact, Tags: map[string]string{key: "1"}})
		if !isTyped[types.InvalidParameterException](err) {
			t.Errorf("TagContact with %q: %v; want InvalidParameterException", key, err)
		}
	}
	out, err := s.client.ListInstances(ctx, &connect.ListInstancesInput{})
	if err != nil || len(out.InstanceSummaryList) != 1 {
		t.Fatalf("refused CreateInstance calls left instances: %v, %v", out, err)
	}
	r := s.raw(t, http.MethodPost, "/_connectd/import", `{"Instances":[{"Id":"inst-tags","InstanceAlias":"tagged","Tags":{"AWS:x":"1"}}]}`)
	if r.status != 400 || !strings.Contains(r.body, "AWS:x") {
		t.Fatalf("import with tag AWS:x = %d %s; want 400 naming it", r.status, r.body)
	}
}

package api_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
)

func TestResourceTagsOnInstances(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	inst := s.newInstance(t)
	d, err := s.client.DescribeInstance(ctx, &connect.DescribeInstanceInput{InstanceId: &inst})
	if err != nil {
		t.Fatal(err)
	}
	arn := d.Instance.Arn
	if _, err := s.client.TagResource(ctx, &connect.TagResourceInput{ResourceArn: arn, Tags: map[string]string{"team": "a", "env": "dev"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.client.UntagResource(ctx, &connect.UntagResourceInput{ResourceArn: arn, TagKeys: []string{"env", "absent"}}); err != nil {
		t.Fatal(err)
	}
	list, err := s.client.ListTagsForResource(ctx, &connect.ListTagsForResourceInput{ResourceArn: arn})
	if err != nil || len(list.Tags) != 1 || list.Tags["team"] != "a" {
		t.Fatalf("ListTagsForResource = %v, %v", list, err)
	}
	if d, err = s.client.DescribeInstance(ctx, &connect.DescribeInstanceInput{InstanceId: &inst}); err != nil || d.Instance.Tags["team"] != "a" {
		t.Fatalf("DescribeInstance Tags = %v, %v", d.Instance.Tags, err)
	}
	checkRefusedTags(t, s.client, arn, "AWS:x")
	if list, _ := s.client.ListTagsForResource(ctx, &connect.ListTagsForResourceInput{ResourceArn: arn}); len(list.Tags) != 1 {
		t.Fatalf("a refused TagResource changed the tags: %v", list.Tags)
	}
	other := clientFor(s.url, s.http, "111122223333")
	if _, err := other.ListTagsForResource(ctx, &connect.ListTagsForResourceInput{ResourceArn: arn}); !isTyped[types.ResourceNotFoundException](err) {
		t.Fatalf("another account: %v; want ResourceNotFoundException", err)
	}
	if _, err := s.client.ListTagsForResource(ctx, &connect.ListTagsForResourceInput{ResourceArn: aws.String(aws.ToString(arn) + "/contact/x")}); !isTyped[types.ResourceNotFoundException](err) {
		t.Fatalf("a contact ARN: %v; want ResourceNotFoundException", err)
	}
}

func TestAnalyticsDataSetAssociations(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	inst := s.newInstance(t)
	a, err := s.client.AssociateAnalyticsDataSet(ctx, &connect.AssociateAnalyticsDataSetInput{InstanceId: &inst, DataSetId: aws.String("contact_record")})
	if err != nil || aws.ToString(a.DataSetId) != "contact_record" || aws.ToString(a.TargetAccountId) != "000000000000" {
		t.Fatalf("AssociateAnalyticsDataSet = %+v, %v", a, err)
	}
	b, err := s.client.BatchAssociateAnalyticsDataSet(ctx, &connect.BatchAssociateAnalyticsDataSetInput{InstanceId: &inst,
		DataSetIds: []string{"agent_queue_statistic", "contact_record"}, TargetAccountId: aws.String("123456789012")})
	if err != nil || len(b.Created) != 2 {
		t.Fatalf("BatchAssociateAnalyticsDataSet = %+v, %v", b, err)
	}
	list, err := s.client.ListAnalyticsDataAssociations(ctx, &connect.ListAnalyticsDataAssociationsInput{InstanceId: &inst})
	if err != nil || len(list.Results) != 3 {
		t.Fatalf("ListAnalyticsDataAssociations = %+v, %v", list, err)
	}
	one, err := s.client.ListAnalyticsDataAssociations(ctx, &connect.ListAnalyticsDataAssociationsInput{InstanceId: &inst, DataSetId: aws.String("contact_record")})
	if err != nil || len(one.Results) != 2 {
		t.Fatalf("filtered by DataSetId = %+v, %v", one, err)
	}
	if _, err := s.client.DisassociateAnalyticsDataSet(ctx, &connect.DisassociateAnalyticsDataSetInput{InstanceId: &inst, DataSetId: aws.String("contact_record")}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.client.DisassociateAnalyticsDataSet(ctx, &connect.DisassociateAnalyticsDataSetInput{InstanceId: &inst, DataSetId: aws.String("contact_record")}); !isTyped[types.ResourceNotFoundException](err) {
		t.Fatalf("disassociate twice: %v; want ResourceNotFoundException", err)
	}
	bd, err := s.client.BatchDisassociateAnalyticsDataSet(ctx, &connect.BatchDisassociateAnalyticsDataSetInput{InstanceId: &inst,
		DataSetIds: []string{"agent_queue_statistic", "nope"}, TargetAccountId: aws.String("123456789012")})
	if err != nil || len(bd.Deleted) != 1 || len(bd.Errors) != 1 {
		t.Fatalf("BatchDisassociateAnalyticsDataSet = %+v, %v", bd, err)
	}
	if _, err := s.client.AssociateAnalyticsDataSet(ctx, &connect.AssociateAnalyticsDataSetInput{InstanceId: aws.String("missing"), DataSetId: aws.String("x")}); !isTyped[types.ResourceNotFoundException](err) {
		t.Fatalf("unknown instance: %v", err)
	}
}

// TestResourceTagsOnFlows: TagResource, UntagResource and
// ListTagsForResource reach a contact flow's own Tags (those
// CreateContactFlow set and DescribeContactFlow shows) under the same rule
// as instances.
func TestResourceTagsOnFlows(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	inst := s.newInstance(t)
	created, err := s.client.CreateContactFlow(ctx, &connect.CreateContactFlowInput{
		InstanceId: &inst, Name: aws.String("tagged"), Type: types.ContactFlowTypeContactFlow,
		Content: aws.String(endFlow), Tags: map[string]string{"team": "a"},
	})
	if err != nil {
		t.Fatal(err)
	}
	arn, id := created.ContactFlowArn, created.ContactFlowId
	list, err := s.client.ListTagsForResource(ctx, &connect.ListTagsForResourceInput{ResourceArn: arn})
	if err != nil || len(list.Tags) != 1 || list.Tags["team"] != "a" {
		t.Fatalf("ListTagsForResource after CreateContactFlow = %v, %v", list, err)
	}
	if _, err := s.client.TagResource(ctx, &connect.TagResourceInput{ResourceArn: arn, Tags: map[string]string{"env": "dev", "team": "b"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.client.UntagResource(ctx, &connect.UntagResourceInput{ResourceArn: arn, TagKeys: []string{"env", "absent"}}); err != nil {
		t.Fatal(err)
	}
	d, err := s.client.DescribeContactFlow(ctx, &connect.DescribeContactFlowInput{InstanceId: &inst, ContactFlowId: id})
	if err != nil || len(d.ContactFlow.Tags) != 1 || d.ContactFlow.Tags["team"] != "b" || aws.ToString(d.ContactFlow.Content) != endFlow {
		t.Fatalf("DescribeContactFlow after tagging = %+v, %v", d, err)
	}
	if i, _ := s.client.DescribeInstance(ctx, &connect.DescribeInstanceInput{InstanceId: &inst}); len(i.Instance.Tags) != 0 {
		t.Fatalf("tagging a flow tagged its instance: %v", i.Instance.Tags)
	}
	checkRefusedTags(t, s.client, arn, "aWs:x")
	if list, _ := s.client.ListTagsForResource(ctx, &connect.ListTagsForResourceInput{ResourceArn: arn}); len(list.Tags) != 1 || list.Tags["team"] != "b" {
		t.Fatalf("a refused TagResource changed the tags: %v", list.Tags)
	}
	if _, err := s.client.CreateContactFlow(ctx, &connect.CreateContactFlowInput{
		InstanceId: &inst, Name: aws.String("reserved"), Type: types.ContactFlowTypeContactFlow,
		Content: aws.String(endFlow), Tags: map[string]string{"AWS:x": "1"},
	}); !isTyped[types.InvalidParameterException](err) {
		t.Fatalf("CreateContactFlow with a reserved key: %v; want InvalidParameterException", err)
	}
	unknown := aws.String(strings.TrimSuffix(aws.ToString(arn), aws.ToString(id)) + "no-such-flow")
	if _, err := s.client.ListTagsForResource(ctx, &connect.ListTagsForResourceInput{ResourceArn: unknown}); !isTyped[types.ResourceNotFoundException](err) {
		t.Fatalf("unknown flow, ListTagsForResource: %v; want ResourceNotFoundException", err)
	}
	if _, err := s.client.TagResource(ctx, &connect.TagResourceInput{ResourceArn: unknown, Tags: map[string]string{"k": "v"}}); !isTyped[types.ResourceNotFoundException](err) {
		t.Fatalf("unknown flow, TagResource: %v; want ResourceNotFoundException", err)
	}
	if _, err := s.client.UntagResource(ctx, &connect.UntagResourceInput{ResourceArn: unknown, TagKeys: []string{"k"}}); !isTyped[types.ResourceNotFoundException](err) {
		t.Fatalf("unknown flow, UntagResource: %v; want ResourceNotFoundException", err)
	}
	other := clientFor(s.url, s.http, "111122223333")
	if _, err := other.TagResource(ctx, &connect.TagResourceInput{ResourceArn: arn, Tags: map[string]string{"k": "v"}}); !isTyped[types.ResourceNotFoundException](err) {
		t.Fatalf("another account: %v; want ResourceNotFoundException", err)
	}
	for _, bad := range []string{
		strings.Replace(aws.ToString(arn), "/contact-flow/", "/queue/", 1),
		aws.ToString(arn) + "/extra",
		strings.TrimSuffix(aws.ToString(arn), aws.ToString(id)),
	} {
		if _, err := s.client.ListTagsForResource(ctx, &connect.ListTagsForResourceInput{ResourceArn: &bad}); !isTyped[types.ResourceNotFoundException](err) {
			t.Fatalf("ARN %s: %v; want ResourceNotFoundException", bad, err)
		}
	}
}

// checkRefusedTags checks that TagResource on arn, which has 1 tag,
// refuses the reserved key and a 50-tag request (51 in all), each with
// InvalidParameterException.
func checkRefusedTags(t *testing.T, c *connect.Client, arn *string, reserved string) {
	t.Helper()
	ctx := context.Background()
	if _, err := c.TagResource(ctx, &connect.TagResourceInput{ResourceArn: arn, Tags: map[string]string{reserved: "1"}}); !isTyped[types.InvalidParameterException](err) {
		t.Fatalf("reserved key %s: %v; want InvalidParameterException", reserved, err)
	}
	many := map[string]string{}
	for i := range 50 {
		many[string(rune('a'+i%26))+string(rune('a'+i/26))] = "v"
	}
	if _, err := c.TagResource(ctx, &connect.TagResourceInput{ResourceArn: arn, Tags: many}); !isTyped[types.InvalidParameterException](err) {
		t.Fatalf("51 tags in all: %v; want InvalidParameterException", err)
	}
}

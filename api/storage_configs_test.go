package api_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
)

const testStreamARN = "arn:aws:kinesis:us-east-1:111122223333:stream/ctr"

// associateStream associates a CONTACT_TRACE_RECORDS config on the test
// stream and returns its AssociationId.
func associateStream(t *testing.T, c *connect.Client, inst *string) *string {
	t.Helper()
	out, err := c.AssociateInstanceStorageConfig(context.Background(), &connect.AssociateInstanceStorageConfigInput{
		InstanceId: inst, ResourceType: types.InstanceStorageResourceTypeContactTraceRecords, StorageConfig: &types.InstanceStorageConfig{
			StorageType: types.StorageTypeKinesisStream, KinesisStreamConfig: &types.KinesisStreamConfig{StreamArn: aws.String(testStreamARN)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.AssociationId) == "" {
		t.Fatal("no AssociationId")
	}
	return out.AssociationId
}

// TestStorageConfigLifecycle: the five instance storage config operations
// through the SDK, on the model's routes and shapes.
func TestStorageConfigLifecycle(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	c, ctx := s.client, context.Background()
	inst := aws.String(s.newInstance(t))
	ctr := types.InstanceStorageResourceTypeContactTraceRecords
	id := associateStream(t, c, inst)
	// Another resource type is stored and listed, though connectd makes
	// nothing for it.
	if _, err := c.AssociateInstanceStorageConfig(ctx, &connect.AssociateInstanceStorageConfigInput{
		InstanceId: inst, ResourceType: types.InstanceStorageResourceTypeChatTranscripts, StorageConfig: &types.InstanceStorageConfig{
			StorageType: types.StorageTypeS3, S3Config: &types.S3Config{BucketName: aws.String("b"), BucketPrefix: aws.String("p")}},
	}); err != nil {
		t.Fatal(err)
	}
	d, err := c.DescribeInstanceStorageConfig(ctx, &connect.DescribeInstanceStorageConfigInput{InstanceId: inst, AssociationId: id, ResourceType: ctr})
	if err != nil {
		t.Fatal(err)
	}
	if sc := d.StorageConfig; aws.ToString(sc.AssociationId) != aws.ToString(id) || sc.StorageType != types.StorageTypeKinesisStream ||
		aws.ToString(sc.KinesisStreamConfig.StreamArn) != testStreamARN {
		t.Fatalf("Describe = %+v", sc)
	}
	list, err := c.ListInstanceStorageConfigs(ctx, &connect.ListInstanceStorageConfigsInput{InstanceId: inst,
		ResourceType: types.InstanceStorageResourceTypeChatTranscripts})
	if err != nil || len(list.StorageConfigs) != 1 || aws.ToString(list.StorageConfigs[0].S3Config.BucketName) != "b" {
		t.Fatalf("List(CHAT_TRANSCRIPTS) = %+v, %v", list, err)
	}
	fh := "arn:aws:firehose:us-east-1:111122223333:deliverystream/ctr"
	if _, err := c.UpdateInstanceStorageConfig(ctx, &connect.UpdateInstanceStorageConfigInput{InstanceId: inst, AssociationId: id,
		ResourceType: ctr, StorageConfig: &types.InstanceStorageConfig{StorageType: types.StorageTypeKinesisFirehose,
			KinesisFirehoseConfig: &types.KinesisFirehoseConfig{FirehoseArn: aws.String(fh)}}}); err != nil {
		t.Fatal(err)
	}
	d, err = c.DescribeInstanceStorageConfig(ctx, &connect.DescribeInstanceStorageConfigInput{InstanceId: inst, AssociationId: id, ResourceType: ctr})
	if err != nil || d.StorageConfig.KinesisFirehoseConfig == nil || aws.ToString(d.StorageConfig.KinesisFirehoseConfig.FirehoseArn) != fh ||
		d.StorageConfig.KinesisStreamConfig != nil {
		t.Fatalf("after Update: %+v, %v", d, err)
	}
	if _, err := c.DisassociateInstanceStorageConfig(ctx, &connect.DisassociateInstanceStorageConfigInput{InstanceId: inst, AssociationId: id, ResourceType: ctr}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DescribeInstanceStorageConfig(ctx, &connect.DescribeInstanceStorageConfigInput{InstanceId: inst, AssociationId: id, ResourceType: ctr})
	wantAPIError(t, err, "ResourceNotFoundException")
}

// TestStorageConfigErrors: each mistake is the modeled exception with a
// message, and changes nothing.
func TestStorageConfigErrors(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	c, ctx := s.client, context.Background()
	inst := aws.String(s.newInstance(t))
	ctr := types.InstanceStorageResourceTypeContactTraceRecords
	associate := func(instance *string, rt types.InstanceStorageResourceType, sc *types.InstanceStorageConfig) error {
		_, err := c.AssociateInstanceStorageConfig(ctx, &connect.AssociateInstanceStorageConfigInput{InstanceId: instance, ResourceType: rt, StorageConfig: sc})
		return err
	}
	stream := &types.InstanceStorageConfig{StorageType: types.StorageTypeKinesisStream, KinesisStreamConfig: &types.KinesisStreamConfig{StreamArn: aws.String(testStreamARN)}}
	for _, m := range []string{
		wantAPIError(t, associate(aws.String("no-such-instance"), ctr, stream), "ResourceNotFoundException"),
		wantAPIError(t, associate(inst, ctr, &types.InstanceStorageConfig{StorageType: types.StorageTypeS3,
			S3Config: &types.S3Config{BucketName: aws.String("b"), BucketPrefix: aws.String("p")}}), "InvalidRequestException"),
		wantAPIError(t, associate(inst, ctr, &types.InstanceStorageConfig{StorageType: types.StorageTypeKinesisStream}), "InvalidRequestException"),
		wantAPIError(t, associate(inst, ctr, &types.InstanceStorageConfig{StorageType: types.StorageTypeKinesisFirehose}), "InvalidRequestException"),
		wantAPIError(t, associate(inst, "NOT_A_TYPE", stream), "InvalidParameterException"),
	} {
		if m == "" {
			t.Error("an error without a message")
		}
	}
	list, err := c.ListInstanceStorageConfigs(ctx, &connect.ListInstanceStorageConfigsInput{InstanceId: inst, ResourceType: ctr})
	if err != nil || len(list.StorageConfigs) != 0 {
		t.Fatalf("refused associations left %+v (%v)", list, err)
	}
	_, err = c.UpdateInstanceStorageConfig(ctx, &connect.UpdateInstanceStorageConfigInput{InstanceId: inst, AssociationId: aws.String("nope"),
		ResourceType: ctr, StorageConfig: stream})
	wantAPIError(t, err, "ResourceNotFoundException")
	_, err = c.DisassociateInstanceStorageConfig(ctx, &connect.DisassociateInstanceStorageConfigInput{InstanceId: inst, AssociationId: aws.String("nope"), ResourceType: ctr})
	wantAPIError(t, err, "ResourceNotFoundException")
	_, err = c.ListInstanceStorageConfigs(ctx, &connect.ListInstanceStorageConfigsInput{InstanceId: inst, ResourceType: ctr, NextToken: aws.String("garbage")})
	wantAPIError(t, err, "InvalidRequestException")
}

// TestStorageConfigPaging: pages of MaxResults in AssociationId order, then
// no NextToken.
func TestStorageConfigPaging(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	c, ctx := s.client, context.Background()
	inst := aws.String(s.newInstance(t))
	ctr := types.InstanceStorageResourceTypeContactTraceRecords
	for range 3 {
		associateStream(t, c, inst)
	}
	var seen []string
	p := connect.NewListInstanceStorageConfigsPaginator(c, &connect.ListInstanceStorageConfigsInput{InstanceId: inst, ResourceType: ctr, MaxResults: aws.Int32(2)})
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, sc := range out.StorageConfigs {
			seen = append(seen, aws.ToString(sc.AssociationId))
		}
	}
	if pages != 2 || len(seen) != 3 || !(seen[0] < seen[1] && seen[1] < seen[2]) {
		t.Fatalf("%d pages, ids %q; want 2 pages of 3 ids in order", pages, seen)
	}
}

// TestStorageConfigFixtures: storage configs go out with an export and
// come back with its import, AssociationId and all; a bad one fails the
// whole import with a message naming it.
func TestStorageConfigFixtures(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	c, ctx := s.client, context.Background()
	inst := aws.String(s.newInstance(t))
	ctr := types.InstanceStorageResourceTypeContactTraceRecords
	assoc := associateStream(t, c, inst)
	export := s.raw(t, "GET", "/_connectd/export", "")
	if export.status != 200 || !strings.Contains(export.body, `"StorageConfigs":[{"InstanceId":"`+aws.ToString(inst)+`","AssociationId":"`+aws.ToString(assoc)+`"`) {
		t.Fatalf("export = %d %s", export.status, export.body)
	}
	if r := s.raw(t, "POST", "/_connectd/reset", ""); r.status != 200 {
		t.Fatalf("reset: %d %s", r.status, r.body)
	}
	if r := s.raw(t, "POST", "/_connectd/import", export.body); r.status != 200 {
		t.Fatalf("import of the export: %d %s", r.status, r.body)
	}
	d, err := c.DescribeInstanceStorageConfig(ctx, &connect.DescribeInstanceStorageConfigInput{InstanceId: inst, AssociationId: assoc, ResourceType: ctr})
	if err != nil || aws.ToString(d.StorageConfig.KinesisStreamConfig.StreamArn) != testStreamARN {
		t.Fatalf("after import: %+v, %v", d, err)
	}
	bad := `{"Instances":[{"Id":"i2"}],"StorageConfigs":[{"InstanceId":"i2","AssociationId":"a","ResourceType":"CONTACT_TRACE_RECORDS","StorageConfig":{"StorageType":"S3"}}]}`
	r := s.raw(t, "POST", "/_connectd/import", bad)
	if r.status != 400 || !strings.Contains(r.body, "StorageConfigs[0]") {
		t.Fatalf("bad import: %d %s", r.status, r.body)
	}
	if _, err := c.DescribeInstance(ctx, &connect.DescribeInstanceInput{InstanceId: aws.String("i2")}); err == nil {
		t.Fatal("a refused import kept its instance")
	}
}

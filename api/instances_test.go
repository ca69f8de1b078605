package api_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
)

func TestInstanceLifecycle(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	out, err := s.client.CreateInstance(ctx, &connect.CreateInstanceInput{
		IdentityManagementType: types.DirectoryTypeConnectManaged,
		InstanceAlias:          aws.String("my-center"),
		InboundCallsEnabled:    aws.Bool(true),
		OutboundCallsEnabled:   aws.Bool(false),
		Tags:                   map[string]string{"team": "crm"},
	})
	if err != nil {
		t.Fatalf("CreateInstance: %v", err)
	}
	id := aws.ToString(out.Id)
	wantArn := "arn:aws:connect:us-east-1:000000000000:instance/" + id
	if aws.ToString(out.Arn) != wantArn {
		t.Fatalf("Arn = %q, want %q", aws.ToString(out.Arn), wantArn)
	}

	d, err := s.client.DescribeInstance(ctx, &connect.DescribeInstanceInput{InstanceId: aws.String(id)})
	if err != nil {
		t.Fatalf("DescribeInstance: %v", err)
	}
	inst := d.Instance
	switch {
	case aws.ToString(inst.Id) != id, aws.ToString(inst.Arn) != wantArn:
		t.Fatalf("Describe id/arn = %q %q", aws.ToString(inst.Id), aws.ToString(inst.Arn))
	case inst.InstanceStatus != types.InstanceStatusActive:
		t.Fatalf("status = %q, want ACTIVE", inst.InstanceStatus)
	case aws.ToString(inst.InstanceAlias) != "my-center", inst.IdentityManagementType != types.DirectoryTypeConnectManaged:
		t.Fatalf("alias/type = %q %q", aws.ToString(inst.InstanceAlias), inst.IdentityManagementType)
	case !aws.ToBool(inst.InboundCallsEnabled) || aws.ToBool(inst.OutboundCallsEnabled):
		t.Fatalf("calls enabled = %v %v", aws.ToBool(inst.InboundCallsEnabled), aws.ToBool(inst.OutboundCallsEnabled))
	case inst.CreatedTime == nil || !inst.CreatedTime.Equal(start):
		t.Fatalf("CreatedTime = %v, want %v", inst.CreatedTime, start)
	case inst.Tags["team"] != "crm":
		t.Fatalf("Tags = %v", inst.Tags)
	case aws.ToString(inst.InstanceAccessUrl) != "https://my-center.my.connect.aws":
		t.Fatalf("InstanceAccessUrl = %q", aws.ToString(inst.InstanceAccessUrl))
	case !strings.HasPrefix(aws.ToString(inst.ServiceRole), "arn:aws:iam::000000000000:role/aws-service-role/connect.amazonaws.com/"):
		t.Fatalf("ServiceRole = %q", aws.ToString(inst.ServiceRole))
	}

	// The alias is taken while the instance exists.
	_, err = s.client.CreateInstance(ctx, &connect.CreateInstanceInput{
		IdentityManagementType: types.DirectoryTypeConnectManaged, InstanceAlias: aws.String("my-center"),
		InboundCallsEnabled: aws.Bool(true), OutboundCallsEnabled: aws.Bool(true),
	})
	wantTyped[types.InvalidRequestException](t, err)

	contact := s.newTask(t, id, map[string]string{"a": "1"})
	if _, err := s.client.DeleteInstance(ctx, &connect.DeleteInstanceInput{InstanceId: aws.String(id)}); err != nil {
		t.Fatalf("DeleteInstance: %v", err)
	}
	_, err = s.client.DescribeInstance(ctx, &connect.DescribeInstanceInput{InstanceId: aws.String(id)})
	wantTyped[types.ResourceNotFoundException](t, err)
	_, err = s.client.DescribeContact(ctx, &connect.DescribeContactInput{InstanceId: aws.String(id), ContactId: aws.String(contact)})
	wantTyped[types.ResourceNotFoundException](t, err)
	_, err = s.client.DeleteInstance(ctx, &connect.DeleteInstanceInput{InstanceId: aws.String(id)})
	wantTyped[types.ResourceNotFoundException](t, err)
}

func TestListInstancesPaging(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	want := map[string]bool{}
	for i := 0; i < 23; i++ {
		want[s.newInstance(t)] = true
	}
	seen := map[string]bool{}
	pages := 0
	p := connect.NewListInstancesPaginator(s.client, &connect.ListInstancesInput{MaxResults: aws.Int32(5)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatalf("page %d: %v", pages, err)
		}
		pages++
		if len(page.InstanceSummaryList) > 5 {
			t.Fatalf("page of %d, want at most 5", len(page.InstanceSummaryList))
		}
		for _, sum := range page.InstanceSummaryList {
			id := aws.ToString(sum.Id)
			if seen[id] {
				t.Fatalf("instance %s listed twice", id)
			}
			seen[id] = true
			if sum.CreatedTime == nil || sum.InstanceStatus != types.InstanceStatusActive {
				t.Fatalf("summary lacks fields: %+v", sum)
			}
		}
	}
	if pages != 5 || len(seen) != len(want) {
		t.Fatalf("%d pages, %d instances; want 5 pages, %d instances", pages, len(seen), len(want))
	}

	// Default page size is the model's maximum, 10.
	out, err := s.client.ListInstances(ctx, &connect.ListInstancesInput{})
	if err != nil || len(out.InstanceSummaryList) != 10 || out.NextToken == nil {
		t.Fatalf("default page: %d items, token %v, err %v", len(out.InstanceSummaryList), out.NextToken, err)
	}
	for _, bad := range []int32{0, 11} {
		_, err = s.client.ListInstances(ctx, &connect.ListInstancesInput{MaxResults: aws.Int32(bad)})
		wantTyped[types.InvalidRequestException](t, err)
	}
	_, err = s.client.ListInstances(ctx, &connect.ListInstancesInput{NextToken: aws.String("not-a-token")})
	wantTyped[types.InvalidRequestException](t, err)
}

func TestCreateInstanceValidation(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	base := func() *connect.CreateInstanceInput {
		return &connect.CreateInstanceInput{
			IdentityManagementType: types.DirectoryTypeConnectManaged, InstanceAlias: aws.String("ok-alias"),
			InboundCallsEnabled: aws.Bool(true), OutboundCallsEnabled: aws.Bool(true),
		}
	}
	for _, tc := range []struct {
		name   string
		mutate func(*connect.CreateInstanceInput)
	}{
		{"unknown identity type", func(in *connect.CreateInstanceInput) { in.IdentityManagementType = "LDAP" }},
		{"alias too long", func(in *connect.CreateInstanceInput) { in.InstanceAlias = aws.String(strings.Repeat("a", 46)) }},
		{"alias with underscore", func(in *connect.CreateInstanceInput) { in.InstanceAlias = aws.String("bad_alias") }},
		{"alias ending in dash", func(in *connect.CreateInstanceInput) { in.InstanceAlias = aws.String("bad-") }},
		{"alias starting d-", func(in *connect.CreateInstanceInput) { in.InstanceAlias = aws.String("d-abc") }},
		{"no alias for CONNECT_MANAGED", func(in *connect.CreateInstanceInput) { in.InstanceAlias = nil }},
		{"no directory for EXISTING_DIRECTORY", func(in *connect.CreateInstanceInput) {
			in.IdentityManagementType = types.DirectoryTypeExistingDirectory
		}},
		{"bad directory id", func(in *connect.CreateInstanceInput) { in.DirectoryId = aws.String("d-XYZ") }},
		{"aws: tag", func(in *connect.CreateInstanceInput) { in.Tags = map[string]string{"aws:x": "1"} }},
		{"tag value too long", func(in *connect.CreateInstanceInput) { in.Tags = map[string]string{"k": strings.Repeat("v", 257)} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := base()
			tc.mutate(in)
			_, err := s.client.CreateInstance(ctx, in)
			wantTyped[types.InvalidRequestException](t, err)
		})
	}
	list, err := s.client.ListInstances(ctx, &connect.ListInstancesInput{})
	if err != nil || len(list.InstanceSummaryList) != 0 {
		t.Fatalf("rejected creates left %d instances (err %v)", len(list.InstanceSummaryList), err)
	}
	in := base()
	in.IdentityManagementType, in.InstanceAlias, in.DirectoryId = types.DirectoryTypeExistingDirectory, nil, aws.String("d-0123456789")
	if _, err := s.client.CreateInstance(ctx, in); err != nil {
		t.Fatalf("EXISTING_DIRECTORY with a directory: %v", err)
	}
}

func TestAccountsAndRegionsAreIsolated(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	id := s.newInstance(t)
	contact := s.newTask(t, id, nil)

	other := clientFor(s.url, s.http, "123456789012") // a 12-digit key is its own account
	_, err := other.DescribeInstance(ctx, &connect.DescribeInstanceInput{InstanceId: aws.String(id)})
	wantTyped[types.ResourceNotFoundException](t, err)
	_, err = other.GetContactAttributes(ctx, &connect.GetContactAttributesInput{InstanceId: aws.String(id), InitialContactId: aws.String(contact)})
	wantTyped[types.ResourceNotFoundException](t, err)
	list, err := other.ListInstances(ctx, &connect.ListInstancesInput{})
	if err != nil || len(list.InstanceSummaryList) != 0 {
		t.Fatalf("other account lists %d instances (err %v)", len(list.InstanceSummaryList), err)
	}
	out, err := other.CreateInstance(ctx, &connect.CreateInstanceInput{
		IdentityManagementType: types.DirectoryTypeConnectManaged, InstanceAlias: aws.String("acct2"),
		InboundCallsEnabled: aws.Bool(true), OutboundCallsEnabled: aws.Bool(true),
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(aws.ToString(out.Arn), "arn:aws:connect:us-east-1:123456789012:instance/") {
		t.Fatalf("ARN %q does not carry the caller's account", aws.ToString(out.Arn))
	}

	west := s.client
	_, err = west.DescribeInstance(ctx, &connect.DescribeInstanceInput{InstanceId: aws.String(id)}, func(o *connect.Options) { o.Region = "eu-west-2" })
	wantTyped[types.ResourceNotFoundException](t, err)
}

package api_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
)

func TestBatchPutContact(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	inst := s.newInstance(t)
	customer := &types.Endpoint{Type: types.EndpointTypeTelephoneNumber, Address: aws.String("+14155550100")}
	in := &connect.BatchPutContactInput{InstanceId: &inst, ClientToken: aws.String("batch-1"), ContactDataRequestList: []types.ContactDataRequest{
		{RequestIdentifier: aws.String("ok"), CustomerEndpoint: customer, QueueId: aws.String("q1"), Attributes: map[string]string{"tier": "gold"}},
		{RequestIdentifier: aws.String("bad-key"), CustomerEndpoint: customer, QueueId: aws.String("q1"), Attributes: map[string]string{"bad key": "x"}},
		{RequestIdentifier: aws.String("no-customer"), QueueId: aws.String("q1")},
		{RequestIdentifier: aws.String("no-queue"), CustomerEndpoint: customer},
	}}
	out, err := s.client.BatchPutContact(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.SuccessfulRequestList) != 1 || aws.ToString(out.SuccessfulRequestList[0].RequestIdentifier) != "ok" {
		t.Fatalf("SuccessfulRequestList = %+v", out.SuccessfulRequestList)
	}
	want := map[string]types.FailureReasonCode{"bad-key": types.FailureReasonCodeInvalidAttributeKey,
		"no-customer": types.FailureReasonCodeMissingCustomerEndpoint, "no-queue": types.FailureReasonCodeMissingQueueIdAndSystemEndpoint}
	if len(out.FailedRequestList) != len(want) {
		t.Fatalf("FailedRequestList = %+v", out.FailedRequestList)
	}
	for _, f := range out.FailedRequestList {
		if want[aws.ToString(f.RequestIdentifier)] != f.FailureReasonCode || aws.ToString(f.FailureReasonMessage) == "" {
			t.Errorf("failure %s = %s %q", aws.ToString(f.RequestIdentifier), f.FailureReasonCode, aws.ToString(f.FailureReasonMessage))
		}
	}
	id := out.SuccessfulRequestList[0].ContactId
	d, err := s.client.DescribeContact(ctx, &connect.DescribeContactInput{InstanceId: &inst, ContactId: id})
	if err != nil || d.Contact.Channel != types.ChannelVoice || d.Contact.Attributes["tier"] != "gold" || aws.ToString(d.Contact.QueueInfo.Id) != "q1" {
		t.Fatalf("the batch's contact = %+v, %v", d, err)
	}
	again, err := s.client.BatchPutContact(ctx, in)
	if err != nil || len(again.SuccessfulRequestList) != 1 || aws.ToString(again.SuccessfulRequestList[0].ContactId) != aws.ToString(id) {
		t.Fatalf("retried batch = %+v, %v; want the same contact %s", again, err, aws.ToString(id))
	}
	found, err := s.client.SearchContacts(ctx, s.searchInput(inst))
	if err != nil || len(found.Contacts) != 1 {
		t.Fatalf("contacts after two batches: %v, %v; want 1", found, err)
	}
	in.InstanceId = aws.String("00000000-0000-0000-0000-000000000000")
	if _, err := s.client.BatchPutContact(ctx, in); !isTyped[types.ResourceNotFoundException](err) {
		t.Fatalf("unknown instance: %v", err)
	}
}

package api_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
)

func TestStartOutboundChatContact(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	inst := s.newInstance(t)
	in := &connect.StartOutboundChatContactInput{
		InstanceId: &inst, ContactFlowId: aws.String("f"), ClientToken: aws.String("tok-1"),
		SourceEndpoint:      &types.Endpoint{Type: types.EndpointTypeConnectPhonenumberArn, Address: aws.String("arn:aws:connect:us-east-1:000000000000:phone-number/x")},
		DestinationEndpoint: &types.Endpoint{Type: types.EndpointTypeTelephoneNumber, Address: aws.String("+14155550100")},
		SegmentAttributes:   map[string]types.SegmentAttributeValue{"connect:Subtype": {ValueString: aws.String("connect:SMS")}},
		Attributes:          map[string]string{"tier": "gold"},
	}
	out, err := s.client.StartOutboundChatContact(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(out.ContactId)
	d, err := s.client.DescribeContact(ctx, &connect.DescribeContactInput{InstanceId: &inst, ContactId: &id})
	if err != nil || d.Contact.Channel != types.ChannelChat || d.Contact.InitiationMethod != types.ContactInitiationMethodOutbound ||
		d.Contact.Attributes["tier"] != "gold" {
		t.Fatalf("DescribeContact = %+v, %v; want an OUTBOUND CHAT contact with its attributes", d, err)
	}
	again, err := s.client.StartOutboundChatContact(ctx, in)
	if err != nil || aws.ToString(again.ContactId) != id {
		t.Fatalf("retry with the same ClientToken = %v, %v; want contact %s", again, err, id)
	}
	in.ClientToken, in.SupportedMessagingContentTypes = aws.String("tok-2"), []string{"text/markdown"}
	if _, err := s.client.StartOutboundChatContact(ctx, in); !isTyped[types.InvalidRequestException](err) {
		t.Fatalf("content types without text/plain: %v; want InvalidRequestException", err)
	}
	in.SupportedMessagingContentTypes, in.ChatDurationInMinutes = nil, aws.Int32(59)
	if _, err := s.client.StartOutboundChatContact(ctx, in); !isTyped[types.InvalidRequestException](err) {
		t.Fatalf("ChatDurationInMinutes 59 (the model's minimum is 60): %v; want InvalidRequestException", err)
	}
}

func TestStartOutboundEmailContact(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	inst := s.newInstance(t)
	created, err := s.client.CreateContact(ctx, &connect.CreateContactInput{InstanceId: &inst, Channel: types.ChannelEmail,
		InitiationMethod: types.ContactInitiationMethodOutbound, UserInfo: &types.UserInfo{UserId: aws.String("agent-1")}})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(created.ContactId)
	send := func(contact, token string) (*connect.StartOutboundEmailContactOutput, error) {
		return s.client.StartOutboundEmailContact(ctx, &connect.StartOutboundEmailContactInput{
			InstanceId: &inst, ContactId: aws.String(contact), ClientToken: aws.String(token),
			DestinationEmailAddress: &types.EmailAddressInfo{EmailAddress: aws.String("customer@example.com")},
			EmailMessage: &types.OutboundEmailContent{MessageSourceType: types.OutboundMessageSourceTypeRaw,
				RawMessage: &types.OutboundRawMessage{Subject: aws.String("Hi"), Body: aws.String("Hello"), ContentType: aws.String("text/plain")}},
		})
	}
	out, err := send(id, "t1")
	if err != nil || aws.ToString(out.ContactId) != id {
		t.Fatalf("send = %v, %v", out, err)
	}
	if out, err := send(id, "t1"); err != nil || aws.ToString(out.ContactId) != id {
		t.Fatalf("retry with the same ClientToken = %v, %v", out, err)
	}
	if _, err := send(id, "t2"); !isTyped[types.InvalidRequestException](err) {
		t.Fatalf("a second send: %v; want InvalidRequestException", err)
	}
	if _, err := send(s.newTask(t, inst, nil), "t3"); !isTyped[types.InvalidRequestException](err) {
		t.Fatalf("send a task: %v; want InvalidRequestException", err)
	}
	if _, err := send("missing", "t4"); !isTyped[types.ResourceNotFoundException](err) {
		t.Fatalf("unknown contact: %v", err)
	}
}

package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
)

func (s *testServer) transfer(ctx context.Context, inst, id string, opts ...func(*connect.TransferContactInput)) (*connect.TransferContactOutput, error) {
	in := &connect.TransferContactInput{InstanceId: aws.String(inst), ContactId: aws.String(id), ContactFlowId: aws.String("flow")}
	for _, o := range opts {
		o(in)
	}
	return s.client.TransferContact(ctx, in)
}

func TestTransferContact(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	inst := s.newInstance(t)
	id := s.newTask(t, inst, map[string]string{"tier": "gold"})
	s.clock.Advance(time.Minute)
	out, err := s.transfer(ctx, inst, id, func(in *connect.TransferContactInput) { in.QueueId = aws.String("queue-2") })
	if err != nil {
		t.Fatalf("TransferContact: %v", err)
	}
	newID := aws.ToString(out.ContactId)
	if want := fmt.Sprintf("arn:aws:connect:us-east-1:000000000000:instance/%s/contact/%s", inst, newID); aws.ToString(out.ContactArn) != want {
		t.Fatalf("ContactArn = %q, want %q", aws.ToString(out.ContactArn), want)
	}
	c := s.describe(t, inst, newID)
	switch {
	case aws.ToString(c.InitialContactId) != id, aws.ToString(c.PreviousContactId) != id:
		t.Fatalf("chain: initial %q previous %q, want %s", aws.ToString(c.InitialContactId), aws.ToString(c.PreviousContactId), id)
	case c.InitiationMethod != types.ContactInitiationMethodQueueTransfer, c.Channel != types.ChannelTask:
		t.Fatalf("method/channel = %s/%s", c.InitiationMethod, c.Channel)
	case c.QueueInfo == nil || aws.ToString(c.QueueInfo.Id) != "queue-2":
		t.Fatalf("QueueInfo = %+v", c.QueueInfo)
	case c.Attributes["tier"] != "gold", c.DisconnectTimestamp != nil:
		t.Fatalf("attributes %v, disconnect %v", c.Attributes, c.DisconnectTimestamp)
	}
	old := s.describe(t, inst, id)
	if old.DisconnectTimestamp == nil || !old.DisconnectTimestamp.Equal(s.clock.Now()) {
		t.Fatalf("old contact's DisconnectTimestamp = %v, want %v", old.DisconnectTimestamp, s.clock.Now())
	}
	// To a user: TRANSFER.
	out, err = s.transfer(ctx, inst, newID, func(in *connect.TransferContactInput) { in.UserId = aws.String("agent-1") })
	if err != nil {
		t.Fatalf("TransferContact to a user: %v", err)
	}
	if c := s.describe(t, inst, aws.ToString(out.ContactId)); c.InitiationMethod != types.ContactInitiationMethodTransfer {
		t.Fatalf("InitiationMethod = %s, want TRANSFER", c.InitiationMethod)
	}
	// A retry with the same ClientToken answers with the same contact.
	id2 := s.newTask(t, inst, nil)
	tok := func(in *connect.TransferContactInput) { in.ClientToken = aws.String("tok-1") }
	first, err := s.transfer(ctx, inst, id2, tok)
	if err != nil {
		t.Fatal(err)
	}
	again, err := s.transfer(ctx, inst, id2, tok)
	if err != nil || aws.ToString(again.ContactId) != aws.ToString(first.ContactId) {
		t.Fatalf("retry = %v, %v; want contact %s", again, err, aws.ToString(first.ContactId))
	}
	_, err = s.transfer(ctx, inst, s.newTask(t, inst, nil), tok)
	wantTyped[types.IdempotencyException](t, err)
}

func TestTransferContactErrors(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	inst := s.newInstance(t)
	id := s.newTask(t, inst, nil)
	// Required members and the model's limits (InvalidRequestException:
	// the operation models no InvalidParameterException).
	for name, o := range map[string]func(*connect.TransferContactInput){
		"no flow":        func(in *connect.TransferContactInput) { in.ContactFlowId = nil },
		"long flow":      func(in *connect.TransferContactInput) { in.ContactFlowId = aws.String(strings.Repeat("f", 501)) },
		"long contact":   func(in *connect.TransferContactInput) { in.ContactId = aws.String(strings.Repeat("c", 257)) },
		"queue and user": func(in *connect.TransferContactInput) { in.QueueId, in.UserId = aws.String("q"), aws.String("u") },
		"long user":      func(in *connect.TransferContactInput) { in.UserId = aws.String(strings.Repeat("u", 257)) },
	} {
		in := &connect.TransferContactInput{InstanceId: aws.String(inst), ContactId: aws.String(id), ContactFlowId: aws.String("flow")}
		o(in)
		// The SDK refuses a missing required member itself; send the rest.
		if in.ContactFlowId == nil {
			r := s.raw(t, "POST", "/contact/transfer", fmt.Sprintf(`{"InstanceId":%q,"ContactId":%q}`, inst, id))
			if r.status != 400 || r.header.Get("X-Amzn-ErrorType") != "InvalidRequestException" {
				t.Errorf("%s: %d %s %s", name, r.status, r.header.Get("X-Amzn-ErrorType"), r.body)
			}
			continue
		}
		if _, err := s.client.TransferContact(ctx, in); !isTyped[types.InvalidRequestException](err) {
			t.Errorf("%s: got %v, want InvalidRequestException", name, err)
		}
	}
	// Only TASK and EMAIL contacts.
	chat, err := s.client.StartChatContact(ctx, &connect.StartChatContactInput{InstanceId: aws.String(inst),
		ContactFlowId: aws.String("f"), ParticipantDetails: &types.ParticipantDetails{DisplayName: aws.String("c")}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.transfer(ctx, inst, aws.ToString(chat.ContactId))
	wantTyped[types.InvalidRequestException](t, err)
	// Only active contacts.
	if _, err := s.client.StopContact(ctx, &connect.StopContactInput{InstanceId: aws.String(inst), ContactId: aws.String(id)}); err != nil {
		t.Fatal(err)
	}
	_, err = s.transfer(ctx, inst, id)
	wantTyped[types.InvalidRequestException](t, err)
	_, err = s.transfer(ctx, inst, "unknown")
	wantTyped[types.ResourceNotFoundException](t, err)
	_, err = s.transfer(ctx, "unknown-instance", "unknown")
	wantTyped[types.ResourceNotFoundException](t, err)
	// At most 11 transfers per chain, then 402.
	cur := s.newTask(t, inst, nil)
	for i := 0; i < 11; i++ {
		out, err := s.transfer(ctx, inst, cur)
		if err != nil {
			t.Fatalf("transfer %d: %v", i+1, err)
		}
		cur = aws.ToString(out.ContactId)
	}
	_, err = s.transfer(ctx, inst, cur)
	wantTyped[types.ServiceQuotaExceededException](t, err)
}

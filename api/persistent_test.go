package api_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
)

func TestCreatePersistentContactAssociation(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	inst := s.newInstance(t)
	chat := func() string {
		out, err := s.client.StartChatContact(ctx, &connect.StartChatContactInput{InstanceId: &inst, ContactFlowId: aws.String("f"),
			ParticipantDetails: &types.ParticipantDetails{DisplayName: aws.String("c")}})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(out.ContactId)
	}
	past, cur := chat(), chat()
	assoc := func(current, source string, typ types.RehydrationType) (*connect.CreatePersistentContactAssociationOutput, error) {
		return s.client.CreatePersistentContactAssociation(ctx, &connect.CreatePersistentContactAssociationInput{
			InstanceId: &inst, InitialContactId: aws.String(current), SourceContactId: aws.String(source), RehydrationType: typ})
	}
	if _, err := assoc(cur, past, types.RehydrationTypeFromSegment); !isTyped[types.InvalidRequestException](err) {
		t.Fatalf("a source that has not ended: %v; want InvalidRequestException", err)
	}
	if _, err := s.client.StopContact(ctx, &connect.StopContactInput{InstanceId: &inst, ContactId: &past}); err != nil {
		t.Fatal(err)
	}
	out, err := assoc(cur, past, types.RehydrationTypeEntirePastSession)
	if err != nil || aws.ToString(out.ContinuedFromContactId) != past {
		t.Fatalf("ENTIRE_PAST_SESSION = %v, %v; want %s", out, err, past)
	}
	if _, err := assoc(cur, past, "SOMETIMES"); !isTyped[types.InvalidParameterException](err) {
		t.Fatalf("a RehydrationType outside the enum: %v; want InvalidParameterException", err)
	}
	if _, err := assoc(s.newTask(t, inst, nil), past, types.RehydrationTypeFromSegment); !isTyped[types.InvalidRequestException](err) {
		t.Fatalf("a task as the current contact: %v; want InvalidRequestException", err)
	}
	if _, err := assoc(chat(), "missing", types.RehydrationTypeFromSegment); !isTyped[types.ResourceNotFoundException](err) {
		t.Fatalf("unknown source: %v; want ResourceNotFoundException", err)
	}
}

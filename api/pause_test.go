package api_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
)

func TestPauseAndResumeContact(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	inst := s.newInstance(t)
	task := s.newTask(t, inst, nil)
	pause := func(id string) error {
		_, err := s.client.PauseContact(ctx, &connect.PauseContactInput{InstanceId: &inst, ContactId: aws.String(id)})
		return err
	}
	resume := func(id string) error {
		_, err := s.client.ResumeContact(ctx, &connect.ResumeContactInput{InstanceId: &inst, ContactId: aws.String(id)})
		return err
	}
	describe := func(id string) *types.Contact {
		out, err := s.client.DescribeContact(ctx, &connect.DescribeContactInput{InstanceId: &inst, ContactId: aws.String(id)})
		if err != nil {
			t.Fatal(err)
		}
		return out.Contact
	}
	if c := describe(task); c.TotalPauseCount != nil || c.LastPausedTimestamp != nil {
		t.Fatalf("a contact never paused shows pause state: %v %v", c.TotalPauseCount, c.LastPausedTimestamp)
	}
	if err := resume(task); !isTyped[types.ConflictException](err) {
		t.Fatalf("resume a contact that is not paused: %v; want ConflictException", err)
	}
	if err := pause(task); err != nil {
		t.Fatal(err)
	}
	if err := pause(task); !isTyped[types.ConflictException](err) {
		t.Fatalf("pause twice: %v; want ConflictException", err)
	}
	c := describe(task)
	if aws.ToInt32(c.TotalPauseCount) != 1 || c.LastPausedTimestamp == nil || !c.LastPausedTimestamp.Equal(s.clock.Now().Truncate(time.Second)) {
		t.Fatalf("paused: TotalPauseCount %v LastPausedTimestamp %v", c.TotalPauseCount, c.LastPausedTimestamp)
	}
	s.clock.Advance(2 * time.Minute)
	if err := resume(task); err != nil {
		t.Fatal(err)
	}
	if c := describe(task); aws.ToInt32(c.TotalPauseDurationInSeconds) != 120 {
		t.Fatalf("TotalPauseDurationInSeconds = %v; want 120", c.TotalPauseDurationInSeconds)
	}
	chat, err := s.client.StartChatContact(ctx, &connect.StartChatContactInput{InstanceId: &inst, ContactFlowId: aws.String("f"),
		ParticipantDetails: &types.ParticipantDetails{DisplayName: aws.String("c")}})
	if err != nil {
		t.Fatal(err)
	}
	if err := pause(aws.ToString(chat.ContactId)); !isTyped[types.InvalidRequestException](err) {
		t.Fatalf("pause a chat: %v; want InvalidRequestException", err)
	}
	if _, err := s.client.StopContact(ctx, &connect.StopContactInput{InstanceId: &inst, ContactId: &task}); err != nil {
		t.Fatal(err)
	}
	if err := pause(task); !isTyped[types.ConflictException](err) {
		t.Fatalf("pause an ended contact: %v; want ConflictException", err)
	}
	if err := pause("no-such-contact"); !isTyped[types.ResourceNotFoundException](err) {
		t.Fatalf("pause an unknown contact: %v", err)
	}
}

func TestListAssociatedContacts(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	inst := s.newInstance(t)
	first := s.newTask(t, inst, nil)
	ids := []string{first}
	for range 2 {
		s.clock.Advance(time.Second)
		out, err := s.client.StartTaskContact(ctx, &connect.StartTaskContactInput{InstanceId: &inst, ContactFlowId: aws.String("f"),
			Name: aws.String("next"), PreviousContactId: aws.String(ids[len(ids)-1])})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, aws.ToString(out.ContactId))
	}
	s.newTask(t, inst, nil) // another chain
	var got []string
	pages := 0
	in := &connect.ListAssociatedContactsInput{InstanceId: &inst, ContactId: aws.String(ids[2]), MaxResults: aws.Int32(2)}
	for {
		out, err := s.client.ListAssociatedContacts(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, c := range out.ContactSummaryList {
			if aws.ToString(c.InitialContactId) != first || c.Channel != types.ChannelTask || c.ContactArn == nil {
				t.Errorf("summary %+v", c)
			}
			got = append(got, aws.ToString(c.ContactId))
		}
		if out.NextToken == nil || pages > 3 {
			break
		}
		in.NextToken = out.NextToken
	}
	if pages != 2 || !equalIDs(got, ids) {
		t.Fatalf("got %v in %d pages; want %v in 2", got, pages, ids)
	}
	_, err := s.client.ListAssociatedContacts(ctx, &connect.ListAssociatedContactsInput{InstanceId: &inst, ContactId: aws.String(first), MaxResults: aws.Int32(101)})
	if !isTyped[types.InvalidParameterException](err) {
		t.Fatalf("MaxResults 101: %v; want InvalidParameterException", err)
	}
	_, err = s.client.ListAssociatedContacts(ctx, &connect.ListAssociatedContactsInput{InstanceId: &inst, ContactId: aws.String(first), NextToken: aws.String("bogus")})
	if !isTyped[types.InvalidParameterException](err) {
		t.Fatalf("bad NextToken: %v; want InvalidParameterException", err)
	}
	_, err = s.client.ListAssociatedContacts(ctx, &connect.ListAssociatedContactsInput{InstanceId: &inst, ContactId: aws.String("missing")})
	if !isTyped[types.ResourceNotFoundException](err) {
		t.Fatalf("unknown contact: %v; want ResourceNotFoundException", err)
	}
}

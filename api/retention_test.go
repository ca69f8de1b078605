package api_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
)

func TestContactsExpireAfter24Months(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	inst := s.newInstance(t)
	old := s.newTask(t, inst, map[string]string{"a": "1"})
	s.clock.Advance(24*30*24*time.Hour - 48*time.Hour) // just under 24 calendar months
	fresh := s.newTask(t, inst, map[string]string{"b": "2"})
	if got := s.get(t, inst, old); got["a"] != "1" {
		t.Fatalf("contact gone before 24 months: %v", got)
	}
	s.clock.Set(start.AddDate(2, 0, 0).Add(time.Second)) // 24 months and a second
	_, err := s.client.DescribeContact(ctx, &connect.DescribeContactInput{InstanceId: aws.String(inst), ContactId: aws.String(old)})
	wantTyped[types.ResourceNotFoundException](t, err)
	_, err = s.client.GetContactAttributes(ctx, &connect.GetContactAttributesInput{InstanceId: aws.String(inst), InitialContactId: aws.String(old)})
	wantTyped[types.ResourceNotFoundException](t, err)
	wantTyped[types.ResourceNotFoundException](t, s.update(ctx, inst, old, map[string]string{"a": "2"}))
	_, err = s.client.StopContact(ctx, &connect.StopContactInput{InstanceId: aws.String(inst), ContactId: aws.String(old)})
	wantTyped[types.ResourceNotFoundException](t, err)
	_, err = s.client.StartTaskContact(ctx, &connect.StartTaskContactInput{InstanceId: aws.String(inst), Name: aws.String("n"), ContactFlowId: aws.String("f"), PreviousContactId: aws.String(old)})
	wantTyped[types.ResourceNotFoundException](t, err)
	if got := s.get(t, inst, fresh); got["b"] != "2" {
		t.Fatalf("younger contact affected: %v", got)
	}
}

func TestContactsBeforeAPIReleaseRefuseUpdates(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	s.clock.Set(time.Date(2018, 9, 11, 23, 59, 0, 0, time.UTC))
	inst := s.newInstance(t)
	old := s.newTask(t, inst, map[string]string{"a": "1"})
	s.clock.Set(time.Date(2018, 9, 12, 0, 0, 0, 0, time.UTC))
	released := s.newTask(t, inst, nil)
	s.clock.Set(time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC))

	err := s.update(ctx, inst, old, map[string]string{"a": "2"})
	wantTyped[types.InvalidRequestException](t, err)
	if got := s.get(t, inst, old); got["a"] != "1" {
		t.Fatalf("old contact's attributes = %v, want unchanged and readable", got)
	}
	if err := s.update(ctx, inst, released, map[string]string{"a": "2"}); err != nil {
		t.Fatalf("contact from the release day refused: %v", err)
	}
}

package api_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
)

func TestUpdateContactSchedule(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	inst := s.newInstance(t)
	now := s.clock.Now().Truncate(time.Second)
	out, err := s.client.StartTaskContact(ctx, &connect.StartTaskContactInput{InstanceId: &inst, ContactFlowId: aws.String("f"),
		Name: aws.String("later"), ScheduledTime: aws.Time(now.Add(time.Hour))})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(out.ContactId)
	update := func(contact string, at time.Time) error {
		_, err := s.client.UpdateContactSchedule(ctx, &connect.UpdateContactScheduleInput{InstanceId: &inst, ContactId: aws.String(contact), ScheduledTime: aws.Time(at)})
		return err
	}
	if err := update(id, now.Add(72*time.Hour)); err != nil {
		t.Fatal(err)
	}
	d, err := s.client.DescribeContact(ctx, &connect.DescribeContactInput{InstanceId: &inst, ContactId: &id})
	if err != nil || !d.Contact.ScheduledTimestamp.Equal(now.Add(72*time.Hour)) {
		t.Fatalf("DescribeContact ScheduledTimestamp = %v, %v", d.Contact.ScheduledTimestamp, err)
	}
	in := s.searchInput(inst)
	in.TimeRange = &types.SearchContactsTimeRange{Type: types.SearchContactsTimeRangeTypeScheduledTimestamp,
		StartTime: aws.Time(now.Add(71 * time.Hour)), EndTime: aws.Time(now.Add(73 * time.Hour))}
	if found, err := s.client.SearchContacts(ctx, in); err != nil || len(found.Contacts) != 1 {
		t.Fatalf("SearchContacts by SCHEDULED_TIMESTAMP: %v, %v", found, err)
	}
	for name, at := range map[string]time.Time{"past": now.Add(-time.Hour), "7 days": now.Add(7 * 24 * time.Hour)} {
		if err := update(id, at); !isTyped[types.InvalidParameterException](err) {
			t.Errorf("%s: %v; want InvalidParameterException", name, err)
		}
	}
	if err := update(s.newTask(t, inst, nil), now.Add(time.Hour)); !isTyped[types.InvalidRequestException](err) {
		t.Errorf("a task that is not scheduled: %v; want InvalidRequestException", err)
	}
	if err := update("missing", now.Add(time.Hour)); !isTyped[types.ResourceNotFoundException](err) {
		t.Errorf("unknown contact: %v", err)
	}
}

func TestUpdateContactRoutingData(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	inst := s.newInstance(t)
	id := s.newTask(t, inst, nil)
	_, err := s.client.UpdateContactRoutingData(ctx, &connect.UpdateContactRoutingDataInput{InstanceId: &inst, ContactId: &id,
		QueuePriority: aws.Int64(1),
		RoutingCriteria: &types.RoutingCriteriaInput{Steps: []types.RoutingCriteriaInputStep{{
			Expiry: &types.RoutingCriteriaInputStepExpiry{DurationInSeconds: aws.Int32(30)},
			Expression: &types.Expression{AttributeCondition: &types.AttributeCondition{Name: aws.String("Language"),
				Value: aws.String("en"), ComparisonOperator: aws.String("NumberGreaterOrEqualTo"), ProficiencyLevel: aws.Float32(3)}},
		}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	d, err := s.client.DescribeContact(ctx, &connect.DescribeContactInput{InstanceId: &inst, ContactId: &id})
	if err != nil {
		t.Fatal(err)
	}
	c := d.Contact
	if aws.ToInt64(c.QueuePriority) != 1 || c.RoutingCriteria == nil || len(c.RoutingCriteria.Steps) != 1 ||
		aws.ToInt32(c.RoutingCriteria.Steps[0].Expiry.DurationInSeconds) != 30 ||
		aws.ToString(c.RoutingCriteria.Steps[0].Expression.AttributeCondition.Name) != "Language" {
		t.Fatalf("DescribeContact routing: priority %v criteria %+v", c.QueuePriority, c.RoutingCriteria)
	}
	_, err = s.client.UpdateContactRoutingData(ctx, &connect.UpdateContactRoutingDataInput{InstanceId: &inst, ContactId: &id,
		QueuePriority: aws.Int64(1), QueueTimeAdjustmentSeconds: aws.Int32(10)})
	if !isTyped[types.InvalidParameterException](err) {
		t.Fatalf("both priority and adjustment: %v; want InvalidParameterException", err)
	}
	_, err = s.client.UpdateContactRoutingData(ctx, &connect.UpdateContactRoutingDataInput{InstanceId: &inst, ContactId: &id, QueuePriority: aws.Int64(0)})
	if !isTyped[types.InvalidParameterException](err) {
		t.Fatalf("priority 0 (the model's minimum is 1): %v; want InvalidParameterException", err)
	}
	if _, err := s.client.StopContact(ctx, &connect.StopContactInput{InstanceId: &inst, ContactId: &id}); err != nil {
		t.Fatal(err)
	}
	_, err = s.client.UpdateContactRoutingData(ctx, &connect.UpdateContactRoutingDataInput{InstanceId: &inst, ContactId: &id, QueueTimeAdjustmentSeconds: aws.Int32(10)})
	if !isTyped[types.ResourceConflictException](err) {
		t.Fatalf("an ended contact: %v; want ResourceConflictException", err)
	}
}

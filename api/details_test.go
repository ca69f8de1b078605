package api_test

import (
	"context"
	"maps"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
)

// describe returns a contact, failing the test on error.
func (s *testServer) describe(t *testing.T, inst, id string) *types.Contact {
	t.Helper()
	d, err := s.client.DescribeContact(context.Background(), &connect.DescribeContactInput{
		InstanceId: aws.String(inst), ContactId: aws.String(id),
	})
	if err != nil {
		t.Fatalf("DescribeContact(%s): %v", id, err)
	}
	return d.Contact
}

func ref(t types.ReferenceType, value string) types.Reference {
	return types.Reference{Type: t, Value: aws.String(value)}
}

func TestUpdateContact(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	inst := s.newInstance(t)
	id := s.newTask(t, inst, map[string]string{"a": "1"})
	_, err := s.client.UpdateContact(ctx, &connect.UpdateContactInput{
		InstanceId: aws.String(inst), ContactId: aws.String(id),
		Name: aws.String("renamed"), Description: aws.String("more text"),
		References: map[string]types.Reference{"site": ref(types.ReferenceTypeUrl, "https://example.com")},
	})
	if err != nil {
		t.Fatalf("UpdateContact: %v", err)
	}
	c := s.describe(t, inst, id)
	if aws.ToString(c.Name) != "renamed" || aws.ToString(c.Description) != "more text" || c.Attributes["a"] != "1" {
		t.Fatalf("after UpdateContact: name %q, description %q, attributes %v", aws.ToString(c.Name), aws.ToString(c.Description), c.Attributes)
	}
	// Completed contacts can be updated too.
	if _, err := s.client.StopContact(ctx, &connect.StopContactInput{InstanceId: aws.String(inst), ContactId: aws.String(id)}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.client.UpdateContact(ctx, &connect.UpdateContactInput{InstanceId: aws.String(inst), ContactId: aws.String(id),
		Name: aws.String("after stop")}); err != nil {
		t.Fatalf("UpdateContact of a stopped contact: %v", err)
	}
	if got := aws.ToString(s.describe(t, inst, id).Name); got != "after stop" {
		t.Fatalf("Name = %q", got)
	}
}

func TestUpdateContactErrors(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	inst := s.newInstance(t)
	id := s.newTask(t, inst, nil)
	update := func(in connect.UpdateContactInput) error {
		if in.InstanceId == nil {
			in.InstanceId = aws.String(inst)
		}
		if in.ContactId == nil {
			in.ContactId = aws.String(id)
		}
		_, err := s.client.UpdateContact(ctx, &in)
		return err
	}
	// "At least one field to be updated must be present in the request."
	wantTyped[types.InvalidRequestException](t, update(connect.UpdateContactInput{}))
	wantTyped[types.InvalidParameterException](t, update(connect.UpdateContactInput{Name: aws.String(strings.Repeat("n", 1025))}))
	wantTyped[types.InvalidParameterException](t, update(connect.UpdateContactInput{Description: aws.String(strings.Repeat("d", 4097))}))
	wantTyped[types.InvalidParameterException](t, update(connect.UpdateContactInput{
		References: map[string]types.Reference{"r": {Type: "NOPE", Value: aws.String("v")}}}))
	wantTyped[types.InvalidParameterException](t, update(connect.UpdateContactInput{
		References: map[string]types.Reference{"r": {Type: types.ReferenceTypeUrl, Arn: aws.String("short")}}}))
	// "up to 4,096 UTF-8 bytes across all references for a contact".
	big := map[string]types.Reference{"a": ref(types.ReferenceTypeString, strings.Repeat("x", 4000))}
	if err := update(connect.UpdateContactInput{References: big}); err != nil {
		t.Fatalf("UpdateContact within 4,096 bytes: %v", err)
	}
	err := update(connect.UpdateContactInput{Name: aws.String("nope"),
		References: map[string]types.Reference{"b": ref(types.ReferenceTypeString, strings.Repeat("y", 100))}})
	wantTyped[types.InvalidParameterException](t, err)
	if got := aws.ToString(s.describe(t, inst, id).Name); got != "task" {
		t.Fatalf("a rejected update changed Name to %q", got)
	}
	// External-audio members on a task.
	wantTyped[types.InvalidRequestException](t, update(connect.UpdateContactInput{QueueInfo: &types.QueueInfoInput{Id: aws.String("q")}}))
	wantTyped[types.ResourceNotFoundException](t, update(connect.UpdateContactInput{ContactId: aws.String("unknown"), Name: aws.String("x")}))
}

func TestTagsAndDescribe(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	inst := s.newInstance(t)
	id := s.newTask(t, inst, nil)
	tag := func(tags map[string]string) error {
		_, err := s.client.TagContact(ctx, &connect.TagContactInput{InstanceId: aws.String(inst), ContactId: aws.String(id), Tags: tags})
		return err
	}
	if err := tag(map[string]string{"team": "blue", "cost-center": "42"}); err != nil {
		t.Fatalf("TagContact: %v", err)
	}
	if c := s.describe(t, inst, id); !maps.Equal(c.Tags, map[string]string{"team": "blue", "cost-center": "42"}) {
		t.Fatalf("Tags = %v", c.Tags)
	}
	if _, err := s.client.UntagContact(ctx, &connect.UntagContactInput{InstanceId: aws.String(inst), ContactId: aws.String(id),
		TagKeys: []string{"team", "absent"}}); err != nil {
		t.Fatalf("UntagContact: %v", err)
	}
	if c := s.describe(t, inst, id); !maps.Equal(c.Tags, map[string]string{"cost-center": "42"}) {
		t.Fatalf("Tags = %v", c.Tags)
	}
	// The model's limits: 1..6 tags, keys 1..128 of [a-zA-Z+-=._:/], no
	// aws: prefix, values up to 256.
	for name, tags := range map[string]map[string]string{
		"none":       {},
		"seven":      {"a": "", "b": "", "c": "", "d": "", "e": "", "f": "", "g": ""},
		"aws prefix": {"aws:x": "1"},
		"bad char":   {"a b": "1"},
		"long key":   {strings.Repeat("k", 129): "1"},
		"long value": {"k": strings.Repeat("v", 257)},
		"over six":   {"b": "", "c": "", "d": "", "e": "", "f": ""}, // 1 + 5 + 1 existing
	} {
		if name == "over six" {
			if err := tag(map[string]string{"g": ""}); err != nil {
				t.Fatal(err)
			}
		}
		err := tag(tags)
		if !isTyped[types.InvalidParameterException](err) {
			t.Errorf("%s: got %v, want InvalidParameterException", name, err)
		}
	}
	_, err := s.client.UntagContact(ctx, &connect.UntagContactInput{InstanceId: aws.String(inst), ContactId: aws.String(id), TagKeys: []string{}})
	wantTyped[types.InvalidParameterException](t, err)
	_, err = s.client.TagContact(ctx, &connect.TagContactInput{InstanceId: aws.String(inst), ContactId: aws.String("unknown"),
		Tags: map[string]string{"a": "1"}})
	wantTyped[types.ResourceNotFoundException](t, err)
	_, err = s.client.UntagContact(ctx, &connect.UntagContactInput{InstanceId: aws.String(inst), ContactId: aws.String("unknown"),
		TagKeys: []string{"a"}})
	wantTyped[types.ResourceNotFoundException](t, err)
}

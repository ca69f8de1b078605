package api_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
)

// TestSearchContactsByContactTags drives SearchCriteria.ContactTags (the
// model's ControlPlaneTagFilter) through the SDK and checks that every
// summary carries its contact's Tags.
func TestSearchContactsByContactTags(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	inst := s.newInstance(t)
	gold, silver, bare := s.newTask(t, inst, nil), s.newTask(t, inst, nil), s.newTask(t, inst, nil)
	for id, tags := range map[string]map[string]string{gold: {"tier": "gold", "team": "a"}, silver: {"tier": "silver"}} {
		if _, err := s.client.TagContact(ctx, &connect.TagContactInput{InstanceId: &inst, ContactId: aws.String(id), Tags: tags}); err != nil {
			t.Fatal(err)
		}
	}
	cond := func(k, v string) types.TagCondition {
		return types.TagCondition{TagKey: aws.String(k), TagValue: aws.String(v)}
	}
	cases := []struct {
		name   string
		filter *types.ControlPlaneTagFilter
		want   []string
	}{
		{"TagCondition", &types.ControlPlaneTagFilter{TagCondition: &types.TagCondition{TagKey: aws.String("tier"), TagValue: aws.String("gold")}}, []string{gold}},
		{"TagCondition key only", &types.ControlPlaneTagFilter{TagCondition: &types.TagCondition{TagKey: aws.String("tier")}}, sorted(gold, silver)},
		{"AndConditions", &types.ControlPlaneTagFilter{AndConditions: []types.TagCondition{cond("tier", "gold"), cond("team", "b")}}, nil},
		{"OrConditions", &types.ControlPlaneTagFilter{OrConditions: [][]types.TagCondition{
			{cond("tier", "gold"), cond("team", "a")}, {cond("tier", "silver")}}}, sorted(gold, silver)},
		{"empty filter", &types.ControlPlaneTagFilter{}, sorted(gold, silver, bare)},
	}
	for _, tc := range cases {
		in := s.searchInput(inst)
		in.SearchCriteria = &types.SearchCriteria{ContactTags: tc.filter}
		out, err := s.client.SearchContacts(ctx, in)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := summaryIDs(out); !equalIDs(got, tc.want) {
			t.Errorf("%s: got %v; want %v", tc.name, got, tc.want)
		}
	}
	out, err := s.client.SearchContacts(ctx, s.searchInput(inst))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range out.Contacts {
		switch aws.ToString(c.Id) {
		case gold:
			if c.Tags["tier"] != "gold" || c.Tags["team"] != "a" || len(c.Tags) != 2 {
				t.Errorf("gold summary Tags = %v", c.Tags)
			}
		case silver:
			if c.Tags["tier"] != "silver" || len(c.Tags) != 1 {
				t.Errorf("silver summary Tags = %v", c.Tags)
			}
		default:
			if len(c.Tags) != 0 {
				t.Errorf("untagged summary Tags = %v", c.Tags)
			}
		}
	}
}

func equalIDs(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

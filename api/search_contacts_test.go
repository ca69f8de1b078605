package api_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
	"github.com/aws/smithy-go/middleware"
)

// searchInput searches instanceID over the hour around the test clock.
func (s *testServer) searchInput(instanceID string) *connect.SearchContactsInput {
	now := s.clock.Now()
	return &connect.SearchContactsInput{
		InstanceId: aws.String(instanceID),
		TimeRange: &types.SearchContactsTimeRange{Type: types.SearchContactsTimeRangeTypeInitiationTimestamp,
			StartTime: aws.Time(now.Add(-time.Hour)), EndTime: aws.Time(now.Add(time.Hour))},
	}
}

func byAttributes(match types.SearchContactsMatchType, kv ...string) *types.SearchCriteria {
	a := &types.SearchableContactAttributes{MatchType: match, Criteria: []types.SearchableContactAttributesCriteria{}}
	for i := 0; i+1 < len(kv); i += 2 {
		a.Criteria = append(a.Criteria, types.SearchableContactAttributesCriteria{Key: aws.String(kv[i]), Values: []string{kv[i+1]}})
	}
	return &types.SearchCriteria{SearchableContactAttributes: a}
}

func summaryIDs(out *connect.SearchContactsOutput) []string {
	var ids []string
	for _, c := range out.Contacts {
		ids = append(ids, aws.ToString(c.Id))
	}
	slices.Sort(ids)
	return ids
}

func sorted(ids ...string) []string { slices.Sort(ids); return ids }

func TestSearchContactsByAttributes(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	inst := s.newInstance(t)
	gold := s.newTask(t, inst, map[string]string{"tier": "gold", "lang": "en"})
	goldFr := s.newTask(t, inst, map[string]string{"tier": "gold", "lang": "fr"})
	silver := s.newTask(t, inst, map[string]string{"tier": "silver", "lang": "en"})
	cases := []struct {
		name     string
		criteria *types.SearchCriteria
		want     []string
	}{
		{"MATCH_ALL one key", byAttributes(types.SearchContactsMatchTypeMatchAll, "tier", "gold"), sorted(gold, goldFr)},
		{"MATCH_ALL two keys", byAttributes(types.SearchContactsMatchTypeMatchAll, "tier", "gold", "lang", "en"), []string{gold}},
		{"MATCH_ANY two keys", byAttributes(types.SearchContactsMatchTypeMatchAny, "tier", "gold", "lang", "en"), sorted(gold, goldFr, silver)},
		{"no match", byAttributes(types.SearchContactsMatchTypeMatchAll, "tier", "platinum"), nil},
		{"channel", &types.SearchCriteria{Channels: []types.Channel{types.ChannelChat}}, nil},
		{"agents: connectd has none", &types.SearchCriteria{AgentIds: []string{"agent-1"}}, nil},
	}
	for _, tc := range cases {
		in := s.searchInput(inst)
		in.SearchCriteria = tc.criteria
		out, err := s.client.SearchContacts(ctx, in)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := summaryIDs(out); !slices.Equal(got, tc.want) {
			t.Errorf("%s: found %v, want %v", tc.name, got, tc.want)
		}
		if aws.ToInt64(out.TotalCount) != int64(len(tc.want)) || out.NextToken != nil {
			t.Errorf("%s: TotalCount %d, NextToken %v", tc.name, aws.ToInt64(out.TotalCount), out.NextToken)
		}
	}
	// A summary carries the contact's fields, with its ARN.
	in := s.searchInput(inst)
	in.SearchCriteria = byAttributes(types.SearchContactsMatchTypeMatchAll, "tier", "silver")
	out, err := s.client.SearchContacts(ctx, in)
	if err != nil || len(out.Contacts) != 1 {
		t.Fatalf("search: %v, %+v", err, out)
	}
	c := out.Contacts[0]
	if !strings.HasSuffix(aws.ToString(c.Arn), "/contact/"+silver) || c.Channel != types.ChannelTask ||
		c.InitiationMethod != types.ContactInitiationMethodApi || aws.ToString(c.InitialContactId) != silver ||
		!aws.ToTime(c.InitiationTimestamp).Equal(start) || aws.ToString(c.Name) != "task" {
		t.Fatalf("summary = %+v", c)
	}
	// Contacts is a list even when nothing matches.
	body := `{"InstanceId":"` + inst + `","TimeRange":{"Type":"INITIATION_TIMESTAMP","StartTime":0,"EndTime":1}}`
	if r := s.raw(t, "POST", "/search-contacts", body); r.status != 200 || !strings.Contains(r.body, `"Contacts":[]`) {
		t.Fatalf("empty search: %d %s", r.status, r.body)
	}
}

// TestSearchContactsChainAndRetention: members of a chain are found by the
// chain's current map; contacts past retention are not found at all.
func TestSearchContactsChainAndRetention(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	inst := s.newInstance(t)
	first := s.newTask(t, inst, map[string]string{"case": "1"})
	next, err := s.client.StartTaskContact(ctx, &connect.StartTaskContactInput{InstanceId: aws.String(inst),
		Name: aws.String("next"), ContactFlowId: aws.String("flow"), PreviousContactId: aws.String(first)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.client.UpdateContactAttributes(ctx, &connect.UpdateContactAttributesInput{InstanceId: aws.String(inst),
		InitialContactId: aws.String(first), Attributes: map[string]string{"case": "2"}})
	if err != nil {
		t.Fatal(err)
	}
	in := s.searchInput(inst)
	in.SearchCriteria = byAttributes(types.SearchContactsMatchTypeMatchAll, "case", "2")
	out, err := s.client.SearchContacts(ctx, in)
	if err != nil || !slices.Equal(summaryIDs(out), sorted(first, aws.ToString(next.ContactId))) {
		t.Fatalf("chain search: %v, %v", err, summaryIDs(out))
	}
	s.clock.Advance(25 * 31 * 24 * time.Hour)
	in.TimeRange.StartTime, in.TimeRange.EndTime = aws.Time(start.Add(-time.Hour)), aws.Time(s.clock.Now())
	in.SearchCriteria = nil
	if out, err = s.client.SearchContacts(ctx, in); err != nil || len(out.Contacts) != 0 {
		t.Fatalf("after retention: %v, %v", err, summaryIDs(out))
	}
}

// withoutClientValidation lets a request the SDK would refuse reach the
// server.
func withoutClientValidation(o *connect.Options) {
	o.APIOptions = append(o.APIOptions, func(st *middleware.Stack) error {
		_, err := st.Initialize.Remove("OperationInputValidation")
		return err
	})
}

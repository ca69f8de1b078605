package api_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
)

func TestSearchContactsValidation(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	inst := s.newInstance(t)
	for range 3 {
		s.newTask(t, inst, map[string]string{"tier": "gold", "secret": "x"})
	}
	first, err := s.client.SearchContacts(ctx, func() *connect.SearchContactsInput {
		in := s.searchInput(inst)
		in.MaxResults = aws.Int32(1)
		return in
	}())
	if err != nil || first.NextToken == nil {
		t.Fatalf("first page: %v", err)
	}
	token := aws.ToString(first.NextToken)
	cases := []struct {
		name string
		mod  func(in *connect.SearchContactsInput)
		want string // a part of the message
	}{
		{"MaxResults 0", func(in *connect.SearchContactsInput) { in.MaxResults = aws.Int32(0) }, "MaxResults"},
		{"MaxResults 101", func(in *connect.SearchContactsInput) { in.MaxResults = aws.Int32(101) }, "MaxResults"},
		{"bad time range type", func(in *connect.SearchContactsInput) { in.TimeRange.Type = "CREATED_TIMESTAMP" }, "TimeRange.Type"},
		{"bad channel", func(in *connect.SearchContactsInput) {
			in.SearchCriteria = &types.SearchCriteria{Channels: []types.Channel{"FAX"}}
		}, "Channels"},
		{"bad sort field", func(in *connect.SearchContactsInput) {
			in.Sort = &types.Sort{FieldName: "NAME", Order: types.SortOrderAscending}
		}, "Sort.FieldName"},
		{"bad sort order", func(in *connect.SearchContactsInput) {
			in.Sort = &types.Sort{FieldName: types.SortableFieldNameChannel, Order: "UP"}
		}, "Sort.Order"},
		{"bad match type", func(in *connect.SearchContactsInput) {
			in.SearchCriteria = byAttributes(types.SearchContactsMatchTypeMatchNone, "tier", "gold")
		}, "MatchType"},
		{"missing TimeRange", func(in *connect.SearchContactsInput) { in.TimeRange = nil }, "TimeRange"},
		{"StartTime after EndTime", func(in *connect.SearchContactsInput) {
			in.TimeRange.StartTime, in.TimeRange.EndTime = in.TimeRange.EndTime, in.TimeRange.StartTime
		}, "StartTime"},
		{"forged NextToken", func(in *connect.SearchContactsInput) { in.NextToken = aws.String("eyJiIjoiIn0.AAAA") }, "NextToken"},
		{"tampered NextToken", func(in *connect.SearchContactsInput) {
			in.NextToken = aws.String(strings.Replace(token, token[2:3], flipChar(token[2]), 1))
		}, "NextToken"},
		{"NextToken of another query", func(in *connect.SearchContactsInput) {
			in.NextToken = aws.String(token)
			in.SearchCriteria = byAttributes(types.SearchContactsMatchTypeMatchAll, "tier", "gold")
		}, "NextToken"},
		{"too many criteria", func(in *connect.SearchContactsInput) {
			kv := []string{}
			for range 16 {
				kv = append(kv, "tier", "gold")
			}
			in.SearchCriteria = byAttributes(types.SearchContactsMatchTypeMatchAll, kv...)
		}, "Criteria"},
		{"value too long", func(in *connect.SearchContactsInput) {
			in.SearchCriteria = byAttributes(types.SearchContactsMatchTypeMatchAll, "tier", strings.Repeat("g", 101))
		}, "Values"},
		{"unsupported criteria", func(in *connect.SearchContactsInput) {
			in.SearchCriteria = &types.SearchCriteria{ActiveRegions: []string{"us-west-2"}}
		}, "ActiveRegions"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := s.searchInput(inst)
			tc.mod(in)
			_, err := s.client.SearchContacts(ctx, in, withoutClientValidation)
			wantTyped[types.InvalidParameterException](t, err)
			if msg := wantAPIError(t, err, "InvalidParameterException"); !strings.Contains(msg, tc.want) {
				t.Fatalf("message %q does not mention %s", msg, tc.want)
			}
		})
	}

	// Another account cannot even see the instance, token or not (the
	// conformance suite checks that a token is bound to its owner).
	other := clientFor(s.url, s.http, "999988887777")
	in := s.searchInput(inst)
	in.NextToken = aws.String(token)
	_, err = other.SearchContacts(ctx, in)
	wantTyped[types.ResourceNotFoundException](t, err)

	in = s.searchInput("11111111-2222-3333-4444-555555555555")
	_, err = s.client.SearchContacts(ctx, in)
	wantTyped[types.ResourceNotFoundException](t, err)
}

func flipChar(c byte) string {
	if c == 'A' {
		return "B"
	}
	return "A"
}

package api_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
)

// endFlow is the smallest valid published flow.
const endFlow = `{"Version":"2019-10-30","StartAction":"end","Actions":[{"Identifier":"end","Type":"EndFlowExecution","Parameters":{},"Transitions":{}}]}`

func (s *testServer) newFlow(t *testing.T, instanceID, name, content string) string {
	t.Helper()
	out, err := s.client.CreateContactFlow(context.Background(), &connect.CreateContactFlowInput{
		InstanceId: aws.String(instanceID), Name: aws.String(name), Type: types.ContactFlowTypeContactFlow,
		Content: aws.String(content),
	})
	if err != nil {
		t.Fatalf("CreateContactFlow: %v", err)
	}
	return aws.ToString(out.ContactFlowId)
}

func TestContactFlowLifecycle(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	inst := s.newInstance(t)
	created, err := s.client.CreateContactFlow(ctx, &connect.CreateContactFlowInput{
		InstanceId: aws.String(inst), Name: aws.String("main"), Type: types.ContactFlowTypeContactFlow,
		Content: aws.String(endFlow), Description: aws.String("the main flow"), Tags: map[string]string{"team": "a"},
	})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(created.ContactFlowId)
	sum := sha256.Sum256([]byte(endFlow))
	if got := aws.ToString(created.FlowContentSha256); got != hex.EncodeToString(sum[:]) {
		t.Errorf("FlowContentSha256 %s", got)
	}
	if want := "arn:aws:connect:us-east-1:"; !strings.HasPrefix(aws.ToString(created.ContactFlowArn), want) ||
		!strings.HasSuffix(aws.ToString(created.ContactFlowArn), "/contact-flow/"+id) {
		t.Errorf("ContactFlowArn %s", aws.ToString(created.ContactFlowArn))
	}
	d, err := s.client.DescribeContactFlow(ctx, &connect.DescribeContactFlowInput{InstanceId: aws.String(inst), ContactFlowId: aws.String(id)})
	if err != nil {
		t.Fatal(err)
	}
	f := d.ContactFlow
	if aws.ToString(f.Content) != endFlow || f.Status != types.ContactFlowStatusPublished || f.State != types.ContactFlowStateActive ||
		aws.ToString(f.LastModifiedRegion) != "us-east-1" || !f.LastModifiedTime.Equal(start) || f.Tags["team"] != "a" ||
		aws.ToString(f.Description) != "the main flow" {
		t.Errorf("described %+v", f)
	}

	// A duplicate name is DuplicateResourceException.
	_, err = s.client.CreateContactFlow(ctx, &connect.CreateContactFlowInput{
		InstanceId: aws.String(inst), Name: aws.String("main"), Type: types.ContactFlowTypeContactFlow, Content: aws.String(endFlow),
	})
	wantTyped[types.DuplicateResourceException](t, err)

	s.clock.Advance(60e9)
	next := strings.Replace(endFlow, `"end"`, `"stop"`, 2)
	if _, err := s.client.UpdateContactFlowContent(ctx, &connect.UpdateContactFlowContentInput{
		InstanceId: aws.String(inst), ContactFlowId: aws.String(id), Content: aws.String(next)}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.client.UpdateContactFlowName(ctx, &connect.UpdateContactFlowNameInput{
		InstanceId: aws.String(inst), ContactFlowId: aws.String(id), Name: aws.String("renamed")}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.client.UpdateContactFlowMetadata(ctx, &connect.UpdateContactFlowMetadataInput{
		InstanceId: aws.String(inst), ContactFlowId: aws.String(id), ContactFlowState: types.ContactFlowStateArchived}); err != nil {
		t.Fatal(err)
	}
	d, err = s.client.DescribeContactFlow(ctx, &connect.DescribeContactFlowInput{InstanceId: aws.String(inst), ContactFlowId: aws.String(id)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(d.ContactFlow.Content) != next || aws.ToString(d.ContactFlow.Name) != "renamed" ||
		d.ContactFlow.State != types.ContactFlowStateArchived || !d.ContactFlow.LastModifiedTime.After(start) {
		t.Errorf("after updates %+v", d.ContactFlow)
	}

	if _, err := s.client.DeleteContactFlow(ctx, &connect.DeleteContactFlowInput{InstanceId: aws.String(inst), ContactFlowId: aws.String(id)}); err != nil {
		t.Fatal(err)
	}
	_, err = s.client.DescribeContactFlow(ctx, &connect.DescribeContactFlowInput{InstanceId: aws.String(inst), ContactFlowId: aws.String(id)})
	wantTyped[types.ResourceNotFoundException](t, err)
	_, err = s.client.DeleteContactFlow(ctx, &connect.DeleteContactFlowInput{InstanceId: aws.String(inst), ContactFlowId: aws.String(id)})
	wantTyped[types.ResourceNotFoundException](t, err)
	_, err = s.client.DescribeContactFlow(ctx, &connect.DescribeContactFlowInput{InstanceId: aws.String("no-such-instance"), ContactFlowId: aws.String(id)})
	wantTyped[types.ResourceNotFoundException](t, err)
}

func TestListAndSearchContactFlows(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	inst := s.newInstance(t)
	for _, name := range []string{"alpha", "beta", "gamma"} {
		s.newFlow(t, inst, name, endFlow)
	}
	if _, err := s.client.CreateContactFlow(ctx, &connect.CreateContactFlowInput{
		InstanceId: aws.String(inst), Name: aws.String("queue-alpha"), Type: types.ContactFlowTypeCustomerQueue, Content: aws.String(endFlow),
	}); err != nil {
		t.Fatal(err)
	}
	var names []string
	p := connect.NewListContactFlowsPaginator(s.client, &connect.ListContactFlowsInput{
		InstanceId: aws.String(inst), MaxResults: aws.Int32(1), ContactFlowTypes: []types.ContactFlowType{types.ContactFlowTypeContactFlow},
	})
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, f := range out.ContactFlowSummaryList {
			names = append(names, aws.ToString(f.Name))
			if f.ContactFlowType != types.ContactFlowTypeContactFlow || f.ContactFlowStatus != types.ContactFlowStatusPublished {
				t.Errorf("summary %+v", f)
			}
		}
	}
	if len(names) != 3 || pages != 3 {
		t.Errorf("listed %v in %d pages, want the 3 CONTACT_FLOW flows one a page", names, pages)
	}
	_, err := s.client.ListContactFlows(ctx, &connect.ListContactFlowsInput{InstanceId: aws.String(inst), NextToken: aws.String("bogus")})
	wantTyped[types.InvalidParameterException](t, err)

	out, err := s.client.SearchContactFlows(ctx, &connect.SearchContactFlowsInput{
		InstanceId: aws.String(inst),
		SearchCriteria: &types.ContactFlowSearchCriteria{
			StringCondition: &types.StringCondition{FieldName: aws.String("name"), Value: aws.String("ALPHA"), ComparisonType: types.StringComparisonTypeContains},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.ContactFlows) != 2 || aws.ToInt64(out.ApproximateTotalCount) != 2 {
		t.Errorf("name contains alpha: %d flows, total %d", len(out.ContactFlows), aws.ToInt64(out.ApproximateTotalCount))
	}
	out, err = s.client.SearchContactFlows(ctx, &connect.SearchContactFlowsInput{
		InstanceId: aws.String(inst),
		SearchCriteria: &types.ContactFlowSearchCriteria{AndConditions: []types.ContactFlowSearchCriteria{
			{TypeCondition: types.ContactFlowTypeCustomerQueue},
			{StringCondition: &types.StringCondition{FieldName: aws.String("name"), Value: aws.String("queue"), ComparisonType: types.StringComparisonTypeStartsWith}},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.ContactFlows) != 1 || aws.ToString(out.ContactFlows[0].Name) != "queue-alpha" {
		t.Errorf("type and prefix: %+v", out.ContactFlows)
	}
	_, err = s.client.SearchContactFlows(ctx, &connect.SearchContactFlowsInput{
		InstanceId: aws.String(inst),
		SearchCriteria: &types.ContactFlowSearchCriteria{
			StringCondition: &types.StringCondition{FieldName: aws.String("colour"), Value: aws.String("x"), ComparisonType: types.StringComparisonTypeExact},
		},
	})
	wantTyped[types.InvalidParameterException](t, err)
}

func TestInvalidContactFlowProblems(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	inst := s.newInstance(t)
	cases := []struct {
		name, content string
		problems      []string // a substring of each problem, in order
	}{
		{"not json", `{"Version":`, []string{"not a Flow language JSON document"}},
		{"not an object", `[1]`, []string{"must be a JSON object"}},
		{"version and start", `{"Version":"2020-01-01","Actions":[{"Identifier":"a","Type":"EndFlowExecution"}]}`,
			[]string{`Version must be "2019-10-30"`, "StartAction is required"}},
		{"dangling and unknown", `{"Version":"2019-10-30","StartAction":"a","Actions":[
			{"Identifier":"a","Type":"Compare","Parameters":{"ComparisonValue":"$.Channel"},"Transitions":{"NextAction":"b","Conditions":[{"NextAction":"c","Condition":{"Operator":"Bigger","Operands":["1"]}}]}},
			{"Identifier":"b","Type":"Teleport"}]}`,
			[]string{`NextAction "c" names no action`, `Operator "Bigger"`, `Type "Teleport"`}},
		{"identifiers", `{"Version":"2019-10-30","StartAction":"a:b","Actions":[
			{"Identifier":"a:b","Type":"EndFlowExecution"},{"Identifier":"toString","Type":"EndFlowExecution"},
			{"Identifier":"` + strings.Repeat("x", 51) + `","Type":"EndFlowExecution"},{"Identifier":"toString","Type":"EndFlowExecution"}]}`,
			[]string{"may not contain", `may not be "toString"`, "at most 50 characters", `may not be "toString"`, "used by another action"}},
		{"parameters", `{"Version":"2019-10-30","StartAction":"a","Actions":[
			{"Identifier":"a","Type":"UpdateContactAttributes","Parameters":{}},
			{"Identifier":"b","Type":"InvokeLambdaFunction","Parameters":{"LambdaFunctionARN":"arn","InvocationTimeLimitSeconds":"9","ResponseValidation":{"ResponseType":"XML"}}}]}`,
			[]string{"needs the parameter Attributes", "InvocationTimeLimitSeconds must be an integer from 1 to 8", "ResponseType must be STRING_MAP or JSON"}},
		{"wait", `{"Version":"2019-10-30","StartAction":"a","Actions":[
			{"Identifier":"a","Type":"Wait","Parameters":{}},
			{"Identifier":"b","Type":"Wait","Parameters":{"TimeoutSeconds":"604801"}},
			{"Identifier":"c","Type":"Wait","Parameters":{"TimeoutSeconds":0,"Events":["CustomerReturned","Teleported"]}},
			{"Identifier":"d","Type":"Wait","Parameters":{"TimeoutSeconds":"$.Attributes.secs","Events":"CustomerReturned"}},
			{"Identifier":"e","Type":"Wait","Parameters":{"TimeoutSeconds":604800,"Events":["BotParticipantDisconnected"]}}]}`,
			[]string{"needs the parameter TimeoutSeconds", "TimeoutSeconds must be an integer from 1 to 604800", "TimeoutSeconds must be an integer from 1 to 604800",
				"Events may hold only", "Events must be a list"}},
		{"target queue", `{"Version":"2019-10-30","StartAction":"a","Actions":[
			{"Identifier":"a","Type":"UpdateContactTargetQueue","Parameters":{}},
			{"Identifier":"b","Type":"UpdateContactTargetQueue","Parameters":{"QueueId":"q","AgentId":"u"}},
			{"Identifier":"c","Type":"UpdateContactTargetQueue","Parameters":{"AgentId":"$.Attributes.agent"}},
			{"Identifier":"d","Type":"TransferContactToQueue"}]}`,
			[]string{"needs the parameter QueueId or AgentId", "QueueId or AgentId, not both"}},
		{"too many actions", manyActions(251), []string{"251 actions; a flow may have at most 250"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.client.CreateContactFlow(ctx, &connect.CreateContactFlowInput{
				InstanceId: aws.String(inst), Name: aws.String(tc.name), Type: types.ContactFlowTypeContactFlow, Content: aws.String(tc.content),
			})
			var ice *types.InvalidContactFlowException
			if !errors.As(err, &ice) {
				t.Fatalf("got %v, want InvalidContactFlowException", err)
			}
			if len(ice.Problems) != len(tc.problems) {
				t.Fatalf("got %d problems %+v, want %d", len(ice.Problems), problemMessages(ice.Problems), len(tc.problems))
			}
			for i, want := range tc.problems {
				if got := aws.ToString(ice.Problems[i].Message); !strings.Contains(got, want) {
					t.Errorf("problem %d: %q does not say %q", i, got, want)
				}
			}
		})
	}
	// Nothing was stored.
	out, err := s.client.ListContactFlows(ctx, &connect.ListContactFlowsInput{InstanceId: aws.String(inst)})
	if err != nil || len(out.ContactFlowSummaryList) != 0 {
		t.Fatalf("after refused creates: %v, %d flows", err, len(out.ContactFlowSummaryList))
	}
	// A SAVED flow may hold an unknown action type and dangling
	// transitions, but must still be JSON.
	saved := `{"Version":"2019-10-30","StartAction":"a","Actions":[{"Identifier":"a","Type":"Teleport","Transitions":{"NextAction":"nowhere"}}]}`
	created, err := s.client.CreateContactFlow(ctx, &connect.CreateContactFlowInput{
		InstanceId: aws.String(inst), Name: aws.String("draft"), Type: types.ContactFlowTypeContactFlow,
		Content: aws.String(saved), Status: types.ContactFlowStatusSaved,
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.client.UpdateContactFlowContent(ctx, &connect.UpdateContactFlowContentInput{
		InstanceId: aws.String(inst), ContactFlowId: created.ContactFlowId, Content: aws.String("nope")})
	wantTyped[types.InvalidContactFlowException](t, err)
	// A published flow's update is validated; the old content stays.
	id := s.newFlow(t, inst, "published", endFlow)
	_, err = s.client.UpdateContactFlowContent(ctx, &connect.UpdateContactFlowContentInput{
		InstanceId: aws.String(inst), ContactFlowId: aws.String(id), Content: aws.String(saved)})
	wantTyped[types.InvalidContactFlowException](t, err)
	d, err := s.client.DescribeContactFlow(ctx, &connect.DescribeContactFlowInput{InstanceId: aws.String(inst), ContactFlowId: aws.String(id)})
	if err != nil || aws.ToString(d.ContactFlow.Content) != endFlow {
		t.Fatalf("content after a refused update: %v %v", err, d)
	}
}

func problemMessages(ps []types.ProblemDetail) []string {
	var out []string
	for _, p := range ps {
		out = append(out, aws.ToString(p.Message))
	}
	return out
}

func manyActions(n int) string {
	var b strings.Builder
	b.WriteString(`{"Version":"2019-10-30","StartAction":"a0","Actions":[`)
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"Identifier":"a` + strings.Repeat("x", 0) + itoa(i) + `","Type":"EndFlowExecution"}`)
	}
	b.WriteString("]}")
	return b.String()
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}

func TestLambdaFunctionAssociations(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	inst := s.newInstance(t)
	arns := []string{
		"arn:aws:lambda:us-east-1:123456789012:function:a",
		"arn:aws:lambda:us-east-1:123456789012:function:b",
	}
	for _, arn := range arns {
		if _, err := s.client.AssociateLambdaFunction(ctx, &connect.AssociateLambdaFunctionInput{InstanceId: aws.String(inst), FunctionArn: aws.String(arn)}); err != nil {
			t.Fatal(err)
		}
	}
	_, err := s.client.AssociateLambdaFunction(ctx, &connect.AssociateLambdaFunctionInput{InstanceId: aws.String(inst), FunctionArn: aws.String(arns[0])})
	wantTyped[types.ResourceConflictException](t, err)
	out, err := s.client.ListLambdaFunctions(ctx, &connect.ListLambdaFunctionsInput{InstanceId: aws.String(inst), MaxResults: aws.Int32(1)})
	if err != nil || len(out.LambdaFunctions) != 1 || out.LambdaFunctions[0] != arns[0] || out.NextToken == nil {
		t.Fatalf("page 1: %v %+v", err, out)
	}
	out, err = s.client.ListLambdaFunctions(ctx, &connect.ListLambdaFunctionsInput{InstanceId: aws.String(inst), NextToken: out.NextToken})
	if err != nil || len(out.LambdaFunctions) != 1 || out.LambdaFunctions[0] != arns[1] || out.NextToken != nil {
		t.Fatalf("page 2: %v %+v", err, out)
	}
	if _, err := s.client.DisassociateLambdaFunction(ctx, &connect.DisassociateLambdaFunctionInput{InstanceId: aws.String(inst), FunctionArn: aws.String(arns[0])}); err != nil {
		t.Fatal(err)
	}
	_, err = s.client.DisassociateLambdaFunction(ctx, &connect.DisassociateLambdaFunctionInput{InstanceId: aws.String(inst), FunctionArn: aws.String(arns[0])})
	wantTyped[types.ResourceNotFoundException](t, err)
}

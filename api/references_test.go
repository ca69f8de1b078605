package api_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
)

func TestListContactReferences(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	inst := s.newInstance(t)
	// References given at start are stored now.
	out, err := s.client.StartTaskContact(ctx, &connect.StartTaskContactInput{
		InstanceId: aws.String(inst), Name: aws.String("task"), ContactFlowId: aws.String("flow"),
		References: map[string]types.Reference{
			"site": ref(types.ReferenceTypeUrl, "https://example.com"),
			"due":  ref(types.ReferenceTypeDate, "2026-12-01"),
		},
	})
	if err != nil {
		t.Fatalf("StartTaskContact: %v", err)
	}
	id := aws.ToString(out.ContactId)
	_, err = s.client.UpdateContact(ctx, &connect.UpdateContactInput{InstanceId: aws.String(inst), ContactId: aws.String(id),
		References: map[string]types.Reference{
			"amount": ref(types.ReferenceTypeNumber, "12"),
			"file": {Type: types.ReferenceTypeAttachment, Value: aws.String("f.pdf"), Status: types.ReferenceStatusApproved,
				Arn: aws.String("arn:aws:connect:us-east-1:000000000000:file")},
		}})
	if err != nil {
		t.Fatalf("UpdateContact: %v", err)
	}
	list := func(refTypes ...types.ReferenceType) []types.ReferenceSummary {
		t.Helper()
		l, err := s.client.ListContactReferences(ctx, &connect.ListContactReferencesInput{
			InstanceId: aws.String(inst), ContactId: aws.String(id), ReferenceTypes: refTypes,
		})
		if err != nil {
			t.Fatalf("ListContactReferences(%v): %v", refTypes, err)
		}
		if l.NextToken != nil {
			t.Fatalf("NextToken = %q, want none", aws.ToString(l.NextToken))
		}
		return l.ReferenceSummaryList
	}
	got := list(types.ReferenceTypeUrl, types.ReferenceTypeDate, types.ReferenceTypeNumber, types.ReferenceTypeAttachment)
	if len(got) != 4 {
		t.Fatalf("got %d references, want 4: %#v", len(got), got)
	}
	// Name order: amount, due, file, site.
	if n, ok := got[0].(*types.ReferenceSummaryMemberNumber); !ok || aws.ToString(n.Value.Name) != "amount" || aws.ToString(n.Value.Value) != "12" {
		t.Errorf("[0] = %#v", got[0])
	}
	if d, ok := got[1].(*types.ReferenceSummaryMemberDate); !ok || aws.ToString(d.Value.Value) != "2026-12-01" {
		t.Errorf("[1] = %#v", got[1])
	}
	if a, ok := got[2].(*types.ReferenceSummaryMemberAttachment); !ok || a.Value.Status != types.ReferenceStatusApproved ||
		!strings.HasSuffix(aws.ToString(a.Value.Arn), ":file") {
		t.Errorf("[2] = %#v", got[2])
	}
	if u, ok := got[3].(*types.ReferenceSummaryMemberUrl); !ok || aws.ToString(u.Value.Value) != "https://example.com" {
		t.Errorf("[3] = %#v", got[3])
	}
	if got := list(types.ReferenceTypeUrl); len(got) != 1 {
		t.Fatalf("URL only: %#v", got)
	}
	if got := list(types.ReferenceTypeEmail); len(got) != 0 {
		t.Fatalf("EMAIL only: %#v", got)
	}
}

func TestListContactReferencesErrors(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	inst := s.newInstance(t)
	id := s.newTask(t, inst, nil)
	call := func(id string, refTypes ...types.ReferenceType) error {
		_, err := s.client.ListContactReferences(ctx, &connect.ListContactReferencesInput{
			InstanceId: aws.String(inst), ContactId: aws.String(id), ReferenceTypes: refTypes,
		})
		return err
	}
	// The SDK refuses to send no ReferenceTypes; a raw request can.
	if r := s.raw(t, "GET", "/contact/references/"+inst+"/"+id, ""); r.status != 400 ||
		r.header.Get("X-Amzn-ErrorType") != "InvalidParameterException" {
		t.Fatalf("no referenceTypes: %d %s", r.status, r.body)
	}
	wantTyped[types.InvalidParameterException](t, call(id, "BOGUS"))
	seven := []types.ReferenceType{"URL", "DATE", "NUMBER", "STRING", "EMAIL", "ATTACHMENT", "EMAIL_MESSAGE"}
	wantTyped[types.InvalidParameterException](t, call(id, seven...))
	wantTyped[types.ResourceNotFoundException](t, call("unknown", types.ReferenceTypeUrl))
	_, err := s.client.ListContactReferences(ctx, &connect.ListContactReferencesInput{
		InstanceId: aws.String(inst), ContactId: aws.String(id), ReferenceTypes: []types.ReferenceType{"URL"},
		NextToken: aws.String("anything"),
	})
	wantTyped[types.InvalidParameterException](t, err)
	// References over 4,096 bytes at start are refused, and nothing starts.
	_, err = s.client.StartTaskContact(ctx, &connect.StartTaskContactInput{
		InstanceId: aws.String(inst), Name: aws.String("t"), ContactFlowId: aws.String("f"),
		References: map[string]types.Reference{
			"a": ref(types.ReferenceTypeString, strings.Repeat("x", 4000)),
			"b": ref(types.ReferenceTypeString, strings.Repeat("y", 200)),
		},
	})
	wantTyped[types.InvalidParameterException](t, err)
	r := s.raw(t, "GET", "/contact/references/"+inst+"/"+id+"?"+url.Values{"referenceTypes": {"URL"}}.Encode(), "")
	if r.status != 200 || !strings.Contains(r.body, `"ReferenceSummaryList":[]`) {
		t.Fatalf("empty list: %d %s", r.status, r.body)
	}
}

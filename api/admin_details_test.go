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

// TestExportImportDetails: the control plane's export carries a contact's
// References and Tags, and importing it into another server restores them.
func TestExportImportDetails(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	inst := s.newInstance(t)
	id := s.newTask(t, inst, nil)
	_, err := s.client.UpdateContact(ctx, &connect.UpdateContactInput{InstanceId: aws.String(inst), ContactId: aws.String(id),
		References: map[string]types.Reference{"site": ref(types.ReferenceTypeUrl, "https://example.com")}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.client.TagContact(ctx, &connect.TagContactInput{InstanceId: aws.String(inst), ContactId: aws.String(id),
		Tags: map[string]string{"team": "blue"}}); err != nil {
		t.Fatal(err)
	}
	exported := s.raw(t, "GET", "/_connectd/export", "")
	if !strings.Contains(exported.body, `"References":{"site":{"Type":"URL","Value":"https://example.com"}}`) ||
		!strings.Contains(exported.body, `"Tags":{"team":"blue"}`) {
		t.Fatalf("export lacks the details: %s", exported.body)
	}
	s2 := newServer(t)
	if r := s2.raw(t, "POST", "/_connectd/import", exported.body); r.status != 200 {
		t.Fatalf("re-import of the export: %d %s", r.status, r.body)
	}
	if c := s2.describe(t, inst, id); !maps.Equal(c.Tags, map[string]string{"team": "blue"}) {
		t.Fatalf("imported Tags = %v", c.Tags)
	}
	l, err := s2.client.ListContactReferences(ctx, &connect.ListContactReferencesInput{InstanceId: aws.String(inst),
		ContactId: aws.String(id), ReferenceTypes: []types.ReferenceType{types.ReferenceTypeUrl}})
	if err != nil || len(l.ReferenceSummaryList) != 1 {
		t.Fatalf("imported references = %+v, %v", l, err)
	}
	bad := strings.Replace(exported.body, `"Type":"URL"`, `"Type":"NOPE"`, 1)
	if r := newServer(t).raw(t, "POST", "/_connectd/import", bad); r.status != 400 || !strings.Contains(r.body, "References[site].Type") {
		t.Fatalf("import with a bad reference type: %d %s", r.status, r.body)
	}
}

// TestImportChecksDetails: "Every rule of the API applies" to an import, so
// a contact's Tags and References must pass TagContact's and the Start*
// operations' member checks, and a bad one fails the whole import.
func TestImportChecksDetails(t *testing.T) {
	const inst = "11111111-1111-4111-8111-111111111111"
	for name, contact := range map[string]string{
		"tag key with a space":      `"Tags":{"bad key":"v"}`,
		"tag key too long":          `"Tags":{"` + strings.Repeat("k", 129) + `":"v"}`,
		"tag value too long":        `"Tags":{"k":"` + strings.Repeat("v", 257) + `"}`,
		"empty reference name":      `"References":{"":{"Type":"URL","Value":"https://example.com"}}`,
		"bad reference status":      `"References":{"a":{"Type":"ATTACHMENT","Status":"NOPE"}}`,
		"bad reference arn":         `"References":{"a":{"Type":"ATTACHMENT","Arn":"not an arn"}}`,
		"reference reason too long": `"References":{"a":{"Type":"URL","StatusReason":"` + strings.Repeat("r", 101) + `"}}`,
	} {
		s := newServer(t)
		body := `{"Instances":[{"Id":"` + inst + `"}],"Contacts":[{"InstanceId":"` + inst + `","Id":"c1","Channel":"TASK",` + contact + `}]}`
		if r := s.raw(t, "POST", "/_connectd/import", body); r.status != 400 || !strings.Contains(r.body, "Contacts[0]") {
			t.Errorf("%s: import answered %d %s, want 400 naming the record", name, r.status, r.body)
		}
		if r := s.raw(t, "GET", "/_connectd/export", ""); strings.Contains(r.body, inst) {
			t.Errorf("%s: a refused import left data behind: %s", name, r.body)
		}
	}
}

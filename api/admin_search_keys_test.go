package api_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
)

// TestExportImportSearchableKeys: an instance's searchable keys travel in
// the control plane's export and import, so an imported fixture restricts
// searches as the exported server did, and its keys are indexed from the
// imported contacts on. A bad key in an import is 400 naming the record.
func TestExportImportSearchableKeys(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	inst := s.newInstance(t)
	id := s.newTask(t, inst, map[string]string{"tier": "gold", "ssn": "123"})
	path := "/_connectd/instances/" + inst + "/searchable-attributes"
	if r := s.raw(t, "PUT", path, `{"Keys":["tier"]}`); r.status != 200 {
		t.Fatalf("PUT: %d %s", r.status, r.body)
	}
	exported := s.raw(t, "GET", "/_connectd/export", "")
	if !strings.Contains(exported.body, `"SearchableKeys":["tier"]`) {
		t.Fatalf("export lacks the searchable keys: %s", exported.body)
	}

	s2 := newServer(t)
	if r := s2.raw(t, "POST", "/_connectd/import", exported.body); r.status != 200 {
		t.Fatalf("re-import of the export: %d %s", r.status, r.body)
	}
	if r := s2.raw(t, "GET", path, ""); !strings.Contains(r.body, `"Keys":["tier"],"AllKeys":false`) {
		t.Fatalf("imported searchable keys: %d %s", r.status, r.body)
	}
	in := s2.searchInput(inst)
	in.SearchCriteria = byAttributes(types.SearchContactsMatchTypeMatchAll, "tier", "gold")
	out, err := s2.client.SearchContacts(ctx, in)
	if err != nil || len(out.Contacts) != 1 || aws.ToString(out.Contacts[0].Id) != id {
		t.Fatalf("search of the imported key: %+v, %v", out, err)
	}
	in.SearchCriteria = byAttributes(types.SearchContactsMatchTypeMatchAll, "ssn", "123")
	_, err = s2.client.SearchContacts(ctx, in)
	wantTyped[types.InvalidParameterException](t, err)
	if again := s2.raw(t, "GET", "/_connectd/export", ""); again.body != exported.body {
		t.Fatalf("export after import differs:\n%s\nwant\n%s", again.body, exported.body)
	}

	badKey := strings.Replace(exported.body, `"SearchableKeys":["tier"]`, `"SearchableKeys":["bad key"]`, 1)
	if r := newServer(t).raw(t, "POST", "/_connectd/import", badKey); r.status != 400 || !strings.Contains(r.body, "Instances[0]") ||
		!strings.Contains(r.body, "SearchableKeys") {
		t.Fatalf("import with a bad searchable key: %d %s", r.status, r.body)
	}
}

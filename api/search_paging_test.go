package api_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
)

// TestSearchContactsPaginator pages through 300 contacts with the SDK's
// paginator while another client keeps starting contacts that match the
// search: every contact that existed before is seen exactly once, and no
// contact is seen twice.
func TestSearchContactsPaginator(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	inst := s.newInstance(t)
	before := map[string]bool{}
	for range 300 {
		before[s.newTask(t, inst, map[string]string{"batch": "1"})] = true
	}
	for _, sort := range []*types.Sort{
		nil,
		{FieldName: types.SortableFieldNameInitiationTimestamp, Order: types.SortOrderDescending},
		{FieldName: types.SortableFieldNameChannel, Order: types.SortOrderAscending},
	} {
		in := s.searchInput(inst)
		in.SearchCriteria = byAttributes(types.SearchContactsMatchTypeMatchAll, "batch", "1")
		in.Sort, in.MaxResults = sort, aws.Int32(17)
		stop := make(chan struct{})
		var wg sync.WaitGroup
		var inserted atomic.Int64
		wg.Go(func() { // concurrent inserts, before and after any cursor
			for {
				select {
				case <-stop:
					return
				default: // t.Fatal must not run on this goroutine
					_, err := s.client.StartTaskContact(ctx, &connect.StartTaskContactInput{InstanceId: aws.String(inst),
						Name: aws.String("late"), ContactFlowId: aws.String("flow"), Attributes: map[string]string{"batch": "1"}})
					if err != nil {
						t.Error(err)
						return
					}
					inserted.Add(1)
				}
			}
		})
		seen := map[string]int{}
		pages := 0
		for p := connect.NewSearchContactsPaginator(s.client, in); p.HasMorePages(); pages++ {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(out.Contacts) > 17 {
				t.Fatalf("page of %d contacts", len(out.Contacts))
			}
			for _, c := range out.Contacts {
				seen[aws.ToString(c.Id)]++
			}
		}
		close(stop)
		wg.Wait()
		for id := range before {
			if seen[id] != 1 {
				t.Fatalf("sort %+v: contact %s seen %d times", sort, id, seen[id])
			}
		}
		for id, n := range seen {
			if n != 1 {
				t.Fatalf("sort %+v: contact %s seen %d times", sort, id, n)
			}
		}
		if pages < 300/17 || inserted.Load() == 0 {
			t.Fatalf("%d pages, %d contacts inserted meanwhile", pages, inserted.Load())
		}
	}
	// TotalCount counts every match, not the page.
	in := s.searchInput(inst)
	in.MaxResults = aws.Int32(5)
	out, err := s.client.SearchContacts(ctx, in)
	if err != nil || len(out.Contacts) != 5 || aws.ToInt64(out.TotalCount) < 300 {
		t.Fatalf("TotalCount %d with %d contacts: %v", aws.ToInt64(out.TotalCount), len(out.Contacts), err)
	}
}

// TestSearchableAttributesEndpoint drives the control plane's
// searchable-attributes endpoint and the SDK's view of it.
func TestSearchableAttributesEndpoint(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	inst := s.newInstance(t)
	s.newTask(t, inst, map[string]string{"tier": "gold", "ssn": "123"})
	path := "/_connectd/instances/" + inst + "/searchable-attributes"
	view := func(r rawResponse) (keys []string, all bool) {
		t.Helper()
		var v struct {
			Keys    []string
			AllKeys bool
		}
		if r.status != 200 || json.Unmarshal([]byte(r.body), &v) != nil || v.Keys == nil {
			t.Fatalf("%d %s", r.status, r.body)
		}
		return v.Keys, v.AllKeys
	}
	if keys, all := view(s.raw(t, "GET", path, "")); !all || len(keys) != 0 {
		t.Fatalf("default: %v, all=%v", keys, all)
	}
	if keys, all := view(s.raw(t, "PUT", path, `{"Keys":["tier","case","tier"]}`)); all || strings.Join(keys, ",") != "case,tier" {
		t.Fatalf("after PUT: %v, all=%v", keys, all)
	}
	search := func(key string) error {
		in := s.searchInput(inst)
		in.SearchCriteria = byAttributes(types.SearchContactsMatchTypeMatchAll, key, "x")
		_, err := s.client.SearchContacts(ctx, in)
		return err
	}
	if err := search("tier"); err != nil {
		t.Fatal(err)
	}
	err := search("ssn")
	wantTyped[types.InvalidParameterException](t, err)
	if msg := wantAPIError(t, err, "InvalidParameterException"); !strings.Contains(msg, `"ssn"`) {
		t.Fatalf("message %q does not name the key", msg)
	}
	if _, all := view(s.raw(t, "DELETE", path, "")); !all {
		t.Fatal("DELETE did not allow every key")
	}
	if err := search("ssn"); err != nil {
		t.Fatal(err)
	}
	view(s.raw(t, "PUT", path, `{"Keys":["ssn"]}`))
	if _, all := view(s.raw(t, "PUT", path, `{"Keys":[]}`)); !all {
		t.Fatal("an empty list did not allow every key")
	}
	for _, tc := range []struct {
		method, path, body string
		status             int
		exc                string
	}{
		{"PUT", path, `{"Keys":["bad key"]}`, 400, "InvalidRequestException"},
		{"PUT", path, `{"Keys":["` + strings.Repeat("k", 101) + `"]}`, 400, "InvalidRequestException"},
		{"PUT", path, `{"Keyz":[]}`, 400, "SerializationException"},
		{"GET", "/_connectd/instances/no-such-instance/searchable-attributes", "", 404, "ResourceNotFoundException"},
		{"POST", path, "", 404, "UnknownOperationException"},
	} {
		r := s.raw(t, tc.method, tc.path, tc.body)
		if r.status != tc.status || r.header.Get("X-Amzn-ErrorType") != tc.exc {
			t.Errorf("%s %s %s: %d %s %s", tc.method, tc.path, tc.body, r.status, r.header.Get("X-Amzn-ErrorType"), r.body)
		}
	}
}

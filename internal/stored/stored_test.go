package stored_test

import (
	"testing"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/internal/stored"
)

// TestRoundTrips: what one store writes reads back the same, and empty
// values are NULL (ok false), which keeps them out of partial indexes.
func TestRoundTrips(t *testing.T) {
	if _, ok, err := stored.Map(nil); ok || err != nil {
		t.Errorf("Map(nil) ok=%v err=%v, want NULL", ok, err)
	}
	doc, ok, err := stored.Map(map[string]string{"a": "1"})
	if !ok || err != nil {
		t.Fatalf("Map: %v %v", ok, err)
	}
	if m, err := stored.ParseMap([]byte(doc)); err != nil || len(m) != 1 || m["a"] != "1" {
		t.Errorf("ParseMap(%s) = %v, %v", doc, m, err)
	}
	if m, err := stored.ParseMap(nil); err != nil || m == nil || len(m) != 0 {
		t.Errorf("ParseMap(NULL) = %v, %v, want an empty map", m, err)
	}
	if _, err := stored.ParseMap([]byte("[1]")); err == nil {
		t.Error("ParseMap accepted a JSON array")
	}

	refs := map[string]connectd.Reference{"r": {Type: "URL", Value: "https://x", Status: "AVAILABLE"}}
	rdoc, ok, err := stored.References(refs)
	if !ok || err != nil {
		t.Fatalf("References: %v %v", ok, err)
	}
	c := &connectd.Contact{ID: "c"}
	if err := stored.Details(c, []byte(rdoc), []byte(`{"t":"1"}`)); err != nil {
		t.Fatal(err)
	}
	if c.References["r"] != refs["r"] || c.Tags["t"] != "1" {
		t.Errorf("Details = %v, %v", c.References, c.Tags)
	}

	if keys, err := stored.ParseKeys(nil, true); keys != nil || err != nil {
		t.Errorf("ParseKeys(NULL) = %v, %v, want nil (every key)", keys, err)
	}
	kdoc, ok, _ := stored.Keys([]string{"tier"})
	if keys, err := stored.ParseKeys([]byte(kdoc), !ok); err != nil || len(keys) != 1 || keys[0] != "tier" {
		t.Errorf("ParseKeys(%s) = %v, %v", kdoc, keys, err)
	}
}

// TestAttacher: details go to the contact they belong to, and rows of
// contacts not exported (expired) are skipped.
func TestAttacher(t *testing.T) {
	a, b := &connectd.Contact{InstanceID: "i", ID: "a"}, &connectd.Contact{InstanceID: "j", ID: "a"}
	at := stored.NewAttacher([]*connectd.Contact{a, b})
	if err := at.Attach("j", "a", nil, []byte(`{"k":"v"}`)); err != nil {
		t.Fatal(err)
	}
	if err := at.Attach("i", "gone", nil, []byte(`{"k":"v"}`)); err != nil {
		t.Fatal(err)
	}
	if len(a.Tags) != 0 || b.Tags["k"] != "v" {
		t.Errorf("tags: a %v, b %v", a.Tags, b.Tags)
	}
}

// TestDialect: the SQL of each sort and time range, as each store spells it.
func TestDialect(t *testing.T) {
	d := stored.Dialect{TimeSuffix: "_at", Never: "'infinity'", Bytewise: ` COLLATE "C"`}
	for _, tc := range []struct{ got, want string }{
		{d.TimeColumn(connectd.TimeInitiation), "c.initiated_at"},
		{d.TimeColumn(connectd.TimeDisconnect), "c.disconnected_at"},
		{d.TimeColumn(connectd.TimeEnqueue), ""},
		{d.SortExpr(connectd.SortScheduled), "coalesce(c.scheduled_at, 'infinity')"},
		{d.SortExpr(connectd.SortConnectedToAgent), "'infinity'"},
		{d.SortExpr(connectd.SortChannel), `c.channel COLLATE "C"`},
		{d.SortExpr(connectd.SortExpiry), "c.initiated_at"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

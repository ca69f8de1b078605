package storetest

import (
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/connectd/connectd"
)

// detailTests cover a contact's References and Tags, UpdateContact,
// TagContact and UntagContact (connectd.Service).
var detailTests = []storeTest{
	{"CreateKeepsReferencesAndTags", testDetailsAtCreate},
	{"CreateRejectsOversizedReferences", testDetailsCreateTooBig},
	{"UpdateContact", testDetailsUpdate},
	{"UpdateContactRejectsOversizedReferences", testDetailsUpdateTooBig},
	{"UpdateContactUnknown", testDetailsUnknown},
	{"TagAndUntag", testDetailsTags},
	{"TagLimits", testDetailsTagLimits},
	{"DetailsGoWithTheirContact", testDetailsExpire},
	{"ExportImportRoundTrip", testDetailsSnapshot},
}

func refs(pairs ...string) map[string]connectd.Reference {
	m := map[string]connectd.Reference{}
	for i := 0; i+1 < len(pairs); i += 2 {
		m[pairs[i]] = connectd.Reference{Type: "URL", Value: pairs[i+1]}
	}
	return m
}

func wantRefs(t *testing.T, what string, got, want map[string]connectd.Reference) {
	t.Helper()
	if len(got) != len(want) || !maps.Equal(got, want) {
		t.Fatalf("%s = %v, want %v", what, got, want)
	}
}

func wantTags(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	if len(got) != len(want) || !maps.Equal(got, want) {
		t.Fatalf("%s = %v, want %v", what, got, want)
	}
}

func testDetailsAtCreate(t *testing.T, f *fixture) {
	full := connectd.Reference{Type: "ATTACHMENT", Value: "v", Status: "APPROVED",
		Arn: "arn:aws:connect:us-east-1:111122223333:x", StatusReason: "ok"}
	c := f.contact(func(c *connectd.Contact) {
		c.References = map[string]connectd.Reference{"doc": full, "site": {Type: "URL", Value: "https://x"}}
		c.Tags = map[string]string{"team": "blue"}
	})
	got := f.find(c.ID)
	wantRefs(t, "References", got.References, map[string]connectd.Reference{"doc": full, "site": {Type: "URL", Value: "https://x"}})
	wantTags(t, "Tags", got.Tags, map[string]string{"team": "blue"})
	// Details are the contact's own, not its chain's.
	m := f.contact(withPrevious(c.ID))
	if got := f.find(m.ID); len(got.References) != 0 || len(got.Tags) != 0 {
		t.Fatalf("a chain member got %v and %v, want none", got.References, got.Tags)
	}
}

func testDetailsCreateTooBig(t *testing.T, f *fixture) {
	in := f.newContact(func(c *connectd.Contact) {
		c.References = refs("a", strings.Repeat("x", connectd.MaxReferencesBytes))
	})
	_, err := f.svc.CreateContact(f.ctx, f.owner, in)
	wantCode(t, err, connectd.EINVALID)
	_, err = f.svc.FindContact(f.ctx, f.owner, f.inst.ID, in.ID)
	wantCode(t, err, connectd.ENOTFOUND)
	// Exactly at the limit is fine: name and value count.
	f.contact(func(c *connectd.Contact) {
		c.References = refs("ab", strings.Repeat("é", (connectd.MaxReferencesBytes-2)/2))
	})
}

func testDetailsUpdate(t *testing.T, f *fixture) {
	c := f.contact(func(c *connectd.Contact) {
		c.Name, c.Description, c.References = "old", "old text", refs("a", "1", "b", "2")
	})
	f.clock.Advance(time.Minute)
	name := "new"
	u := &connectd.ContactUpdate{Name: &name, References: refs("b", "20", "c", "3")}
	if err := f.svc.UpdateContact(f.ctx, f.owner, f.inst.ID, c.ID, u); err != nil {
		t.Fatalf("UpdateContact: %v", err)
	}
	got := f.find(c.ID)
	if got.Name != "new" || got.Description != "old text" {
		t.Fatalf("Name, Description = %q, %q; want new, old text", got.Name, got.Description)
	}
	wantRefs(t, "References", got.References, refs("a", "1", "b", "20", "c", "3"))
	wantNear(t, "LastUpdateTimestamp", got.LastUpdateTimestamp, f.clock.Now())
	// Ended contacts can be updated too ("both ongoing and completed").
	if err := f.svc.StopContact(f.ctx, f.owner, f.inst.ID, c.ID); err != nil {
		t.Fatal(err)
	}
	empty := ""
	if err := f.svc.UpdateContact(f.ctx, f.owner, f.inst.ID, c.ID, &connectd.ContactUpdate{Description: &empty}); err != nil {
		t.Fatalf("UpdateContact of an ended contact: %v", err)
	}
	if got := f.find(c.ID); got.Description != "" || got.Name != "new" {
		t.Fatalf("Name, Description = %q, %q; want new and empty", got.Name, got.Description)
	}
}

func testDetailsUpdateTooBig(t *testing.T, f *fixture) {
	c := f.contact(func(c *connectd.Contact) { c.Name, c.References = "keep", refs("a", strings.Repeat("x", 4000)) })
	name := "changed"
	u := &connectd.ContactUpdate{Name: &name, References: refs("b", strings.Repeat("y", 100))}
	wantCode(t, f.svc.UpdateContact(f.ctx, f.owner, f.inst.ID, c.ID, u), connectd.EINVALID)
	got := f.find(c.ID)
	if got.Name != "keep" {
		t.Fatalf("a rejected update changed Name to %q", got.Name)
	}
	wantRefs(t, "References", got.References, refs("a", strings.Repeat("x", 4000)))
	// Replacing a reference frees its bytes.
	u = &connectd.ContactUpdate{References: refs("a", "short", "b", strings.Repeat("y", 100))}
	if err := f.svc.UpdateContact(f.ctx, f.owner, f.inst.ID, c.ID, u); err != nil {
		t.Fatalf("UpdateContact: %v", err)
	}
}

func testDetailsUnknown(t *testing.T, f *fixture) {
	name := "x"
	u := &connectd.ContactUpdate{Name: &name}
	wantCode(t, f.svc.UpdateContact(f.ctx, f.owner, f.inst.ID, "nope", u), connectd.ENOTFOUND)
	wantCode(t, f.svc.UpdateContact(f.ctx, f.owner, "no-instance", "nope", u), connectd.ENOTFOUND)
	wantCode(t, f.svc.TagContact(f.ctx, f.owner, f.inst.ID, "nope", map[string]string{"a": "1"}), connectd.ENOTFOUND)
	wantCode(t, f.svc.UntagContact(f.ctx, f.owner, f.inst.ID, "nope", []string{"a"}), connectd.ENOTFOUND)
	// Another owner does not see the contact.
	c := f.contact()
	other := connectd.Owner{AccountID: "444455556666", Region: "us-east-1"}
	wantCode(t, f.svc.TagContact(f.ctx, other, f.inst.ID, c.ID, map[string]string{"a": "1"}), connectd.ENOTFOUND)
	wantCode(t, f.svc.UpdateContact(f.ctx, other, f.inst.ID, c.ID, u), connectd.ENOTFOUND)
}

func testDetailsTags(t *testing.T, f *fixture) {
	c := f.contact(func(c *connectd.Contact) { c.References = refs("a", "1") })
	tag := func(m map[string]string) {
		t.Helper()
		if err := f.svc.TagContact(f.ctx, f.owner, f.inst.ID, c.ID, m); err != nil {
			t.Fatalf("TagContact(%v): %v", m, err)
		}
	}
	tag(map[string]string{"a": "1", "b": "2"})
	tag(map[string]string{"b": "20", "c": ""})
	wantTags(t, "Tags", f.find(c.ID).Tags, map[string]string{"a": "1", "b": "20", "c": ""})
	if err := f.svc.UntagContact(f.ctx, f.owner, f.inst.ID, c.ID, []string{"a", "absent"}); err != nil {
		t.Fatalf("UntagContact: %v", err)
	}
	got := f.find(c.ID)
	wantTags(t, "Tags", got.Tags, map[string]string{"b": "20", "c": ""})
	wantRefs(t, "References", got.References, refs("a", "1"))
	if err := f.svc.UntagContact(f.ctx, f.owner, f.inst.ID, c.ID, []string{"b", "c"}); err != nil {
		t.Fatalf("UntagContact: %v", err)
	}
	wantTags(t, "Tags", f.find(c.ID).Tags, nil)
}

func testDetailsTagLimits(t *testing.T, f *fixture) {
	c := f.contact()
	six := map[string]string{"a": "1", "b": "2", "c": "3", "d": "4", "e": "5", "f": "6"}
	if err := f.svc.TagContact(f.ctx, f.owner, f.inst.ID, c.ID, six); err != nil {
		t.Fatalf("TagContact with 6 tags: %v", err)
	}
	wantCode(t, f.svc.TagContact(f.ctx, f.owner, f.inst.ID, c.ID, map[string]string{"g": "7"}), connectd.EINVALID)
	wantCode(t, f.svc.TagContact(f.ctx, f.owner, f.inst.ID, c.ID, map[string]string{"aws:x": "1"}), connectd.EINVALID)
	wantTags(t, "Tags", f.find(c.ID).Tags, six)
	// Replacing a tag is no new tag.
	if err := f.svc.TagContact(f.ctx, f.owner, f.inst.ID, c.ID, map[string]string{"a": "10"}); err != nil {
		t.Fatalf("TagContact replacing a tag: %v", err)
	}
}

// testDetailsExpire: when an expired contact's id is used again, the new
// contact does not inherit the old one's details.
func testDetailsExpire(t *testing.T, f *fixture) {
	c := f.contact(func(c *connectd.Contact) { c.References, c.Tags = refs("a", "1"), map[string]string{"t": "1"} })
	f.clock.Set(c.InitiationTimestamp.AddDate(0, connectd.RetentionMonths, 1))
	again := f.contact(func(n *connectd.Contact) { n.ID = c.ID })
	if got := f.find(again.ID); len(got.References) != 0 || len(got.Tags) != 0 {
		t.Fatalf("a new contact with an expired one's id has %v and %v", got.References, got.Tags)
	}
}

// testDetailsSnapshot: Export carries references and tags, and Import
// stores them (and applies their limits, naming the record).
func testDetailsSnapshot(t *testing.T, f *fixture) {
	admin := f.svc
	c := f.contact(func(c *connectd.Contact) { c.References, c.Tags = refs("a", "1"), map[string]string{"t": "1"} })
	plain := f.contact()
	snap, err := admin.Export(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := admin.Reset(f.ctx); err != nil {
		t.Fatal(err)
	}
	if err := admin.Import(f.ctx, snap); err != nil {
		t.Fatalf("Import of an export: %v", err)
	}
	got := f.find(c.ID)
	wantRefs(t, "References", got.References, refs("a", "1"))
	wantTags(t, "Tags", got.Tags, map[string]string{"t": "1"})
	if got := f.find(plain.ID); len(got.References) != 0 || len(got.Tags) != 0 {
		t.Fatalf("a contact without details got %v and %v", got.References, got.Tags)
	}
	bad := &connectd.Snapshot{Contacts: []*connectd.Contact{{InstanceID: f.inst.ID, ID: "imp-tags", InitialContactID: "imp-tags",
		Channel: connectd.ChannelTask, InitiationMethod: connectd.InitiationAPI, InitiationTimestamp: start,
		Tags: map[string]string{"a": "", "b": "", "c": "", "d": "", "e": "", "f": "", "g": ""}}}}
	wantCode(t, admin.Import(f.ctx, bad), connectd.EINVALID)
}

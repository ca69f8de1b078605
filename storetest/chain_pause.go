package storetest

import (
	"testing"
	"time"

	"github.com/connectd/connectd"
)

func testListAssociated(t *testing.T, f *fixture) {
	a := f.contact()
	f.clock.Advance(time.Second)
	b := f.contact(withPrevious(a.ID))
	f.clock.Advance(time.Second)
	c := f.contact(withPrevious(b.ID))
	other := f.contact()
	var got []string
	token := ""
	for i := 0; ; i++ {
		page, err := f.svc.ListAssociatedContacts(f.ctx, f.owner, f.inst.ID, c.ID, 2, token)
		if err != nil {
			t.Fatal(err)
		}
		for _, ct := range page.Contacts {
			got = append(got, ct.ID)
		}
		if token = page.NextToken; token == "" {
			break
		}
		if i > 3 {
			t.Fatal("paging does not end")
		}
	}
	if len(got) != 3 || got[0] != a.ID || got[1] != b.ID || got[2] != c.ID {
		t.Fatalf("chain of c = %v; want [%s %s %s] in initiation order", got, a.ID, b.ID, c.ID)
	}
	page, err := f.svc.ListAssociatedContacts(f.ctx, f.owner, f.inst.ID, other.ID, 0, "")
	if err != nil || len(page.Contacts) != 1 || page.NextToken != "" {
		t.Fatalf("a chain of one = %+v, %v", page, err)
	}
	_, err = f.svc.ListAssociatedContacts(f.ctx, f.owner, f.inst.ID, a.ID, 2, "bm90LWEtdG9rZW4")
	wantCode(t, err, connectd.EINVALID)
	_, err = f.svc.ListAssociatedContacts(f.ctx, f.owner, f.inst.ID, "missing", 2, "")
	wantCode(t, err, connectd.ENOTFOUND)
}

func testPauseResume(t *testing.T, f *fixture) {
	task := f.contact()
	if err := f.svc.PauseContact(f.ctx, f.owner, f.inst.ID, task.ID); err != nil {
		t.Fatal(err)
	}
	pausedAt := f.clock.Now()
	wantCode(t, f.svc.PauseContact(f.ctx, f.owner, f.inst.ID, task.ID), connectd.ECONFLICT)
	if st := f.find(task.ID).State; st == nil || !st.Paused || st.PauseCount != 1 || !st.LastPausedAt.Equal(pausedAt) {
		t.Fatalf("state after pause = %+v", st)
	}
	f.clock.Advance(90 * time.Second)
	if err := f.svc.ResumeContact(f.ctx, f.owner, f.inst.ID, task.ID); err != nil {
		t.Fatal(err)
	}
	wantCode(t, f.svc.ResumeContact(f.ctx, f.owner, f.inst.ID, task.ID), connectd.ECONFLICT)
	st := f.find(task.ID).State
	if st == nil || st.Paused || st.PauseCount != 1 || st.PausedFor != 90*time.Second {
		t.Fatalf("state after resume = %+v", st)
	}
	// Export and import keep it.
	f.exportResetImport()
	if got := f.find(task.ID).State; got == nil || got.PausedFor != 90*time.Second || got.PauseCount != 1 {
		t.Fatalf("state after export and import = %+v", got)
	}
	voice := f.contact(func(c *connectd.Contact) { c.Channel = connectd.ChannelVoice })
	wantCode(t, f.svc.PauseContact(f.ctx, f.owner, f.inst.ID, voice.ID), connectd.EINVALIDREQUEST)
	email := f.contact(func(c *connectd.Contact) { c.Channel = connectd.ChannelEmail })
	if err := f.svc.PauseContact(f.ctx, f.owner, f.inst.ID, email.ID); err != nil {
		t.Fatalf("pause an email: %v", err)
	}
	if err := f.svc.StopContact(f.ctx, f.owner, f.inst.ID, task.ID); err != nil {
		t.Fatal(err)
	}
	wantCode(t, f.svc.PauseContact(f.ctx, f.owner, f.inst.ID, task.ID), connectd.ECONFLICT)
	wantCode(t, f.svc.PauseContact(f.ctx, f.owner, f.inst.ID, "missing"), connectd.ENOTFOUND)
}

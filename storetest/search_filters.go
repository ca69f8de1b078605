package storetest

import (
	"strings"
	"testing"
	"time"

	"github.com/connectd/connectd"
)

func at(t time.Time) func(*connectd.Contact) {
	return func(c *connectd.Contact) { c.InitiationTimestamp = t }
}

func testSearchFilters(t *testing.T, f *fixture) {
	voice := f.contact(func(c *connectd.Contact) {
		c.Channel, c.InitiationMethod, c.QueueID, c.Name = connectd.ChannelVoice, connectd.InitiationInbound, "q1", "Billing call"
	})
	chat := f.contact(func(c *connectd.Contact) {
		c.Channel, c.InitiationMethod, c.QueueID, c.Name = connectd.ChannelChat, connectd.InitiationAPI, "q2", "billing chat"
	})
	task := f.contact(func(c *connectd.Contact) { c.Name = "Refund task" })
	f.wantIDs("no criteria", f.query(), voice.ID, chat.ID, task.ID)
	f.wantIDs("channels", f.query(func(q *connectd.SearchQuery) {
		q.Channels = []connectd.Channel{connectd.ChannelVoice, connectd.ChannelTask}
	}), voice.ID, task.ID)
	f.wantIDs("initiation methods", f.query(func(q *connectd.SearchQuery) {
		q.InitiationMethods = []connectd.InitiationMethod{connectd.InitiationAPI}
	}), chat.ID, task.ID)
	f.wantIDs("queues", f.query(func(q *connectd.SearchQuery) { q.QueueIDs = []string{"q2", "q9"} }), chat.ID)
	f.wantIDs("agents: connectd has none", f.query(func(q *connectd.SearchQuery) { q.AgentIDs = []string{"agent-1"} }))
	name := func(m connectd.MatchType, texts ...string) func(*connectd.SearchQuery) {
		return func(q *connectd.SearchQuery) { q.Name = &connectd.NameCriteria{Texts: texts, Match: m} }
	}
	f.wantIDs("name ANY, case-insensitive", f.query(name(connectd.MatchAny, "BILLING", "refund")), voice.ID, chat.ID, task.ID)
	f.wantIDs("name ALL", f.query(name(connectd.MatchAll, "billing", "call")), voice.ID)
	f.wantIDs("name NONE", f.query(name(connectd.MatchNone, "call", "task")), chat.ID)
	f.wantIDs("name EXACT", f.query(name(connectd.MatchExact, "refund TASK", "billing")), task.ID)
	f.wantIDs("criteria combine with AND", f.query(name(connectd.MatchAny, "billing"), func(q *connectd.SearchQuery) {
		q.Channels = []connectd.Channel{connectd.ChannelChat}
	}), chat.ID)
}

func testSearchTimeRanges(t *testing.T, f *fixture) {
	early := f.contact(at(start), func(c *connectd.Contact) { c.ScheduledTimestamp = start.Add(48 * time.Hour) })
	late := f.contact(at(start.Add(2 * time.Hour)))
	f.clock.Set(start.Add(3 * time.Hour))
	if err := f.svc.StopContact(f.ctx, f.owner, f.inst.ID, early.ID); err != nil {
		t.Fatal(err)
	}
	rng := func(typ connectd.TimeRangeType, from, to time.Time) *connectd.SearchQuery {
		return f.query(func(q *connectd.SearchQuery) { q.TimeRange, q.Start, q.End = typ, from, to })
	}
	f.wantIDs("initiation, bounds inclusive", rng(connectd.TimeInitiation, start, start.Add(2*time.Hour)), early.ID, late.ID)
	f.wantIDs("initiation, first hour", rng(connectd.TimeInitiation, start, start.Add(time.Hour)), early.ID)
	f.wantIDs("initiation, just after", rng(connectd.TimeInitiation, start.Add(time.Millisecond), start.Add(time.Hour)))
	f.wantIDs("scheduled", rng(connectd.TimeScheduled, start.Add(47*time.Hour), start.Add(49*time.Hour)), early.ID)
	f.wantIDs("disconnect", rng(connectd.TimeDisconnect, start.Add(3*time.Hour), start.Add(4*time.Hour)), early.ID)
	all := []time.Time{start.AddDate(-1, 0, 0), start.AddDate(1, 0, 0)}
	f.wantIDs("connected to agent: never set", rng(connectd.TimeConnectedToAgent, all[0], all[1]))
	f.wantIDs("enqueue: never set", rng(connectd.TimeEnqueue, all[0], all[1]))
}

func testSearchableKeys(t *testing.T, f *fixture) {
	c := f.contact(withAttrs(connectd.Attributes{"tier": "gold", "secret": "x"}))
	if keys, err := f.svc.SearchableKeys(f.ctx, f.inst.ID); err != nil || keys != nil {
		t.Fatalf("SearchableKeys by default = %v, %v; want nil (every key)", keys, err)
	}
	if err := f.svc.SetSearchableKeys(f.ctx, f.inst.ID, []string{"tier", "case"}); err != nil {
		t.Fatal(err)
	}
	if keys, err := f.svc.SearchableKeys(f.ctx, f.inst.ID); err != nil || strings.Join(keys, ",") != "tier,case" {
		t.Fatalf("SearchableKeys = %v, %v", keys, err)
	}
	f.wantIDs("searchable key", f.query(attrCriteria(connectd.MatchAll, "tier", "gold")), c.ID)
	_, err := f.svc.SearchContacts(f.ctx, f.owner, f.query(attrCriteria(connectd.MatchAny, "tier", "gold", "secret", "x")))
	wantCode(t, err, connectd.EINVALID)
	if !strings.Contains(connectd.ErrorMessage(err), `"secret"`) {
		t.Fatalf("message %q does not name the key", connectd.ErrorMessage(err))
	}
	if err := f.svc.SetSearchableKeys(f.ctx, f.inst.ID, nil); err != nil {
		t.Fatal(err)
	}
	f.wantIDs("every key again", f.query(attrCriteria(connectd.MatchAll, "secret", "x")), c.ID)
	wantCode(t, f.svc.SetSearchableKeys(f.ctx, "no-such-instance", []string{"a"}), connectd.ENOTFOUND)
	_, err = f.svc.SearchableKeys(f.ctx, "no-such-instance")
	wantCode(t, err, connectd.ENOTFOUND)
}

func testSearchUnknownInstance(t *testing.T, f *fixture) {
	f.contact()
	_, err := f.svc.SearchContacts(f.ctx, f.owner, f.query(func(q *connectd.SearchQuery) { q.InstanceID = "no-such-instance" }))
	wantCode(t, err, connectd.ENOTFOUND)
	other := connectd.Owner{AccountID: "999988887777", Region: "us-east-1"}
	_, err = f.svc.SearchContacts(f.ctx, other, f.query())
	wantCode(t, err, connectd.ENOTFOUND)
}

func testSearchLongValues(t *testing.T, f *fixture) {
	long := strings.Repeat("v", connectd.SearchIndexMaxLength+1)
	short := strings.Repeat("é", connectd.SearchIndexMaxLength) // 100 characters, 200 bytes
	c := f.contact(withAttrs(connectd.Attributes{"long": long, "short": short}))
	f.wantIDs("a value of 100 characters", f.query(attrCriteria(connectd.MatchAll, "short", short)), c.ID)
	f.wantIDs("a longer value is not indexed", f.query(attrCriteria(connectd.MatchAll, "long", long)))
	f.update(c.ID, connectd.Attributes{"short": long})
	f.wantIDs("a value that grew past the limit", f.query(attrCriteria(connectd.MatchAll, "short", short)))
}

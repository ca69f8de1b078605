package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/api"
	"github.com/connectd/connectd/sqlite"
)

// The fuzz targets drive the real handler in memory: ServeHTTP on a
// recorder, no network, one server per test process (the fuzzing engine
// calls the fuzz function many times in each worker process).
//
// Bodies may name the fixture's instance and contact through placeholders,
// so that the fuzzer gets past "instance not found" into the store:
// $INST and $CONTACT are replaced before the body is sent.

// fuzzFixture is a server on an in-memory SQLite store with one instance and
// one task contact whose map starts every iteration as fuzzBase.
type fuzzFixture struct {
	mu      sync.Mutex // the engine runs a process's inputs one at a time, but ordinary tests may not
	srv     *api.Server
	svc     *connectd.Service
	inst    string
	contact string
	created int // task contacts created since the last reset
}

// fuzzBase is the map the fixture contact holds at the start of every
// iteration, so that an input's outcome does not depend on earlier inputs:
// 8 bytes against the limit, which the size seeds allow for.
var fuzzBase = map[string]string{"base": "seed"}

var (
	fixtureOnce sync.Once
	fixture     *fuzzFixture
)

// getFixture returns the process's fixture, made on first use. It is never
// closed: the process exits when the fuzz run or test binary does.
func getFixture(tb testing.TB) *fuzzFixture {
	tb.Helper()
	fixtureOnce.Do(func() {
		ctx := context.Background()
		clock := connectd.NewManualClock(start)
		log := slog.New(slog.DiscardHandler)
		store, err := sqlite.Open(ctx, ":memory:", clock, log)
		if err != nil {
			tb.Fatalf("open store: %v", err)
		}
		svc := connectd.NewService(store, clock)
		fixture = &fuzzFixture{svc: svc, srv: api.New(api.Config{
			Service: svc, Clock: clock, Logger: log, Region: "us-east-1", Version: "fuzz", StoreName: "sqlite", Ping: store.Ping,
		})}
		fixture.setUp(tb)
	})
	if fixture == nil || fixture.contact == "" {
		tb.Fatal("fuzz fixture was not set up")
	}
	return fixture
}

// setUp creates the instance and the contact, in a store that has neither.
func (fx *fuzzFixture) setUp(tb testing.TB) {
	tb.Helper()
	code, _, body := fx.do(http.MethodPut, "/instance", []byte(`{"IdentityManagementType":"CONNECT_MANAGED","InstanceAlias":"fuzz","InboundCallsEnabled":true,"OutboundCallsEnabled":true}`))
	var inst struct{ Id string }
	if code != http.StatusOK || json.Unmarshal(body, &inst) != nil || inst.Id == "" {
		tb.Fatalf("CreateInstance: %d %s", code, body)
	}
	fx.inst = inst.Id
	req, _ := json.Marshal(map[string]any{"InstanceId": fx.inst, "Name": "fuzz", "ContactFlowId": "flow", "Attributes": fuzzBase})
	code, _, body = fx.do(http.MethodPut, "/contact/task", req)
	var task struct{ ContactId string }
	if code != http.StatusOK || json.Unmarshal(body, &task) != nil || task.ContactId == "" {
		tb.Fatalf("StartTaskContact: %d %s", code, body)
	}
	fx.contact = task.ContactId
	fx.created = 0
}

// do sends one request through ServeHTTP.
func (fx *fuzzFixture) do(method, path string, body []byte) (int, http.Header, []byte) {
	r := httptest.NewRequest(method, path, bytes.NewReader(body))
	if len(body) > 0 {
		r.Header.Set("Content-Type", "application/json")
	}
	w := httptest.NewRecorder()
	fx.srv.ServeHTTP(w, r)
	return w.Code, w.Result().Header, w.Body.Bytes()
}

// fill replaces the placeholders in a fuzzed body.
func (fx *fuzzFixture) fill(body []byte) []byte {
	body = bytes.ReplaceAll(body, []byte("$INST"), []byte(fx.inst))
	return bytes.ReplaceAll(body, []byte("$CONTACT"), []byte(fx.contact))
}

// attributes returns the fixture contact's map through GetContactAttributes.
func (fx *fuzzFixture) attributes(t *testing.T) map[string]string {
	t.Helper()
	code, h, body := fx.do(http.MethodGet, "/contact/attributes/"+fx.inst+"/"+fx.contact, nil)
	checkResponse(t, "GetContactAttributes", code, h, body)
	var out struct{ Attributes map[string]string }
	if code != http.StatusOK || json.Unmarshal(body, &out) != nil || out.Attributes == nil {
		t.Fatalf("GetContactAttributes: %d %s", code, body)
	}
	return out.Attributes
}

// resetAttributes puts the fixture contact's map back to fuzzBase.
func (fx *fuzzFixture) resetAttributes(t *testing.T) {
	t.Helper()
	cur := fx.attributes(t)
	if maps.Equal(cur, fuzzBase) {
		return
	}
	update := map[string]string{}
	for k := range cur {
		update[k] = "" // an empty value removes the key
	}
	maps.Copy(update, fuzzBase)
	req, _ := json.Marshal(map[string]any{"InstanceId": fx.inst, "InitialContactId": fx.contact, "Attributes": update})
	if code, _, body := fx.do(http.MethodPost, "/contact/attributes", req); code != http.StatusOK {
		t.Fatalf("reset attributes: %d %s", code, body)
	}
	if got := fx.attributes(t); !maps.Equal(got, fuzzBase) {
		t.Fatalf("reset attributes left %q", got)
	}
}

// checkResponse asserts what every response must have, whatever the input:
// never a 500 (a client's input must not cause InternalServiceException),
// JSON with a request id, and for an error the exception header and a JSON
// body with a Message.
func checkResponse(t *testing.T, op string, code int, h http.Header, body []byte) {
	t.Helper()
	if code >= 500 {
		t.Fatalf("%s: status %d (%s): %s", op, code, h.Get("X-Amzn-ErrorType"), body)
	}
	if ct := h.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("%s: Content-Type %q", op, ct)
	}
	if h.Get("x-amzn-RequestId") == "" {
		t.Fatalf("%s: no x-amzn-RequestId", op)
	}
	if !json.Valid(body) {
		t.Fatalf("%s: status %d with a body that is not JSON: %q", op, code, body)
	}
	if code == http.StatusOK {
		return
	}
	if h.Get("X-Amzn-ErrorType") == "" {
		t.Fatalf("%s: status %d without X-Amzn-ErrorType: %s", op, code, body)
	}
	var e struct{ Message *string }
	if err := json.Unmarshal(body, &e); err != nil || e.Message == nil || *e.Message == "" {
		t.Fatalf("%s: status %d error body without a Message: %s", op, code, body)
	}
	// The message is for the client: it speaks of the model's members,
	// never of connectd's Go types or encoding/json's internals.
	for _, leak := range []string{"startCommon", "struct {", "json: ", "map[string]", "*string", "main."} {
		if strings.Contains(*e.Message, leak) {
			t.Fatalf("%s: message %q leaks %q", op, *e.Message, leak)
		}
	}
}

// keyPattern is the documented attribute key rule.
var keyPattern = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// checkMap asserts the domain's invariants on a stored attribute map.
func checkMap(t *testing.T, what string, m map[string]string) {
	t.Helper()
	size := 0
	for k, v := range m {
		if !keyPattern.MatchString(k) {
			t.Fatalf("%s: stored key %q breaks the key rule", what, k)
		}
		size += len(k) + len(v)
	}
	if size > connectd.MaxAttributesBytes {
		t.Fatalf("%s: stored map holds %d bytes, over %d", what, size, connectd.MaxAttributesBytes)
	}
}

// acceptable says whether UpdateContactAttributes must accept update onto
// current, by the model's lengths (in characters) and the domain's rules,
// written out here independently of the code under test.
func acceptable(current, update map[string]string) (bool, string) {
	merged := maps.Clone(current)
	for k, v := range update {
		switch {
		case k == "" || utf8.RuneCountInString(k) > 32767:
			return false, "key length"
		case utf8.RuneCountInString(v) > 32767:
			return false, "value length"
		case !keyPattern.MatchString(k):
			return false, "bad key " + strconv.Quote(k)
		case v == "":
			delete(merged, k)
		default:
			merged[k] = v
		}
	}
	size := 0
	for k, v := range merged {
		size += len([]byte(k)) + len([]byte(v))
	}
	if size > connectd.MaxAttributesBytes {
		return false, fmt.Sprintf("%d bytes", size)
	}
	return true, fmt.Sprintf("%d bytes", size)
}

// fuzzPairs builds an attribute map from fuzz input: pairs separated by the
// ASCII record separator, key from value by the unit separator.
func fuzzPairs(s string) map[string]string {
	m := map[string]string{}
	if s == "" {
		return m
	}
	for _, pair := range strings.Split(s, "\x1e") {
		k, v, _ := strings.Cut(pair, "\x1f")
		m[k] = v
	}
	return m
}

// FuzzUpdateContactAttributes sends UpdateContactAttributes either a raw
// body (placeholders filled in) or, when raw is empty, a well-formed body
// whose Attributes map is built from pairs plus one padding pair (padRune
// repeated padCount times, to reach the size limit from small inputs).
func FuzzUpdateContactAttributes(f *testing.F) {
	f.Add([]byte(`{"InstanceId":"$INST","InitialContactId":"$CONTACT","Attributes":{"a":"1"}}`), "", "", 'x', uint16(0))
	f.Add([]byte(`{"InstanceId":"$INST","InitialContactId":"$CONTACT","Attributes":{"base":"","a":"b"}}`), "", "", 'x', uint16(0))
	f.Add([]byte(`{"InstanceId":"$INST","InitialContactId":"$CONTACT","Attributes":null}`), "", "", 'x', uint16(0))
	f.Add([]byte(`{"InstanceId":"$INST","InitialContactId":"$CONTACT","Attributes":{"a":1}}`), "", "", 'x', uint16(0))
	f.Add([]byte(`{"InstanceId":"$INST","InitialContactId":"$CONTACT","Attributes":{"a":null}}`), "", "", 'x', uint16(0))
	f.Add([]byte(`{"InstanceId":"$INST","InitialContactId":"$CONTACT","Attributes":{"bad key":"v"}}`), "", "", 'x', uint16(0))
	f.Add([]byte(`{"InstanceId":"$INST","InitialContactId":"$CONTACT","Attributes":{"\u00fc":"v","a":"\u0000"}}`), "", "", 'x', uint16(0))
	f.Add([]byte(`{"InstanceId":"$INST","InitialContactId":"nope","Attributes":{"a":"1"}}`), "", "", 'x', uint16(0))
	f.Add([]byte(`{"InstanceId":1e999,"InitialContactId":[],"Attributes":[[[[[[[[[[]]]]]]]]]]}`), "", "", 'x', uint16(0))
	f.Add([]byte(`{"instanceid":"$INST","initialcontactid":"$CONTACT","attributes":{"a":"1"}} x`), "", "", 'x', uint16(0))
	f.Add([]byte(nil), "a\x1f1\x1eb\x1f2", "", 'x', uint16(0))
	// With the base's 8 bytes: 8 + "k" + 16,378 "é" (2 bytes each) is
	// 32,765; a pair of 3 bytes makes exactly 32,768, one of 4 is over.
	f.Add([]byte(nil), "yy\x1fz", "k", 'é', uint16(16378))
	f.Add([]byte(nil), "yy\x1fzz", "k", 'é', uint16(16378))
	f.Add([]byte(nil), "base\x1f", "k", 'é', uint16(16383))
	f.Add([]byte(nil), "bad.key\x1fv", "", 'x', uint16(0))
	f.Add([]byte(nil), "\x1fv", "", 'x', uint16(0))
	f.Fuzz(func(t *testing.T, raw []byte, pairs, padKey string, padRune rune, padCount uint16) {
		fx := getFixture(t)
		fx.mu.Lock()
		defer fx.mu.Unlock()
		fx.resetAttributes(t)
		before := fx.attributes(t)

		body := fx.fill(raw)
		if len(raw) == 0 {
			m := fuzzPairs(pairs)
			if padCount > 0 {
				m[padKey] = strings.Repeat(string(padRune), int(padCount))
			}
			body, _ = json.Marshal(map[string]any{"InstanceId": fx.inst, "InitialContactId": fx.contact, "Attributes": m})
		}
		code, h, resp := fx.do(http.MethodPost, "/contact/attributes", body)
		checkResponse(t, "UpdateContactAttributes", code, h, resp)

		after := fx.attributes(t)
		checkMap(t, "UpdateContactAttributes", after)
		if len(raw) == 0 {
			// A well-formed request for the fixture's contact: the outcome
			// is known, so an over-strict server fails here too.
			var in struct{ Attributes map[string]string }
			if err := json.Unmarshal(body, &in); err != nil {
				t.Fatal(err)
			}
			if ok, why := acceptable(before, in.Attributes); ok != (code == http.StatusOK) {
				t.Fatalf("update %q onto %q: got %d %s; reference: accept=%v %s", in.Attributes, before, code, resp, ok, why)
			}
		}
		if code != http.StatusOK {
			// A rejected update changes nothing.
			if !maps.Equal(before, after) {
				t.Fatalf("rejected update (%d %s) changed the map from %q to %q", code, resp, before, after)
			}
			return
		}
		// An accepted update is exactly the merge of what was sent, read
		// the way any JSON client would read the body.
		var in struct {
			InstanceId       *string
			InitialContactId *string
			Attributes       map[string]string
		}
		if err := json.Unmarshal(body, &in); err != nil {
			t.Fatalf("accepted a body encoding/json rejects (%v): %q", err, body)
		}
		if in.Attributes == nil {
			t.Fatalf("accepted an update without Attributes: %q", body)
		}
		if deref(in.InstanceId) != fx.inst || deref(in.InitialContactId) != fx.contact {
			// Another contact was updated; the fixture's must be untouched.
			if !maps.Equal(before, after) {
				t.Fatalf("update of another contact changed the fixture's map")
			}
			return
		}
		want := maps.Clone(before)
		for k, v := range in.Attributes {
			if v == "" {
				delete(want, k)
			} else {
				want[k] = v
			}
		}
		if !maps.Equal(want, after) {
			t.Fatalf("after update %q the map is %q, want %q", in.Attributes, after, want)
		}
	})
}

// FuzzStartTaskContact sends StartTaskContact arbitrary bodies. An accepted
// one must yield a contact DescribeContact finds, carrying what was sent.
func FuzzStartTaskContact(f *testing.F) {
	const now = "1795428000" // start, in epoch seconds
	for _, s := range []string{
		`{"InstanceId":"$INST","Name":"t","ContactFlowId":"f"}`,
		`{"InstanceId":"$INST","Name":"t","ContactFlowId":"f","Attributes":{"a":"1","b":"\u00e9"},"Description":"d"}`,
		`{"InstanceId":"$INST","Name":"t","TaskTemplateId":"tt","ScheduledTime":` + now + `.5}`,
		`{"InstanceId":"$INST","Name":"t","QuickConnectId":"q","ScheduledTime":1e300}`,
		`{"InstanceId":"$INST","Name":"t","ContactFlowId":"f","ScheduledTime":-9223372036854775809}`,
		`{"InstanceId":"$INST","Name":"t","ContactFlowId":"f","ScheduledTime":"` + now + `"}`,
		`{"InstanceId":"$INST","Name":"t","ContactFlowId":"f","PreviousContactId":"$CONTACT","Attributes":{"p":"q"}}`,
		`{"InstanceId":"$INST","Name":"t","ContactFlowId":"f","RelatedContactId":"$CONTACT"}`,
		`{"InstanceId":"$INST","Name":"t","ContactFlowId":"f","ClientToken":"tok"}`,
		`{"InstanceId":"$INST","Name":"t","ContactFlowId":"f","Attributes":{"bad key":"v"}}`,
		`{"InstanceId":"$INST","Name":"t","ContactFlowId":"f","Attributes":{"a":null,"b":1}}`,
		`{"InstanceId":"$INST","Name":"\u0000","ContactFlowId":"f","Attachments":[{"FileName":"a\u0001","S3Url":"s"}]}`,
		`{"InstanceId":"$INST","Name":"t","ContactFlowId":"f","References":{"r":{"Type":"URL","Value":"v","Arn":"arn:aws:x:y:z:abcdefgh"}}}`,
		`{"InstanceId":"$INST","Name":"t","ContactFlowId":"f","SegmentAttributes":{"k":{"ValueMap":{"k":{"ValueList":[{"ValueInteger":99999999999999999999}]}}}}}`,
		`{"InstanceId":"$INST","Name":"t","ContactFlowId":"f","QuickConnectId":"q"}`,
		`{"InstanceId":"","Name":"t","ContactFlowId":"f"}`,
		`{"InstanceId":"$INST"} {}`,
		`[]`,
		``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		fx := getFixture(t)
		fx.mu.Lock()
		defer fx.mu.Unlock()
		body := fx.fill(raw)
		code, h, resp := fx.do(http.MethodPut, "/contact/task", body)
		checkResponse(t, "StartTaskContact", code, h, resp)
		if code != http.StatusOK {
			return
		}
		var out struct{ ContactId string }
		if err := json.Unmarshal(resp, &out); err != nil || out.ContactId == "" {
			t.Fatalf("StartTaskContact 200 without a ContactId: %s", resp)
		}
		var in struct {
			InstanceId        *string
			Name              *string
			Description       *string
			ClientToken       *string
			PreviousContactId *string
			RelatedContactId  *string
			Attributes        map[string]string
		}
		if err := json.Unmarshal(body, &in); err != nil {
			t.Fatalf("accepted a body encoding/json rejects (%v): %q", err, body)
		}
		if in.InstanceId == nil || in.Name == nil {
			t.Fatalf("accepted a task without InstanceId or Name: %q", body)
		}
		code, h, resp = fx.do(http.MethodGet, "/contacts/"+*in.InstanceId+"/"+out.ContactId, nil)
		checkResponse(t, "DescribeContact", code, h, resp)
		var d struct {
			Contact struct {
				Id          string
				Channel     string
				Name        string
				Description string
				Attributes  map[string]string
			}
		}
		if code != http.StatusOK || json.Unmarshal(resp, &d) != nil || d.Contact.Id != out.ContactId {
			t.Fatalf("DescribeContact of new task %s: %d %s", out.ContactId, code, resp)
		}
		checkMap(t, "StartTaskContact", d.Contact.Attributes)
		// A reused ClientToken returns the earlier contact as it was
		// started, so the comparison holds only for a new one.
		if in.ClientToken == nil {
			if d.Contact.Channel != "TASK" || d.Contact.Name != *in.Name || d.Contact.Description != deref(in.Description) {
				t.Fatalf("DescribeContact = %+v for %q", d.Contact, body)
			}
			// A chain (previous or related contact) starts from another
			// map; a contact of its own holds exactly what was sent,
			// empty values dropped.
			if in.PreviousContactId == nil && in.RelatedContactId == nil {
				want := map[string]string{}
				for k, v := range in.Attributes {
					if v != "" {
						want[k] = v
					}
				}
				if !maps.Equal(want, d.Contact.Attributes) {
					t.Fatalf("new task holds %q, sent %q", d.Contact.Attributes, in.Attributes)
				}
			}
		}
		// Keep the in-memory store small over a long run: every contact
		// may hold 32 KiB of attributes.
		fx.created++
		if fx.created >= 2000 {
			fx.restart(t)
		}
	})
}

// restart empties the store and sets the fixture up again.
func (fx *fuzzFixture) restart(t *testing.T) {
	t.Helper()
	if err := fx.svc.Reset(context.Background()); err != nil {
		t.Fatalf("reset store: %v", err)
	}
	fx.setUp(t)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

package api

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/connectd/connectd"
)

// checkJSON checks body against shape with the generated tables.
func checkJSON(t *testing.T, m *wireModel, shape, body string) error {
	t.Helper()
	tree := map[string]any{}
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&tree); err != nil {
		t.Fatalf("bad test body %s: %v", body, err)
	}
	k := checker{m: m}
	k.input(shape, tree)
	return k.err
}

func TestCheckerAgainstTheModel(t *testing.T) {
	m := newWireModel()
	const task = `"InstanceId":"i","Name":"t","ContactFlowId":"f"`
	long := strings.Repeat("x", 101)
	for _, tc := range []struct {
		name, shape, body string
		want              string // part of the message; "" for no violation
	}{
		{"valid task", "StartTaskContactRequest", `{` + task + `}`, ""},
		{"required", "StartTaskContactRequest", `{"Name":"t"}`, "Member InstanceId is required."},
		{"null is unset", "UpdateContactAttributesRequest", `{"InstanceId":"i","InitialContactId":"c","Attributes":null}`, "Member Attributes is required."},
		{"empty", "StartTaskContactRequest", `{"InstanceId":"",` + task[17:] + `}`, "Member InstanceId must not be empty."},
		{"max length", "StartTaskContactRequest", `{"InstanceId":"` + long + `",` + task[17:] + `}`, "Member InstanceId must be at most 100 characters long; it has 101."},
		{"length in code points", "StartTaskContactRequest", `{` + task + `,"Name":"` + strings.Repeat("é", 512) + `"}`, ""},
		{"list count", "StartTaskContactRequest", `{` + task + `,"Attachments":[]}`, "Member Attachments must have between 1 and 5 items; it has 0."},
		{"nested required", "StartTaskContactRequest", `{` + task + `,"Attachments":[{"FileName":"a"}]}`, "Member Attachments[0].S3Url is required."},
		{"nested pattern", "StartTaskContactRequest", `{` + task + `,"Attachments":[{"FileName":"a\u0007","S3Url":"u"}]}`, `Member Attachments[0].FileName must satisfy the pattern ^\P{C}*$`},
		{"map key length", "StartTaskContactRequest", `{` + task + `,"Attributes":{"":"v"}}`, "Member Attributes key must not be empty."},
		{"map value enum", "StartTaskContactRequest", `{` + task + `,"References":{"r":{"Type":"FAX","Value":"v"}}}`, "Member References[r].Type must be one of URL, ATTACHMENT"},
		{"deep nesting", "StartTaskContactRequest", `{` + task + `,"SegmentAttributes":{"a":{"ValueList":[{"ValueMap":{"b":{"ValueString":"` + strings.Repeat("s", 1025) + `"}}}]}}}`,
			"Member SegmentAttributes[a].ValueList[0].ValueMap[b].ValueString must be at most 1024 characters long"},
		{"integer range", "StartChatContactRequest", `{"InstanceId":"i","ContactFlowId":"f","ParticipantDetails":{"DisplayName":"d"},"ChatDurationInMinutes":59}`,
			"Member ChatDurationInMinutes must be between 60 and 10080; got 59."},
		{"look-ahead", "TagContactRequest", `{"InstanceId":"i","ContactId":"c","Tags":{"aws:x":"v"}}`, "Member Tags key must satisfy the pattern ^(?!aws:)"},
		{"map count", "TagContactRequest", `{"InstanceId":"i","ContactId":"c","Tags":{"a":"1","b":"2","c":"3","d":"4","e":"5","f":"6","g":"7"}}`,
			"Member Tags must have between 1 and 6 entries; it has 7."},
		{"bound member by wire name", "ListInstancesRequest", `{"MaxResults":11}`, "Member maxResults must be between 1 and 10; got 11."},
		{"wrong type", "StartTaskContactRequest", `{` + task + `,"Attributes":{"a":1}}`, "Member Attributes[a] must be of type string, not JSON number."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := checkJSON(t, m, tc.shape, tc.body)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("unexpected violation: %v", err)
			case tc.want == "":
			case err == nil:
				t.Fatalf("no violation, want %q", tc.want)
			case !strings.Contains(err.Error(), tc.want):
				t.Fatalf("got %q, want %q", err, tc.want)
			}
		})
	}
	// Of several bad entries of a map, the first in key order is reported,
	// every time (the check runs unsorted, then again sorted on a failure).
	for range 20 {
		err := checkJSON(t, m, "StartTaskContactRequest", `{`+task+`,"Attributes":{"z":1,"m":"ok","b":2,"q":3,"d":"ok"}}`)
		if err == nil || !strings.Contains(err.Error(), "Member Attributes[b] must be of type string") {
			t.Fatalf("several bad entries: got %v, want Attributes[b]", err)
		}
	}
	// Constraint errors are the domain's EINVALID; type errors are a
	// SerializationException.
	if err := checkJSON(t, m, "StartTaskContactRequest", `{"Name":"t"}`); connectd.ErrorCode(err) != connectd.EINVALID {
		t.Fatalf("code %s", connectd.ErrorCode(err))
	}
	var we *wireError
	if err := checkJSON(t, m, "StartTaskContactRequest", `{"InstanceId":"i","ContactFlowId":"f","Name":1}`); !asWire(err, &we) || we.exc != excSerialization {
		t.Fatalf("type error: %v", err)
	}
}

func asWire(err error, we **wireError) bool {
	w, ok := err.(*wireError)
	*we = w
	return ok
}

// TestEveryShapeReferenceResolves guards the generated tables: every shape
// a table names exists, and every pattern compiles.
func TestEveryShapeReferenceResolves(t *testing.T) {
	m := newWireModel()
	for _, o := range m.ops {
		if m.shapes[o.Input] == nil {
			t.Errorf("%s: input %s missing", o.Name, o.Input)
		}
		for _, e := range o.Errors {
			if m.exceptions[e] == 0 {
				t.Errorf("%s: error %s has no status", o.Name, e)
			}
		}
	}
	for _, s := range m.shapes {
		for _, ref := range []string{s.Member, s.Key, s.Value} {
			if ref != "" && m.shapes[ref] == nil {
				t.Errorf("%s refers to %s", s.Name, ref)
			}
		}
		for _, mb := range s.Members {
			if m.shapes[mb.Shape] == nil {
				t.Errorf("%s.%s refers to %s", s.Name, mb.Name, mb.Shape)
			}
		}
		for _, re := range append(append([]string{s.RE2}, s.Not...), s.Must...) {
			if re != "" {
				m.regexp(re) // panics if it does not compile
			}
		}
	}
}

// TestCheckerVisitsEachValueOnce: the check's work is linear in the input,
// also when a violation sits at the bottom of maps nested in maps (the
// model's SegmentAttributeValue.ValueMap): a check that went over a failing
// map twice doubled its work with each level (review finding: 514 bytes
// took 99 s). The violation is still the first in key order.
func TestCheckerVisitsEachValueOnce(t *testing.T) {
	m := newWireModel()
	const depth = 30
	body := `{"InstanceId":"i","Name":"t","ContactFlowId":"f","SegmentAttributes":{"b":{"ValueString":"ok"},"a":` +
		strings.Repeat(`{"ValueMap":{"z":{"ValueString":"ok"},"a":`, depth) + `{"ValueInteger":"x"}` + strings.Repeat(`}}`, depth) + `}}`
	tree := map[string]any{}
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&tree); err != nil {
		t.Fatal(err)
	}
	k := checker{m: m}
	k.input("StartTaskContactRequest", tree)
	// Each level holds a map, its two entries' keys and values, and the
	// ok entry's string; a handful of values more at the top.
	if limit := 8*depth + 20; k.visits > limit {
		t.Errorf("checked %d values for %d levels, want at most %d", k.visits, depth, limit)
	}
	want := "Member SegmentAttributes[a]" + strings.Repeat(".ValueMap[a]", depth) + ".ValueInteger must be of type integer"
	if k.err == nil || !strings.Contains(k.err.Error(), want) {
		t.Errorf("got %v, want %q", k.err, want)
	}
}

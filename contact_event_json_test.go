package connectd

import (
	"encoding/json"
	"testing"
	"testing/quick"
	"time"
)

// TestEventJSONIsMarshals: AppendJSON writes every shape of event byte for
// byte as encoding/json's Marshal, which is what the outbox stored before
// it and what every consumer has parsed: optional fields present and
// absent, a nil InitiationTimestamp (null), tags sorted, and strings that
// need escaping.
func TestEventJSONIsMarshals(t *testing.T) {
	owner := Owner{AccountID: "111122223333", Region: "us-east-1"}
	at := time.Date(2026, 3, 1, 12, 0, 0, 123456789, time.UTC)
	full := benchContact()
	full.PreviousContactID, full.RelatedContactID = "prev-1", "rel-<&>"
	full.DisconnectTimestamp, full.EnqueueTimestamp = at.Add(time.Minute), at.Add(time.Second)
	full.Tags = map[string]string{"z": "last", "a": "first \u2028 \"q\" \\", "m": "<b>&amp;</b>\n\t\x01\x7f"}
	bare := &Contact{InstanceID: "i", ID: "c", InitialContactID: "c", Channel: ChannelVoice, InitiationMethod: InitiationInbound}
	cases := []struct {
		name    string
		c       *Contact
		typ     string
		updated []string
	}{
		{"update", benchContact(), EventDataUpdated, []string{UpdatedAttributes}},
		{"every field", full, EventDataUpdated, []string{UpdatedAttributes, UpdatedTags}},
		{"no timestamps, queue or tags", bare, EventInitiated, nil},
		{"empty updated list", full, EventQueued, []string{}},
		{"queue without enqueue time", &Contact{InstanceID: "i", ID: "c", QueueID: "q", InitiationTimestamp: at}, EventDisconnected, nil},
		{"invalid UTF-8", &Contact{InstanceID: "i\xff", ID: "c\xc3", Tags: map[string]string{"\xe2\x82": "\xed\xa0\x80"}}, EventDataUpdated, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ev := ContactEvent(owner, tc.c, tc.typ, at, tc.updated)
			want, err := json.Marshal(ev)
			if err != nil {
				t.Fatal(err)
			}
			if got := ev.AppendJSON(nil); string(got) != string(want) {
				t.Errorf("AppendJSON:\n got %s\nwant %s", got, want)
			}
		})
	}
}

// FuzzJSONString: appendJSONString quotes any string as Marshal does.
func FuzzJSONString(f *testing.F) {
	for _, s := range []string{"", "plain", "<>&", "\"\\", "\b\f\n\r\t\x00\x1f\x7f", "\u2028\u2029", "é€😀", "\xff\xfe", "\xed\xa0\x80", "a\xc3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendJSONString(nil, s); string(got) != string(want) {
			t.Errorf("appendJSONString(%q) = %s, want %s", s, got, want)
		}
	})
}

// TestRandomEventsJSONIsMarshals: AppendJSON and Marshal agree on random
// events, every field set or empty at random (testing/quick fills each
// string, pointer, map and slice), so a field added to the struct and
// forgotten in AppendJSON fails here even if no case above sets it.
func TestRandomEventsJSONIsMarshals(t *testing.T) {
	same := func(ev ContactEventMessage) bool {
		want, err := json.Marshal(&ev)
		if err != nil {
			t.Fatal(err)
		}
		if got := ev.AppendJSON(nil); string(got) != string(want) {
			t.Errorf("AppendJSON:\n got %s\nwant %s", got, want)
			return false
		}
		return true
	}
	if err := quick.Check(same, &quick.Config{MaxCount: 5000}); err != nil {
		t.Fatal(err)
	}
}

package connectd

import (
	"encoding/json"
	"maps"
	"slices"
	"testing"
	"time"
)

// TestContactRecordDataModel checks a record's JSON field by field against
// the contact records data model (Administrator Guide, "Data model for
// contact records", ContactTraceRecord): every top-level field present,
// each with the type the model gives it, null where connectd has no value.
func TestContactRecordDataModel(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 123e6, time.UTC)
	c := &Contact{
		InstanceID: "inst-1", ID: "c-2", InitialContactID: "c-1", PreviousContactID: "c-1", RelatedContactID: "r-1",
		Channel: ChannelTask, InitiationMethod: InitiationTransfer, Name: "n", Description: "d", QueueID: "q-1",
		InitiationTimestamp: at, DisconnectTimestamp: at.Add(time.Minute), LastUpdateTimestamp: at.Add(2 * time.Minute),
		ScheduledTimestamp: at.Add(time.Hour),
		Attributes:         Attributes{"k": "v"},
		References:         map[string]Reference{"doc": {Type: "URL", Value: "https://example.com"}},
		Tags:               map[string]string{"t": "1"},
	}
	owner := Owner{AccountID: "111122223333", Region: "eu-west-2"}
	b, err := json.Marshal(ContactRecord(owner, c, RecordFacts{DisconnectReason: DisconnectAPI, NextContactID: "c-3"}))
	if err != nil {
		t.Fatal(err)
	}
	var rec map[string]any
	if err := json.Unmarshal(b, &rec); err != nil {
		t.Fatal(err)
	}
	arn := "arn:aws:connect:eu-west-2:111122223333:instance/inst-1"
	want := map[string]any{
		"AWSAccountId":                       "111122223333",
		"AWSContactTraceRecordFormatVersion": "2017-03-10",
		"Agent":                              nil,
		"AgentConnectionAttempts":            float64(0),
		"AnsweringMachineDetectionStatus":    nil,
		"Attributes":                         map[string]any{"k": "v"},
		"Campaign":                           nil,
		"Channel":                            "TASK",
		"ConnectedToSystemTimestamp":         nil,
		"ContactDetails":                     nil,
		"ContactId":                          "c-2",
		"ContactLens":                        nil,
		"CustomerEndpoint":                   nil,
		"CustomerVoiceActivity":              nil,
		"Description":                        "d",
		"DisconnectDetails":                  nil,
		"DisconnectReason":                   "API",
		"DisconnectTimestamp":                "2026-03-01T12:01:00.123Z",
		"InitialContactId":                   "c-1",
		"InitiationMethod":                   "TRANSFER",
		"InitiationTimestamp":                "2026-03-01T12:00:00.123Z",
		"InstanceARN":                        arn,
		"LastPausedTimestamp":                nil,
		"LastResumedTimestamp":               nil,
		"LastUpdateTimestamp":                "2026-03-01T12:02:00.123Z",
		"MediaStreams":                       nil,
		"Name":                               "n",
		"NextContactId":                      "c-3",
		"PreviousContactId":                  "c-1",
		"QualityMetrics":                     nil,
		"Queue": map[string]any{"ARN": arn + "/queue/q-1", "Name": nil, "EnqueueTimestamp": nil,
			"DequeueTimestamp": nil, "Duration": nil},
		"Recording":                   nil,
		"Recordings":                  nil,
		"References":                  []any{map[string]any{"Name": "doc", "Type": "URL", "Value": "https://example.com"}},
		"RelatedContactId":            "r-1",
		"RoutingCriteria":             nil,
		"ScheduledTimestamp":          "2026-03-01T13:00:00.123Z",
		"SegmentAttributes":           nil,
		"SystemEndpoint":              nil,
		"Tags":                        map[string]any{"t": "1"},
		"TaskTemplateInfo":            nil,
		"TotalPauseCount":             nil,
		"TotalPauseDurationInSeconds": nil,
		"TransferCompletedTimestamp":  nil,
		"TransferredToEndpoint":       nil,
		"VoiceIdResult":               nil,
	}
	if got, w := slices.Sorted(maps.Keys(rec)), slices.Sorted(maps.Keys(want)); !slices.Equal(got, w) {
		t.Fatalf("fields = %q\nwant     %q", got, w)
	}
	for k, w := range want {
		gj, _ := json.Marshal(rec[k])
		wj, _ := json.Marshal(w)
		if string(gj) != string(wj) {
			t.Errorf("%s = %s, want %s", k, gj, wj)
		}
	}
	if !slices.Equal(ContactRecordFields(), slices.Sorted(maps.Keys(want))) {
		t.Error("ContactRecordFields is not the data model's list in its order")
	}
}

// TestContactRecordInitialAndEmpty: an initial contact's record has a null
// InitialContactId; empty maps and lists are {} and [], never null, so a
// consumer can iterate them.
func TestContactRecordInitialAndEmpty(t *testing.T) {
	c := &Contact{InstanceID: "i", ID: "c", InitialContactID: "c", Channel: ChannelChat, InitiationMethod: InitiationAPI}
	b, _ := json.Marshal(ContactRecord(Owner{AccountID: "000000000000", Region: "us-east-1"}, c, RecordFacts{}))
	var rec map[string]json.RawMessage
	if err := json.Unmarshal(b, &rec); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{"InitialContactId": "null", "Attributes": "{}", "Tags": "{}",
		"References": "[]", "Queue": "null", "DisconnectTimestamp": "null", "Name": "null"} {
		if string(rec[k]) != want {
			t.Errorf("%s = %s, want %s", k, rec[k], want)
		}
	}
}

// TestContactEventEnvelope checks an event as EventBridge delivers it
// (contact events data model) and that its id is stable for one event.
func TestContactEventEnvelope(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	c := &Contact{InstanceID: "i", ID: "c", InitialContactID: "c", Channel: ChannelVoice,
		InitiationMethod: InitiationInbound, InitiationTimestamp: at}
	owner := Owner{AccountID: "111122223333", Region: "us-west-2"}
	ev := ContactEvent(owner, c, EventInitiated, at, nil)
	inst := "arn:aws:connect:us-west-2:111122223333:instance/i"
	for k, want := range map[string]any{"version": "0", "source": "aws.connect", "detail-type": "Amazon Connect Contact Event",
		"account": "111122223333", "region": "us-west-2", "time": "2026-03-01T12:00:00Z"} {
		if ev[k] != want {
			t.Errorf("%s = %v, want %v", k, ev[k], want)
		}
	}
	if r := ev["resources"].([]string); !slices.Equal(r, []string{inst + "/contact/c", inst}) {
		t.Errorf("resources = %q", r)
	}
	d := ev["detail"].(map[string]any)
	for k, want := range map[string]any{"eventType": "INITIATED", "contactId": "c", "initialContactId": "c",
		"channel": "VOICE", "instanceArn": inst, "initiationMethod": "INBOUND", "initiationTimestamp": "2026-03-01T12:00:00.000Z"} {
		if d[k] != want {
			t.Errorf("detail.%s = %v, want %v", k, d[k], want)
		}
	}
	id := ev["id"].(string)
	if len(id) != 36 || id[14] != '4' || ContactEvent(owner, c, EventInitiated, at, nil)["id"] != id {
		t.Errorf("id %q: want a stable UUID-shaped id", id)
	}
	if ContactEvent(owner, c, EventQueued, at, nil)["id"] == id {
		t.Error("two events share an id")
	}
}

// TestRecordFieldOfDeletedFields: each ContactField that has a record
// counterpart names a top-level field of the data model, so nulling it
// after DeleteContactData nulls what the record would carry; the email
// fields have none and are left.
func TestRecordFieldOfDeletedFields(t *testing.T) {
	for _, f := range ContactFields() {
		k := recordFieldOf(f)
		if k != "" && !slices.Contains(contactRecordFields(), k) {
			t.Errorf("recordFieldOf(%s) = %q, not a record field", f, k)
		}
	}
	if recordFieldOf("CUSTOMER_ENDPOINT") != "CustomerEndpoint" || recordFieldOf("EMAIL_SUBJECT") != "" {
		t.Errorf("recordFieldOf: CUSTOMER_ENDPOINT %q, EMAIL_SUBJECT %q", recordFieldOf("CUSTOMER_ENDPOINT"), recordFieldOf("EMAIL_SUBJECT"))
	}
}

package connectd

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
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
	sameFields(t, "", rec, want)
	if !slices.Equal(ContactRecordFields(), slices.Sorted(maps.Keys(want))) {
		t.Error("ContactRecordFields is not the data model's list in its order")
	}
}

// sameFields fails t unless got has exactly want's fields, each with the
// JSON of want's value; prefix names the object in the messages.
func sameFields(t *testing.T, prefix string, got, want map[string]any) {
	t.Helper()
	if g, w := slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want)); !slices.Equal(g, w) {
		t.Fatalf("%sfields = %q\nwant %q", prefix, g, w)
	}
	for k, w := range want {
		gj, _ := json.Marshal(got[k])
		wj, _ := json.Marshal(w)
		if string(gj) != string(wj) {
			t.Errorf("%s%s = %s, want %s", prefix, k, gj, wj)
		}
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

// eventJSON encodes ev as the outbox stores it and decodes it back as a
// consumer reads it.
func eventJSON(t *testing.T, ev *ContactEventMessage) map[string]any {
	t.Helper()
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestContactEventEnvelope checks an event as EventBridge delivers it
// (contact events data model) and that its id is stable for one event.
func TestContactEventEnvelope(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	c := &Contact{InstanceID: "i", ID: "c", InitialContactID: "c", Channel: ChannelVoice,
		InitiationMethod: InitiationInbound, InitiationTimestamp: at}
	owner := Owner{AccountID: "111122223333", Region: "us-west-2"}
	ev := eventJSON(t, ContactEvent(owner, c, EventInitiated, at, nil))
	inst := "arn:aws:connect:us-west-2:111122223333:instance/i"
	for k, want := range map[string]any{"version": "0", "source": "aws.connect", "detail-type": "Amazon Connect Contact Event",
		"account": "111122223333", "region": "us-west-2", "time": "2026-03-01T12:00:00Z"} {
		if ev[k] != want {
			t.Errorf("%s = %v, want %v", k, ev[k], want)
		}
	}
	if r := ev["resources"].([]any); len(r) != 2 || r[0] != inst+"/contact/c" || r[1] != inst {
		t.Errorf("resources = %q", r)
	}
	d := ev["detail"].(map[string]any)
	want := map[string]any{"eventType": "INITIATED", "contactId": "c", "initialContactId": "c",
		"channel": "VOICE", "instanceArn": inst, "initiationMethod": "INBOUND", "initiationTimestamp": "2026-03-01T12:00:00.000Z"}
	if got, w := slices.Sorted(maps.Keys(d)), slices.Sorted(maps.Keys(want)); !slices.Equal(got, w) {
		t.Errorf("detail fields = %q, want %q: the optional ones left out", got, w)
	}
	for k, w := range want {
		if d[k] != w {
			t.Errorf("detail.%s = %v, want %v", k, d[k], w)
		}
	}
	id := ev["id"].(string)
	// The id is the one connectd has always given this event (the hash of
	// "instance/contact/type/unix-nanos" shaped as a version-4 UUID), so
	// an event written by an earlier connectd and this one agree.
	sum := sha256.Sum256(fmt.Appendf(nil, "%s/%s/%s/%d", c.InstanceID, c.ID, EventInitiated, at.UnixNano()))
	h := hex.EncodeToString(sum[:16])
	if want := h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-8" + h[17:20] + "-" + h[20:32]; id != want {
		t.Errorf("id = %q, want %q", id, want)
	}
	if ContactEvent(owner, c, EventInitiated, at, nil).ID != id {
		t.Errorf("id %q: want a stable id", id)
	}
	if ContactEvent(owner, c, EventQueued, at, nil).ID == id {
		t.Error("two events share an id")
	}
}

// eventDataModelFields are the fields of the contact events data model's
// ContactEvent object (Administrator Guide, "Amazon Connect contact
// events"), in the JSON spelling EventBridge delivers. A detail connectd
// writes must use no other name.
var eventDataModelFields = []string{
	"agentInfo", "aiAgentInfo", "answeringMachineDetectionStatus", "campaign", "channel", "connectedToSystemTimestamp",
	"contactId", "customerVoiceActivity", "disconnectReason", "disconnectTimestamp", "eventType", "initialContactId",
	"initiationMethod", "initiationTimestamp", "instanceArn", "previousContactId", "queueInfo", "relatedContactId",
	"segmentAttributes", "tags", "updatedProperties",
}

// TestContactEventFields: a CONTACT_DATA_UPDATED event of a contact with
// every fact connectd keeps (a previous and a related contact, an end, a
// queue it was put in, tags) carries each as the data model names it, with
// its value, and nothing the data model does not name.
func TestContactEventFields(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	c := &Contact{InstanceID: "i", ID: "c-2", InitialContactID: "c-1", PreviousContactID: "c-1", RelatedContactID: "r-1",
		Channel: ChannelTask, InitiationMethod: InitiationTransfer, InitiationTimestamp: at,
		DisconnectTimestamp: at.Add(time.Minute), QueueID: "q-1", EnqueueTimestamp: at.Add(time.Second),
		Tags: map[string]string{"team": "red"}}
	inst := "arn:aws:connect:us-east-1:111122223333:instance/i"
	d := eventJSON(t, ContactEvent(Owner{AccountID: "111122223333", Region: "us-east-1"}, c, EventDataUpdated, at,
		[]string{UpdatedTags}))["detail"].(map[string]any)
	want := map[string]any{
		"eventType": "CONTACT_DATA_UPDATED", "contactId": "c-2", "initialContactId": "c-1", "previousContactId": "c-1",
		"relatedContactId": "r-1", "channel": "TASK", "instanceArn": inst, "initiationMethod": "TRANSFER",
		"initiationTimestamp": "2026-03-01T12:00:00.000Z", "disconnectTimestamp": "2026-03-01T12:01:00.000Z",
		"queueInfo": map[string]any{"queueArn": inst + "/queue/q-1", "queueType": "STANDARD",
			"enqueueTimestamp": "2026-03-01T12:00:01.000Z"},
		"tags": map[string]any{"team": "red"}, "updatedProperties": []any{"Tags"},
	}
	sameFields(t, "detail.", d, want)
	for k := range d {
		if !slices.Contains(eventDataModelFields, k) {
			t.Errorf("detail.%s is not a field of the contact events data model", k)
		}
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

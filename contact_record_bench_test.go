package connectd

import (
	"encoding/json"
	"testing"
	"time"
)

// benchContact is an active initial task contact with a queue and tags, as
// UpdateContactAttributes leaves it for its CONTACT_DATA_UPDATED event.
func benchContact() *Contact {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	return &Contact{InstanceID: "5b0c1a3e-1111-2222-3333-444455556666", ID: "9f1d2c3b-aaaa-bbbb-cccc-ddddeeeeffff",
		InitialContactID: "9f1d2c3b-aaaa-bbbb-cccc-ddddeeeeffff", Channel: ChannelTask, InitiationMethod: InitiationAPI,
		InitiationTimestamp: at, LastUpdateTimestamp: at, QueueID: "q-1", Tags: map[string]string{"team": "red"},
		Attributes: Attributes{"a": "1", "b": "2", "c": "3"}}
}

// BenchmarkContactEventEncode is the event's share of every
// UpdateContactAttributes: building the CONTACT_DATA_UPDATED event and
// encoding it as the outbox stores it.
func BenchmarkContactEventEncode(b *testing.B) {
	owner, c, at := Owner{AccountID: "111122223333", Region: "us-east-1"}, benchContact(), time.Now()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(ContactEvent(owner, c, EventDataUpdated, at, []string{UpdatedAttributes})); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkContactEventAppend is BenchmarkContactEventEncode with the
// event's own encoder, which the outbox uses.
func BenchmarkContactEventAppend(b *testing.B) {
	owner, c, at := Owner{AccountID: "111122223333", Region: "us-east-1"}, benchContact(), time.Now()
	b.ReportAllocs()
	buf := make([]byte, 0, 1024)
	for b.Loop() {
		buf = ContactEvent(owner, c, EventDataUpdated, at, []string{UpdatedAttributes}).AppendJSON(buf[:0])
	}
}

// BenchmarkContactRecordEncode: the record of an ended contact, built and
// encoded.
func BenchmarkContactRecordEncode(b *testing.B) {
	owner, c := Owner{AccountID: "111122223333", Region: "us-east-1"}, benchContact()
	c.DisconnectTimestamp = c.InitiationTimestamp.Add(time.Minute)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(ContactRecord(owner, c, RecordFacts{DisconnectReason: DisconnectAPI})); err != nil {
			b.Fatal(err)
		}
	}
}

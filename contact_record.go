package connectd

import (
	"maps"
	"reflect"
	"slices"
	"strings"
	"time"
)

// ContactRecordFormatVersion is the AWSContactTraceRecordFormatVersion of
// every contact record Amazon Connect streams ("2017-03-10", Administrator
// Guide, "Data model for contact records").
const ContactRecordFormatVersion = "2017-03-10"

// Why a contact ended, as the record's DisconnectReason says it.
const (
	// DisconnectAPI: StopContact ended it.
	DisconnectAPI = "API"
	// DisconnectFlow: a flow's DisconnectParticipant ended it.
	DisconnectFlow = "CONTACT_FLOW_DISCONNECT"
)

// RecordFacts is what a contact record says beyond the contact's row.
type RecordFacts struct {
	// DisconnectReason is one of the Disconnect* constants, or "" (null)
	// for a contact that ended by a transfer.
	DisconnectReason string
	// NextContactID is the contact a transfer created from this one.
	NextContactID string
	// TransferCompleted is when a transfer ended this contact (zero: it
	// was not transferred).
	TransferCompleted time.Time
}

// isoTime is how records and events write a time: ISO 8601 in UTC to the
// millisecond, as the data models' samples do ("2021-08-04T17:17:53.000Z"),
// or nil (JSON null) for the zero time.
func isoTime(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format("2006-01-02T15:04:05.000Z")
	return &s
}

// orNull returns &s, or nil (JSON null) for "".
func orNull(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// Absent is a field of a data model connectd has no value for (there are
// no agents, recordings or media): always nil, written null, never left
// out, because consumers such as Salesforce's CTR Lambda index
// ctr['Agent'] and ctr['Queue'] directly, so a missing key crashes them
// where a null does not.
type Absent = *struct{}

// ContactTraceRecord is a contact record as the contact records data model
// (Administrator Guide, "Data model for contact records") writes it: every
// top-level field, in the model's (alphabetical) order, each present in
// every record connectd writes. A struct rather than a map so that the
// encoding costs no sorting and no reflection over values: a record is
// written for every change of an ended contact.
type ContactTraceRecord struct {
	AWSAccountId                       string            `json:"AWSAccountId"`
	AWSContactTraceRecordFormatVersion string            `json:"AWSContactTraceRecordFormatVersion"`
	Agent                              Absent            `json:"Agent"`
	AgentConnectionAttempts            int               `json:"AgentConnectionAttempts"`
	AnsweringMachineDetectionStatus    Absent            `json:"AnsweringMachineDetectionStatus"`
	Attributes                         map[string]string `json:"Attributes"` // never nil: {} when empty
	Campaign                           Absent            `json:"Campaign"`
	Channel                            string            `json:"Channel"`
	ConnectedToSystemTimestamp         Absent            `json:"ConnectedToSystemTimestamp"`
	ContactDetails                     Absent            `json:"ContactDetails"`
	ContactId                          string            `json:"ContactId"`
	ContactLens                        Absent            `json:"ContactLens"`
	CustomerEndpoint                   Absent            `json:"CustomerEndpoint"`
	CustomerVoiceActivity              Absent            `json:"CustomerVoiceActivity"`
	Description                        *string           `json:"Description"`
	DisconnectDetails                  Absent            `json:"DisconnectDetails"`
	DisconnectReason                   *string           `json:"DisconnectReason"`
	DisconnectTimestamp                *string           `json:"DisconnectTimestamp"`
	InitialContactId                   *string           `json:"InitialContactId"`
	InitiationMethod                   string            `json:"InitiationMethod"`
	InitiationTimestamp                *string           `json:"InitiationTimestamp"`
	InstanceARN                        string            `json:"InstanceARN"`
	LastPausedTimestamp                Absent            `json:"LastPausedTimestamp"`
	LastResumedTimestamp               Absent            `json:"LastResumedTimestamp"`
	LastUpdateTimestamp                *string           `json:"LastUpdateTimestamp"`
	MediaStreams                       Absent            `json:"MediaStreams"`
	Name                               *string           `json:"Name"`
	NextContactId                      *string           `json:"NextContactId"`
	PreviousContactId                  *string           `json:"PreviousContactId"`
	QualityMetrics                     Absent            `json:"QualityMetrics"`
	Queue                              *RecordQueue      `json:"Queue"`
	Recording                          Absent            `json:"Recording"`
	Recordings                         Absent            `json:"Recordings"`
	References                         []RecordReference `json:"References"` // never nil: [] when empty
	RelatedContactId                   *string           `json:"RelatedContactId"`
	RoutingCriteria                    Absent            `json:"RoutingCriteria"`
	ScheduledTimestamp                 *string           `json:"ScheduledTimestamp"`
	SegmentAttributes                  Absent            `json:"SegmentAttributes"`
	SystemEndpoint                     Absent            `json:"SystemEndpoint"`
	Tags                               map[string]string `json:"Tags"` // never nil: {} when empty
	TaskTemplateInfo                   Absent            `json:"TaskTemplateInfo"`
	TotalPauseCount                    Absent            `json:"TotalPauseCount"`
	TotalPauseDurationInSeconds        Absent            `json:"TotalPauseDurationInSeconds"`
	TransferCompletedTimestamp         *string           `json:"TransferCompletedTimestamp"`
	TransferredToEndpoint              Absent            `json:"TransferredToEndpoint"`
	VoiceIdResult                      Absent            `json:"VoiceIdResult"`
}

// RecordQueue is a contact record's Queue (see recordQueue).
type RecordQueue struct {
	ARN              string  `json:"ARN"`
	DequeueTimestamp *string `json:"DequeueTimestamp"`
	Duration         *int64  `json:"Duration"`
	EnqueueTimestamp *string `json:"EnqueueTimestamp"`
	Name             Absent  `json:"Name"`
}

// RecordReference is one of a contact record's References.
type RecordReference struct {
	Name  string `json:"Name"`
	Type  string `json:"Type"`
	Value string `json:"Value"`
}

// ContactRecordFields lists the top-level fields of every contact record, in
// the data model's (alphabetical) order: ContactTraceRecord's JSON names.
func ContactRecordFields() []string { return contactRecordFields() }

func contactRecordFields() []string {
	t := reflect.TypeFor[ContactTraceRecord]()
	out := make([]string, t.NumField())
	for i := range out {
		out[i], _, _ = strings.Cut(t.Field(i).Tag.Get("json"), ",")
	}
	return out
}

// ContactRecord returns the contact record of c, a contact of the owner's
// instance read with its chain's map and its details (and its State, if
// fields of it were deleted). It shares nothing with c: the maps are
// copies.
//
// InitialContactId is null for a contact that starts its chain, as in the
// data model's samples: only a later contact of a chain names another.
func ContactRecord(owner Owner, c *Contact, f RecordFacts) *ContactTraceRecord {
	inst := &Instance{ID: c.InstanceID, Owner: owner}
	arn := inst.ARN()
	initial := c.InitialContactID
	if c.IsInitial() {
		initial = ""
	}
	refs := make([]RecordReference, 0, len(c.References))
	for _, name := range slices.Sorted(maps.Keys(c.References)) {
		r := c.References[name]
		refs = append(refs, RecordReference{Name: name, Type: r.Type, Value: r.Value})
	}
	rec := &ContactTraceRecord{
		AWSAccountId:                       owner.AccountID,
		AWSContactTraceRecordFormatVersion: ContactRecordFormatVersion,
		Attributes:                         copyOrEmpty(c.Attributes),
		Channel:                            string(c.Channel),
		ContactId:                          c.ID,
		Description:                        orNull(c.Description),
		DisconnectReason:                   orNull(f.DisconnectReason),
		DisconnectTimestamp:                isoTime(c.DisconnectTimestamp),
		InitialContactId:                   orNull(initial),
		InitiationMethod:                   string(c.InitiationMethod),
		InitiationTimestamp:                isoTime(c.InitiationTimestamp),
		InstanceARN:                        arn,
		LastUpdateTimestamp:                isoTime(c.LastUpdateTimestamp),
		Name:                               orNull(c.Name),
		NextContactId:                      orNull(f.NextContactID),
		PreviousContactId:                  orNull(c.PreviousContactID),
		References:                         refs,
		RelatedContactId:                   orNull(c.RelatedContactID),
		ScheduledTimestamp:                 isoTime(c.ScheduledTimestamp),
		Tags:                               copyOrEmpty(c.Tags),
		TransferCompletedTimestamp:         isoTime(f.TransferCompleted),
	}
	if c.QueueID != "" {
		rec.Queue = recordQueue(arn, c)
	}
	if c.State != nil {
		for _, field := range c.State.Redacted {
			rec.null(recordFieldOf(field))
		}
	}
	return rec
}

// copyOrEmpty returns a copy of m, never nil, so that it is written {}.
func copyOrEmpty[M ~map[string]string](m M) map[string]string {
	out := make(map[string]string, len(m))
	maps.Copy(out, m)
	return out
}

// null sets the record's field k (a recordFieldOf answer) to null, for
// a field DeleteContactData deleted. CustomerEndpoint, the only one, is
// null in every record already (connectd keeps no endpoint); the
// deletion still goes through here so that a record never carries a
// deleted field's value, whatever connectd comes to keep.
func (r *ContactTraceRecord) null(k string) {
	switch k {
	case "CustomerEndpoint":
		r.CustomerEndpoint = nil
	}
}

// recordFieldOf returns the record field that holds the value of the
// ContactField DeleteContactData deleted, which a record built after the
// deletion nulls, or "" for a field the data model has no top-level
// counterpart for (ADDITIONAL_EMAIL_RECIPIENTS, EMAIL_SUBJECT).
func recordFieldOf(contactField string) string {
	if contactField == "CUSTOMER_ENDPOINT" {
		return "CustomerEndpoint"
	}
	return ""
}

// recordQueue is a contact record's Queue, instARN the instance's ARN: its
// ARN and, for a contact a flow queued (TransferContactToQueue),
// EnqueueTimestamp. connectd has no agents, so a queued contact leaves its
// queue only by ending: then DequeueTimestamp is its DisconnectTimestamp
// and Duration the whole seconds in between ("the difference in time, in
// whole seconds, between EnqueueTimestamp and DequeueTimestamp", contact
// records data model).
func recordQueue(instARN string, c *Contact) *RecordQueue {
	q := &RecordQueue{ARN: instARN + "/queue/" + c.QueueID}
	if !c.EnqueueTimestamp.IsZero() {
		q.EnqueueTimestamp = isoTime(c.EnqueueTimestamp)
		if !c.DisconnectTimestamp.IsZero() {
			q.DequeueTimestamp = isoTime(c.DisconnectTimestamp)
			d := int64(c.DisconnectTimestamp.Sub(c.EnqueueTimestamp) / time.Second)
			q.Duration = &d
		}
	}
	return q
}

package connectd

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
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
func isoTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

// orNull returns s, or nil (JSON null) for "".
func orNull(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// contactRecordFields are the top-level fields of the contact records data
// model, every one present in every record connectd writes: consumers such
// as Salesforce's CTR Lambda index ctr['Agent'] and ctr['Queue'] directly,
// so a missing key crashes them where a null does not. Those connectd has
// no value for (there are no agents, recordings or media) are null.
func contactRecordFields() []string {
	return []string{
		"AWSAccountId", "AWSContactTraceRecordFormatVersion", "Agent", "AgentConnectionAttempts",
		"AnsweringMachineDetectionStatus", "Attributes", "Campaign", "Channel", "ConnectedToSystemTimestamp",
		"ContactDetails", "ContactId", "ContactLens", "CustomerEndpoint", "CustomerVoiceActivity", "Description",
		"DisconnectDetails", "DisconnectReason", "DisconnectTimestamp", "InitialContactId", "InitiationMethod",
		"InitiationTimestamp", "InstanceARN", "LastPausedTimestamp", "LastResumedTimestamp", "LastUpdateTimestamp",
		"MediaStreams", "Name", "NextContactId", "PreviousContactId", "QualityMetrics", "Queue", "Recording",
		"Recordings", "References", "RelatedContactId", "RoutingCriteria", "ScheduledTimestamp",
		"SegmentAttributes", "SystemEndpoint", "Tags", "TaskTemplateInfo", "TotalPauseCount",
		"TotalPauseDurationInSeconds", "TransferCompletedTimestamp", "TransferredToEndpoint", "VoiceIdResult",
	}
}

// ContactRecordFields lists the top-level fields of every contact record, in
// the data model's (alphabetical) order.
func ContactRecordFields() []string { return contactRecordFields() }

// ContactRecord returns the contact record of c, a contact of the owner's
// instance read with its chain's map and its details (and its State, if
// fields of it were deleted), as a JSON object.
//
// InitialContactId is null for a contact that starts its chain, as in the
// data model's samples: only a later contact of a chain names another.
func ContactRecord(owner Owner, c *Contact, f RecordFacts) map[string]any {
	rec := make(map[string]any, len(contactRecordFields()))
	for _, k := range contactRecordFields() {
		rec[k] = nil
	}
	inst := &Instance{ID: c.InstanceID, Owner: owner}
	initial := c.InitialContactID
	if c.IsInitial() {
		initial = ""
	}
	attrs := map[string]string{}
	maps.Copy(attrs, c.Attributes)
	tags := map[string]string{}
	maps.Copy(tags, c.Tags)
	refs := []any{}
	for _, name := range slices.Sorted(maps.Keys(c.References)) {
		r := c.References[name]
		refs = append(refs, map[string]any{"Name": name, "Type": r.Type, "Value": r.Value})
	}
	var queue any
	if c.QueueID != "" {
		queue = recordQueue(inst, c)
	}
	maps.Copy(rec, map[string]any{
		"AWSAccountId":                       owner.AccountID,
		"AWSContactTraceRecordFormatVersion": ContactRecordFormatVersion,
		"AgentConnectionAttempts":            0,
		"Attributes":                         attrs,
		"Channel":                            string(c.Channel),
		"ContactId":                          c.ID,
		"Description":                        orNull(c.Description),
		"DisconnectReason":                   orNull(f.DisconnectReason),
		"DisconnectTimestamp":                isoTime(c.DisconnectTimestamp),
		"InitialContactId":                   orNull(initial),
		"InitiationMethod":                   string(c.InitiationMethod),
		"InitiationTimestamp":                isoTime(c.InitiationTimestamp),
		"InstanceARN":                        inst.ARN(),
		"LastUpdateTimestamp":                isoTime(c.LastUpdateTimestamp),
		"Name":                               orNull(c.Name),
		"NextContactId":                      orNull(f.NextContactID),
		"PreviousContactId":                  orNull(c.PreviousContactID),
		"Queue":                              queue,
		"References":                         refs,
		"RelatedContactId":                   orNull(c.RelatedContactID),
		"ScheduledTimestamp":                 isoTime(c.ScheduledTimestamp),
		"Tags":                               tags,
		"TransferCompletedTimestamp":         isoTime(f.TransferCompleted),
	})
	if c.State != nil {
		for _, field := range c.State.Redacted {
			if k := recordFieldOf(field); k != "" {
				rec[k] = nil
			}
		}
	}
	return rec
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

// The contact event types connectd emits (Administrator Guide, "Contact
// events data model").
const (
	EventInitiated         = "INITIATED"
	EventConnectedToSystem = "CONNECTED_TO_SYSTEM"
	EventQueued            = "QUEUED"
	EventDisconnected      = "DISCONNECTED"
	EventDataUpdated       = "CONTACT_DATA_UPDATED"
)

// What a CONTACT_DATA_UPDATED event says changed (its updatedProperties).
const (
	UpdatedAttributes = "UserDefinedAttributes"
	UpdatedTags       = "Tags"
)

// ContactEventSource and ContactEventDetailType are the source and
// detail-type of every Amazon Connect contact event on EventBridge.
const (
	ContactEventSource     = "aws.connect"
	ContactEventDetailType = "Amazon Connect Contact Event"
)

// ContactEvent returns the contact event eventType of c at `at`, as
// EventBridge delivers it to a rule's target: the envelope (version, id,
// detail-type, source, account, time, region, resources: the contact's and
// the instance's ARNs) around the detail of the contact events data model.
// updated lists what a CONTACT_DATA_UPDATED changed. The id is derived from
// the contact, the type and the time, so the same event keeps one id
// across redeliveries.
func ContactEvent(owner Owner, c *Contact, eventType string, at time.Time, updated []string) map[string]any {
	inst := &Instance{ID: c.InstanceID, Owner: owner}
	detail := map[string]any{
		"eventType":           eventType,
		"contactId":           c.ID,
		"initialContactId":    c.InitialContactID,
		"channel":             string(c.Channel),
		"instanceArn":         inst.ARN(),
		"initiationMethod":    string(c.InitiationMethod),
		"initiationTimestamp": isoTime(c.InitiationTimestamp),
	}
	if c.PreviousContactID != "" {
		detail["previousContactId"] = c.PreviousContactID
	}
	if c.RelatedContactID != "" {
		detail["relatedContactId"] = c.RelatedContactID
	}
	if !c.DisconnectTimestamp.IsZero() {
		detail["disconnectTimestamp"] = isoTime(c.DisconnectTimestamp)
	}
	if c.QueueID != "" {
		q := map[string]any{"queueArn": inst.ARN() + "/queue/" + c.QueueID, "queueType": "STANDARD"}
		if !c.EnqueueTimestamp.IsZero() {
			q["enqueueTimestamp"] = isoTime(c.EnqueueTimestamp)
		}
		detail["queueInfo"] = q
	}
	if len(c.Tags) > 0 {
		detail["tags"] = maps.Clone(c.Tags)
	}
	if len(updated) > 0 {
		detail["updatedProperties"] = slices.Clone(updated)
	}
	sum := sha256.Sum256(fmt.Appendf(nil, "%s/%s/%s/%d", c.InstanceID, c.ID, eventType, at.UnixNano()))
	h := hex.EncodeToString(sum[:16])
	id := h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-8" + h[17:20] + "-" + h[20:32]
	return map[string]any{
		"version":     "0",
		"id":          id,
		"detail-type": ContactEventDetailType,
		"source":      ContactEventSource,
		"account":     owner.AccountID,
		"time":        at.UTC().Format(time.RFC3339),
		"region":      owner.Region,
		"resources":   []string{ContactARN(inst, c.ID), inst.ARN()},
		"detail":      detail,
	}
}

// recordQueue is a contact record's Queue: its ARN and, for a contact a
// flow queued (TransferContactToQueue), EnqueueTimestamp. connectd has no
// agents, so a queued contact leaves its queue only by ending: then
// DequeueTimestamp is its DisconnectTimestamp and Duration the whole
// seconds in between ("the difference in time, in whole seconds, between
// EnqueueTimestamp and DequeueTimestamp", contact records data model).
func recordQueue(inst *Instance, c *Contact) map[string]any {
	q := map[string]any{
		"ARN": inst.ARN() + "/queue/" + c.QueueID, "Name": nil,
		"EnqueueTimestamp": nil, "DequeueTimestamp": nil, "Duration": nil,
	}
	if !c.EnqueueTimestamp.IsZero() {
		q["EnqueueTimestamp"] = isoTime(c.EnqueueTimestamp)
		if !c.DisconnectTimestamp.IsZero() {
			q["DequeueTimestamp"] = isoTime(c.DisconnectTimestamp)
			q["Duration"] = int64(c.DisconnectTimestamp.Sub(c.EnqueueTimestamp) / time.Second)
		}
	}
	return q
}

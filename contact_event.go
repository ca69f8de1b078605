package connectd

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"
)

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

// ContactEventMessage is a contact event as EventBridge delivers it to a
// rule's target: the envelope around the detail of the contact events data
// model. A struct rather than a map, so that the encoding of the event
// every UpdateContactAttributes writes costs no key sorting and no
// reflection over values.
type ContactEventMessage struct {
	Version    string `json:"version"`
	ID         string `json:"id"`
	DetailType string `json:"detail-type"`
	Source     string `json:"source"`
	Account    string `json:"account"`
	Time       string `json:"time"`
	Region     string `json:"region"`
	// Resources are the contact's ARN and the instance's.
	Resources [2]string          `json:"resources"`
	Detail    ContactEventDetail `json:"detail"`
}

// ContactEventDetail is the ContactEvent object of the contact events data
// model, with the fields connectd has values for; the optional ones are
// left out when the contact has none, as Amazon Connect leaves them out.
type ContactEventDetail struct {
	EventType           string  `json:"eventType"`
	ContactID           string  `json:"contactId"`
	InitialContactID    string  `json:"initialContactId"`
	PreviousContactID   string  `json:"previousContactId,omitempty"`
	RelatedContactID    string  `json:"relatedContactId,omitempty"`
	Channel             string  `json:"channel"`
	InstanceARN         string  `json:"instanceArn"`
	InitiationMethod    string  `json:"initiationMethod"`
	InitiationTimestamp *string `json:"initiationTimestamp"` // null for a contact without one
	DisconnectTimestamp *string `json:"disconnectTimestamp,omitempty"`
	// QueueInfo is set for a contact with a queue.
	QueueInfo *EventQueueInfo `json:"queueInfo,omitempty"`
	// Tags are the contact's, left out when it has none.
	Tags map[string]string `json:"tags,omitempty"`
	// UpdatedProperties says what a CONTACT_DATA_UPDATED changed.
	UpdatedProperties []string `json:"updatedProperties,omitempty"`
}

// EventQueueInfo is a contact event's queueInfo.
type EventQueueInfo struct {
	QueueARN         string  `json:"queueArn"`
	QueueType        string  `json:"queueType"`
	EnqueueTimestamp *string `json:"enqueueTimestamp,omitempty"`
}

// ContactEvent returns the contact event eventType of c at `at`, as
// EventBridge delivers it to a rule's target: the envelope (version, id,
// detail-type, source, account, time, region, resources: the contact's and
// the instance's ARNs) around the detail of the contact events data model.
// updated lists what a CONTACT_DATA_UPDATED changed. The id is derived from
// the contact, the type and the time, so the same event keeps one id
// across redeliveries. The event shares c.Tags and updated, which the
// caller encodes before changing them.
func ContactEvent(owner Owner, c *Contact, eventType string, at time.Time, updated []string) *ContactEventMessage {
	inst := &Instance{ID: c.InstanceID, Owner: owner}
	arn := inst.ARN()
	ev := &ContactEventMessage{
		Version: "0", ID: eventID(c, eventType, at), DetailType: ContactEventDetailType, Source: ContactEventSource,
		Account: owner.AccountID, Time: at.UTC().Format(time.RFC3339), Region: owner.Region,
		Resources: [2]string{arn + "/contact/" + c.ID, arn},
		Detail: ContactEventDetail{
			EventType: eventType, ContactID: c.ID, InitialContactID: c.InitialContactID,
			PreviousContactID: c.PreviousContactID, RelatedContactID: c.RelatedContactID,
			Channel: string(c.Channel), InstanceARN: arn, InitiationMethod: string(c.InitiationMethod),
			InitiationTimestamp: isoTime(c.InitiationTimestamp), DisconnectTimestamp: isoTime(c.DisconnectTimestamp),
			UpdatedProperties: updated,
		},
	}
	if c.QueueID != "" {
		ev.Detail.QueueInfo = &EventQueueInfo{QueueARN: arn + "/queue/" + c.QueueID, QueueType: "STANDARD",
			EnqueueTimestamp: isoTime(c.EnqueueTimestamp)}
	}
	if len(c.Tags) > 0 {
		ev.Detail.Tags = c.Tags
	}
	return ev
}

// eventID is the UUID-shaped id of the event eventType of c at `at`: a
// hash of the three, so a redelivered event keeps its id.
func eventID(c *Contact, eventType string, at time.Time) string {
	key := make([]byte, 0, 128)
	key = append(key, c.InstanceID...)
	key = append(key, '/')
	key = append(key, c.ID...)
	key = append(key, '/')
	key = append(key, eventType...)
	key = append(key, '/')
	key = strconv.AppendInt(key, at.UnixNano(), 10)
	sum := sha256.Sum256(key)
	var h [32]byte
	hex.Encode(h[:], sum[:16])
	var id [36]byte
	copy(id[0:8], h[0:8])
	id[8] = '-'
	copy(id[9:13], h[8:12])
	id[13], id[14] = '-', '4'
	copy(id[15:18], h[13:16])
	id[18], id[19] = '-', '8'
	copy(id[20:23], h[17:20])
	id[23] = '-'
	copy(id[24:36], h[20:32])
	return string(id[:])
}

package connectd

import "time"

// Channel is how a contact reaches the contact center.
type Channel string

// The channels of the Contact model.
const (
	ChannelVoice Channel = "VOICE"
	ChannelChat  Channel = "CHAT"
	ChannelTask  Channel = "TASK"
	ChannelEmail Channel = "EMAIL"
)

// Channels lists every channel the model defines.
func Channels() []Channel {
	return []Channel{ChannelVoice, ChannelChat, ChannelTask, ChannelEmail}
}

// InitiationMethod is how a contact was started.
type InitiationMethod string

// The initiation methods this package refers to by name. The model has more;
// InitiationMethods lists them all.
const (
	InitiationInbound       InitiationMethod = "INBOUND"
	InitiationOutbound      InitiationMethod = "OUTBOUND"
	InitiationTransfer      InitiationMethod = "TRANSFER"
	InitiationQueueTransfer InitiationMethod = "QUEUE_TRANSFER"
	InitiationAPI           InitiationMethod = "API"
)

// InitiationMethods lists every initiation method the model defines.
func InitiationMethods() []InitiationMethod {
	return []InitiationMethod{"INBOUND", "OUTBOUND", "TRANSFER", "QUEUE_TRANSFER", "CALLBACK", "API",
		"DISCONNECT", "MONITOR", "EXTERNAL_OUTBOUND", "WEBRTC_API", "AGENT_REPLY", "FLOW"}
}

// MaxTasksPerPreviousContact is how many task contacts may name one contact
// as their PreviousContactId: "There can be a maximum of 12 linked task
// contacts in a chain" (StartTaskContact API reference).
const MaxTasksPerPreviousContact = 12

// Contact is one contact (one segment of a customer interaction).
//
// Contacts form chains: every contact carries the id of the first contact of
// its chain in InitialContactID (its own id if it starts one). The chain's
// contacts share one attribute map, kept with the initial contact ("contact
// attributes are shared across all contacts with the same InitialContactId",
// Amazon Connect admin guide).
type Contact struct {
	InstanceID        string
	ID                string
	InitialContactID  string
	PreviousContactID string
	RelatedContactID  string
	Channel           Channel
	InitiationMethod  InitiationMethod
	Name              string
	Description       string
	QueueID           string
	// ClientToken is the idempotency token the contact was started with: a
	// second start with the same token returns this contact.
	ClientToken         string
	InitiationTimestamp time.Time
	ScheduledTimestamp  time.Time // zero when not scheduled
	DisconnectTimestamp time.Time // zero while the contact is active
	// EnqueueTimestamp is when a flow's TransferContactToQueue put the
	// contact in QueueID (zero if it was never queued): DescribeContact's
	// QueueInfo.EnqueueTimestamp.
	EnqueueTimestamp    time.Time
	LastUpdateTimestamp time.Time
	// Attributes is the chain's attribute map when the contact is read. When
	// a contact is created, it is the request's Attributes.
	Attributes Attributes
	// References and Tags belong to this contact alone (not to its chain);
	// see contact_details.go. Nil or empty when there are none.
	References map[string]Reference
	Tags       map[string]string
	// State is the contact's pause state (contact_state.go), read by
	// FindContact and Export; nil for none.
	State *ContactState
	// ContactFlowID is the flow a start names; it is not stored. The
	// Service runs it for TASK and CHAT contacts (service_flowruns.go).
	ContactFlowID string
}

// Active reports whether the contact has not ended.
func (c *Contact) Active() bool { return c.DisconnectTimestamp.IsZero() }

// IsInitial reports whether the contact starts its chain.
func (c *Contact) IsInitial() bool { return c.InitialContactID == c.ID }

// ContactARN returns the ARN of a contact of inst:
// {instance ARN}/contact/{contactID}.
func ContactARN(inst *Instance, contactID string) string {
	return inst.ARN() + "/contact/" + contactID
}

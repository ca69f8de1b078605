package connectd

import (
	"maps"
)

// Limits on a contact's details, from the Amazon Connect service model.
const (
	// MaxReferencesBytes bounds a contact's references: "You can have up to
	// 4,096 UTF-8 bytes across all references for a contact" (model shape
	// Reference). connectd counts every reference's name and Value.
	MaxReferencesBytes = 4096
	// MaxContactTags is how many tags a contact may carry (ContactTagMap
	// has at most 6 entries).
	MaxContactTags = 6
	// MaxTransfers is how often one contact chain may be transferred: "A
	// contact cannot be transferred more than 11 times" (TransferContact).
	MaxTransfers = 11
)

// Reference is one of a contact's References: well-formed data shown to
// agents, such as a URL or a date. Empty strings are members not set.
type Reference struct {
	Type         string
	Value        string
	Status       string
	Arn          string
	StatusReason string
}

// ReferencesBytes is what a reference map counts against
// MaxReferencesBytes: the UTF-8 bytes of every name and Value.
func ReferencesBytes(refs map[string]Reference) int {
	n := 0
	for k, r := range refs {
		n += len(k) + len(r.Value)
	}
	return n
}

// MergeReferences returns base with update's references added or replaced
// by name, or EINVALID if the result is over MaxReferencesBytes. Neither
// argument is modified.
func MergeReferences(base, update map[string]Reference) (map[string]Reference, error) {
	out := maps.Clone(base)
	if out == nil {
		out = map[string]Reference{}
	}
	maps.Copy(out, update)
	if n := ReferencesBytes(out); n > MaxReferencesBytes {
		return nil, Errorf(EINVALID, "The contact's references would take %d UTF-8 bytes; the limit is %d across all references.",
			n, MaxReferencesBytes)
	}
	return out, nil
}

// MergeTags returns base with update's tags added or replaced, or EINVALID
// if the result has more than MaxContactTags tags or a key with the
// reserved "aws:" prefix (CheckTagKeys). Neither argument is modified.
func MergeTags(base, update map[string]string) (map[string]string, error) {
	if err := CheckTagKeys(update); err != nil {
		return nil, err
	}
	out := maps.Clone(base)
	if out == nil {
		out = map[string]string{}
	}
	maps.Copy(out, update)
	if len(out) > MaxContactTags {
		return nil, Errorf(EINVALID, "A contact can have at most %d tags; this request would give it %d.",
			MaxContactTags, len(out))
	}
	return out, nil
}

// ContactUpdate is an UpdateContact request: nil members are left as they
// are, References are merged by name (MergeReferences).
type ContactUpdate struct {
	Name        *string
	Description *string
	References  map[string]Reference
	// Audio is set when the request has members that only external audio
	// contacts may update (QueueInfo, UserInfo and the endpoints), which
	// connectd checks but does not keep.
	Audio bool
}

// Transfer is a TransferContact request. NewID is the id the new contact
// gets. A UserID makes the new contact a TRANSFER (to an agent); otherwise
// it is a QUEUE_TRANSFER.
type Transfer struct {
	InstanceID    string
	ContactID     string
	NewID         string
	ContactFlowID string
	QueueID       string
	UserID        string
	ClientToken   string
}

// Method returns the initiation method of the contact a transfer creates.
func (t *Transfer) Method() InitiationMethod {
	if t.UserID != "" {
		return InitiationTransfer
	}
	return InitiationQueueTransfer
}

// CheckTransfer applies TransferContact's documented rules to the contact
// old, whose chain already has transfers transferred contacts: "Transfer is
// only supported for TASK and EMAIL contacts", "can be called only on
// active contacts" (both EINVALIDREQUEST, as InvalidRequestException is
// the model's only 400), and at most MaxTransfers transfers (EQUOTA).
func CheckTransfer(old *Contact, transfers int) error {
	switch {
	case old.Channel != ChannelTask && old.Channel != ChannelEmail:
		return Errorf(EINVALIDREQUEST, "TransferContact supports only TASK and EMAIL contacts; contact %s is %s.", old.ID, old.Channel)
	case !old.Active():
		return Errorf(EINVALIDREQUEST, "Contact %s has ended; only active contacts can be transferred.", old.ID)
	case transfers >= MaxTransfers:
		return Errorf(EQUOTA, "The chain of contact %s has been transferred %d times; the limit is %d.", old.ID, transfers, MaxTransfers)
	}
	return nil
}

// TransferredContact returns the contact a transfer of old creates at now:
// the next segment of old's chain (same InitialContactID, PreviousContactID
// old), on the same channel, carrying over old's name, description, queue,
// references and tags.
func TransferredContact(old *Contact, t *Transfer) *Contact {
	c := &Contact{
		InstanceID: old.InstanceID, ID: t.NewID, InitialContactID: old.InitialContactID,
		PreviousContactID: old.ID, Channel: old.Channel, InitiationMethod: t.Method(),
		Name: old.Name, Description: old.Description, QueueID: old.QueueID, ClientToken: t.ClientToken,
		References: maps.Clone(old.References), Tags: maps.Clone(old.Tags),
	}
	if t.QueueID != "" {
		c.QueueID = t.QueueID
	}
	return c
}

package api

import (
	"fmt"
	"unicode/utf8"

	"github.com/connectd/connectd"
)

// wireContact is the model's Contact structure, with the members connectd
// keeps. Optional members that connectd has no value for are left out, as
// the SDKs treat a missing member as unset.
type wireContact struct {
	Arn                 string            `json:"Arn"`
	Id                  string            `json:"Id"`
	InitialContactId    string            `json:"InitialContactId,omitempty"`
	PreviousContactId   string            `json:"PreviousContactId,omitempty"`
	RelatedContactId    string            `json:"RelatedContactId,omitempty"`
	InitiationMethod    string            `json:"InitiationMethod"`
	Channel             string            `json:"Channel"`
	Name                string            `json:"Name,omitempty"`
	Description         string            `json:"Description,omitempty"`
	QueueInfo           *wireQueueInfo    `json:"QueueInfo,omitempty"`
	InitiationTimestamp *epoch            `json:"InitiationTimestamp,omitempty"`
	DisconnectTimestamp *epoch            `json:"DisconnectTimestamp,omitempty"`
	LastUpdateTimestamp *epoch            `json:"LastUpdateTimestamp,omitempty"`
	ScheduledTimestamp  *epoch            `json:"ScheduledTimestamp,omitempty"`
	Attributes          map[string]string `json:"Attributes"`
	Tags                map[string]string `json:"Tags,omitempty"`
}

type wireQueueInfo struct {
	Id string `json:"Id"`
}

func toWireContact(owner connectd.Owner, ct *connectd.Contact) wireContact {
	w := wireContact{
		Arn: contactARN(owner, ct.InstanceID, ct.ID), Id: ct.ID, InitialContactId: ct.InitialContactID,
		PreviousContactId: ct.PreviousContactID, RelatedContactId: ct.RelatedContactID,
		InitiationMethod: string(ct.InitiationMethod), Channel: string(ct.Channel),
		Name: ct.Name, Description: ct.Description,
		InitiationTimestamp: epochOf(ct.InitiationTimestamp), DisconnectTimestamp: epochOf(ct.DisconnectTimestamp),
		LastUpdateTimestamp: epochOf(ct.LastUpdateTimestamp), ScheduledTimestamp: epochOf(ct.ScheduledTimestamp),
		Attributes: ct.Attributes, Tags: ct.Tags,
	}
	if w.Attributes == nil {
		w.Attributes = map[string]string{}
	}
	if ct.QueueID != "" {
		w.QueueInfo = &wireQueueInfo{Id: ct.QueueID}
	}
	return w
}

// startCommon holds the members that the Start* operations and CreateContact
// share. It is embedded in each operation's input struct; encoding/json
// promotes its fields.
type startCommon struct {
	InstanceId        *string
	ClientToken       *string
	RelatedContactId  *string
	Attributes        map[string]string
	References        map[string]wireReference
	Name              *string
	Description       *string
	SegmentAttributes map[string]segmentValue
}

// wireReference is the model's Reference structure (ContactReferences map).
type wireReference struct {
	Value        *string
	Type         *string
	Status       *string
	Arn          *string
	StatusReason *string
}

// segmentValue is the model's recursive SegmentAttributeValue.
type segmentValue struct {
	ValueString  *string
	ValueMap     map[string]segmentValue
	ValueInteger *int64
	ValueList    []segmentValue
	ValueArn     *string
}

// referenceTypes are the model's ReferenceType values.
func referenceTypes() []string {
	return []string{"URL", "ATTACHMENT", "CONTACT_ANALYSIS", "NUMBER", "STRING", "DATE", "EMAIL",
		"EMAIL_MESSAGE", "EMAIL_MESSAGE_PLAIN_TEXT", "EMAIL_MESSAGE_PLAIN_TEXT_REDACTED", "EMAIL_MESSAGE_REDACTED"}
}

// checkCommon validates the shared members against the model.
func (s *Server) checkCommon(v *validator, in *startCommon) {
	v.reqLength("InstanceId", in.InstanceId, 1, 100)
	v.optLength("ClientToken", in.ClientToken, 0, 500)
	v.optLength("RelatedContactId", in.RelatedContactId, 1, 256)
	v.optLength("Name", in.Name, 0, 1024)
	v.optLength("Description", in.Description, 0, 4096)
	v.attributes("Attributes", in.Attributes)
	for _, k := range sortedKeys(in.References) {
		ref := in.References[k]
		v.length("References key", k, 1, 4096)
		v.required(fmt.Sprintf("References[%s].Type", k), ref.Type != nil)
		v.optOneOf(fmt.Sprintf("References[%s].Type", k), ref.Type, referenceTypes()...)
		v.optLength(fmt.Sprintf("References[%s].Value", k), ref.Value, 0, 4096)
		v.optOneOf(fmt.Sprintf("References[%s].Status", k), ref.Status,
			"AVAILABLE", "DELETED", "APPROVED", "REJECTED", "PROCESSING", "FAILED")
		if ref.Arn != nil {
			v.length(fmt.Sprintf("References[%s].Arn", k), *ref.Arn, 20, 256)
			v.pattern(fmt.Sprintf("References[%s].Arn", k), *ref.Arn, s.re.refArn, "an ARN")
		}
		v.optLength(fmt.Sprintf("References[%s].StatusReason", k), ref.StatusReason, 0, 100)
	}
	checkSegmentAttributes(v, "SegmentAttributes", in.SegmentAttributes)
}

// checkSegmentAttributes checks a SegmentAttributes map and the maps and
// lists nested in its values. Values nest as deep as encoding/json allows
// (10,000 levels), and a member's name grows with the depth, so names are
// built only for a violation, through the name funcs: formatting them at
// every level made the check quadratic, and FuzzStartTaskContact found that
// a 45 KB body of nested ValueLists took seconds of CPU to validate.
func checkSegmentAttributes(v *validator, name string, m map[string]segmentValue) {
	checkSegmentMap(v, func() string { return name }, m)
}

func checkSegmentMap(v *validator, name func() string, m map[string]segmentValue) {
	for _, k := range sortedKeys(m) {
		if v.err != nil {
			return // the validator keeps only the first violation
		}
		if n := utf8.RuneCountInString(k); n < 1 || n > 128 {
			v.length(name()+" key", k, 1, 128)
		}
		checkSegmentValue(v, func() string { return fmt.Sprintf("%s[%s]", name(), k) }, m[k])
	}
}

func checkSegmentValue(v *validator, name func() string, val segmentValue) {
	if s := val.ValueString; s != nil && utf8.RuneCountInString(*s) > 1024 {
		v.length(name()+".ValueString", *s, 0, 1024)
	}
	if s := val.ValueArn; s != nil && utf8.RuneCountInString(*s) > 1024 {
		v.length(name()+".ValueArn", *s, 0, 1024)
	}
	checkSegmentMap(v, func() string { return name() + ".ValueMap" }, val.ValueMap)
	for i, item := range val.ValueList {
		if v.err != nil {
			return
		}
		// A list item is named as the value of a map key "item".
		checkSegmentValue(v, func() string { return fmt.Sprintf("%s.ValueList[%d][item]", name(), i) }, item)
	}
}

// newContact builds the contact that a Start* operation or CreateContact
// asks for, from the shared members.
func (s *Server) newContact(c *call, in *startCommon, ch connectd.Channel, m connectd.InitiationMethod) *connectd.Contact {
	ct := &connectd.Contact{
		InstanceID: *in.InstanceId, ID: s.cfg.NewID(), Channel: ch, InitiationMethod: m,
		Attributes: in.Attributes, InitiationTimestamp: s.cfg.Clock.Now(),
	}
	ct.InitialContactID = ct.ID
	ct.RelatedContactID = deref(in.RelatedContactId)
	ct.ClientToken = deref(in.ClientToken)
	ct.Name = deref(in.Name)
	ct.Description = deref(in.Description)
	ct.LastUpdateTimestamp = ct.InitiationTimestamp
	ct.References = toReferences(in.References)
	return ct
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// contactARN is the ARN of a contact of the owner's instance instanceID: an
// ARN needs only the caller's account and region and the ids, so no handler
// reads the instance to build one.
func contactARN(owner connectd.Owner, instanceID, contactID string) string {
	return connectd.ContactARN(&connectd.Instance{ID: instanceID, Owner: owner}, contactID)
}

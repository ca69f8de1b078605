package connectd

import (
	"fmt"
	"time"
	"unicode/utf8"
)

// Snapshot is a whole data set: instances and contacts with explicit ids and
// timestamps. The control plane imports fixtures from one and exports the
// store's contents as one, so export then import round-trips.
//
// A contact's Attributes in a snapshot are its chain's map, given on the
// initial contact; attributes given on another member of a chain are merged
// into the chain's map, in snapshot order.
type Snapshot struct {
	Instances []*Instance
	Contacts  []*Contact
	// StorageConfigs are the instances' storage configs, each with its
	// AssociationID.
	StorageConfigs []*StorageConfig
	// Settings are connectd's own settings of instances of the snapshot,
	// by instance id; an instance without an entry has the defaults.
	Settings map[string]*InstanceSettings
	// SearchableKeys are the keys searches may use in instances of the
	// snapshot, by instance id; an instance without an entry allows every
	// key (SetSearchableKeys).
	SearchableKeys map[string][]string
	// Flows and LambdaFunctions are the instances' contact flows and
	// associated Lambda functions (service_flow_search.go).
	Flows           []*Flow
	LambdaFunctions []LambdaAssociation
}

// Validate applies the rules the API applies to every record, as far as
// they can be checked without the store: required fields, enums, the
// attribute rules (per chain, after merging), chain references within the
// snapshot, retention and the 12-per-PreviousContactId quota. now is the
// clock's reading. The error is EINVALID and names the bad record. Records
// that refer to instances or contacts outside the snapshot are checked by
// the store. Validate fills a contact's empty InitialContactID with its own
// id: such a contact starts its chain.
func (s *Snapshot) Validate(now time.Time) error {
	instances := map[string]*Instance{}
	for i, inst := range s.Instances {
		where := fmt.Sprintf("Instances[%d] (Id %q)", i, inst.ID)
		switch {
		case inst.ID == "" || len(inst.ID) > 100:
			return Errorf(EINVALID, "%s: Id must be 1 to 100 characters.", where)
		case instances[inst.ID] != nil:
			return Errorf(EINVALID, "%s: the Id appears twice.", where)
		case !isAccountID(inst.Owner.AccountID):
			return Errorf(EINVALID, "%s: AccountId must be 12 digits.", where)
		case inst.Owner.Region == "":
			return Errorf(EINVALID, "%s: Region is required.", where)
		case !oneOf(inst.IdentityManagementType, IdentitySAML, IdentityConnectManaged, IdentityExistingDirectory):
			return Errorf(EINVALID, "%s: IdentityManagementType must be SAML, CONNECT_MANAGED or EXISTING_DIRECTORY.", where)
		}
		instances[inst.ID] = inst
	}
	type key struct{ instance, id string }
	contacts := map[key]*Contact{}
	chains := map[key]Attributes{}
	linked := map[key]int{}
	cutoff := RetentionCutoff(now)
	for i, c := range s.Contacts {
		where := fmt.Sprintf("Contacts[%d] (Id %q)", i, c.ID)
		k := key{c.InstanceID, c.ID}
		switch {
		case c.InstanceID == "":
			return Errorf(EINVALID, "%s: InstanceId is required.", where)
		case c.ID == "" || len(c.ID) > 256:
			return Errorf(EINVALID, "%s: Id must be 1 to 256 characters.", where)
		case contacts[k] != nil:
			return Errorf(EINVALID, "%s: the Id appears twice in instance %s.", where, c.InstanceID)
		case !oneOf(string(c.Channel), "VOICE", "CHAT", "TASK", "EMAIL"):
			return Errorf(EINVALID, "%s: Channel must be VOICE, CHAT, TASK or EMAIL.", where)
		case !validMethod(c.InitiationMethod):
			return Errorf(EINVALID, "%s: InitiationMethod %q is not one of the model's values.", where, c.InitiationMethod)
		case c.InitiationTimestamp.IsZero():
			return Errorf(EINVALID, "%s: InitiationTimestamp is required.", where)
		case c.InitiationTimestamp.Before(cutoff):
			return Errorf(EINVALID, "%s: InitiationTimestamp is older than the %d-month retention period.", where, RetentionMonths)
		case !c.DisconnectTimestamp.IsZero() && c.DisconnectTimestamp.Before(c.InitiationTimestamp):
			return Errorf(EINVALID, "%s: DisconnectTimestamp is before InitiationTimestamp.", where)
		case !c.EnqueueTimestamp.IsZero() && c.QueueID == "":
			return Errorf(EINVALID, "%s: EnqueueTimestamp needs the QueueId the contact was queued in.", where)
		case !c.EnqueueTimestamp.IsZero() && c.EnqueueTimestamp.Before(c.InitiationTimestamp):
			return Errorf(EINVALID, "%s: EnqueueTimestamp is before InitiationTimestamp.", where)
		case utf8.RuneCountInString(c.Name) > 1024 || utf8.RuneCountInString(c.Description) > 4096:
			return Errorf(EINVALID, "%s: Name may have at most 1024 characters, Description 4096.", where)
		}
		if c.InitialContactID == "" {
			c.InitialContactID = c.ID
		}
		if c.InitialContactID != c.ID {
			if first := contacts[key{c.InstanceID, c.InitialContactID}]; first != nil && !first.IsInitial() {
				return Errorf(EINVALID, "%s: InitialContactId %s is not the initial contact of its own chain.", where, c.InitialContactID)
			}
		}
		if c.PreviousContactID != "" {
			pk := key{c.InstanceID, c.PreviousContactID}
			if prev := contacts[pk]; prev != nil && prev.InitialContactID != c.InitialContactID {
				return Errorf(EINVALID, "%s: PreviousContactId %s belongs to chain %s, not %s.", where, prev.ID, prev.InitialContactID, c.InitialContactID)
			}
			if linked[pk]++; linked[pk] > MaxTasksPerPreviousContact {
				return Errorf(EINVALID, "%s: more than %d contacts name PreviousContactId %s.", where, MaxTasksPerPreviousContact, c.PreviousContactID)
			}
		}
		ck := key{c.InstanceID, c.InitialContactID}
		merged, err := Merge(chains[ck], c.Attributes)
		if err != nil {
			return Errorf(EINVALID, "%s: %s", where, ErrorMessage(err))
		}
		chains[ck] = merged
		contacts[k] = c
	}
	return nil
}

func oneOf(s string, values ...string) bool {
	for _, v := range values {
		if s == v {
			return true
		}
	}
	return false
}

func validMethod(m InitiationMethod) bool {
	for _, v := range InitiationMethods() {
		if m == v {
			return true
		}
	}
	return false
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

package connectd

import (
	"fmt"
	"strings"
	"time"
)

// DefaultAccountID is the account of a caller whose access key says nothing
// about its account (the convention LocalStack and other emulators share).
const DefaultAccountID = "000000000000"

// AccountFromAccessKey returns the account an access key id stands for when
// nothing maps it: a key of exactly 12 digits is the account id itself (so
// tests can pick an account by picking a key), any other key is
// DefaultAccountID.
func AccountFromAccessKey(key string) string {
	if isAccountID(key) {
		return key
	}
	return DefaultAccountID
}

// Owner is the (account, region) that a resource belongs to. Real Amazon
// Connect keeps each account's and region's instances apart; so does
// connectd: another owner sees ResourceNotFoundException.
type Owner struct {
	AccountID string
	Region    string
}

// Identity management types of an instance.
const (
	IdentitySAML              = "SAML"
	IdentityConnectManaged    = "CONNECT_MANAGED"
	IdentityExistingDirectory = "EXISTING_DIRECTORY"
)

// InstanceStatusActive is the status of every connectd instance: creation is
// asynchronous in Amazon Connect, but connectd has nothing to provision, so
// new instances are ACTIVE at once.
const InstanceStatusActive = "ACTIVE"

// Instance is an Amazon Connect instance: the container of contacts.
type Instance struct {
	ID                     string
	Owner                  Owner
	Alias                  string // may be empty for EXISTING_DIRECTORY
	IdentityManagementType string
	DirectoryID            string
	InboundCallsEnabled    bool
	OutboundCallsEnabled   bool
	Status                 string
	CreatedTime            time.Time
	Tags                   map[string]string
}

// Partition returns the AWS partition of a region, for ARNs.
func Partition(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	default:
		return "aws"
	}
}

// ARN returns arn:{partition}:connect:{region}:{account}:instance/{id}.
// A concatenation rather than fmt.Sprintf: every contact event and record
// writes it.
func (i *Instance) ARN() string {
	return "arn:" + Partition(i.Owner.Region) + ":connect:" + i.Owner.Region + ":" + i.Owner.AccountID + ":instance/" + i.ID
}

// ServiceRole returns the service-linked role ARN that Amazon Connect reports
// for an instance. The suffix is derived from the instance id so that it is
// stable across calls.
func (i *Instance) ServiceRole() string {
	suffix := strings.ReplaceAll(i.ID, "-", "")
	if len(suffix) > 20 {
		suffix = suffix[:20]
	}
	return fmt.Sprintf("arn:%s:iam::%s:role/aws-service-role/connect.amazonaws.com/AWSServiceRoleForAmazonConnect_%s",
		Partition(i.Owner.Region), i.Owner.AccountID, suffix)
}

// AccessURL returns the instance's access URL, https://{alias}.my.connect.aws,
// or "" when the instance has no alias.
func (i *Instance) AccessURL() string {
	if i.Alias == "" {
		return ""
	}
	return "https://" + i.Alias + ".my.connect.aws"
}

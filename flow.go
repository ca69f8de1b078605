package connectd

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"time"
)

// Flow is a contact flow of an instance (CreateContactFlow): its content in
// the Amazon Connect Flow language, kept as the caller sent it.
type Flow struct {
	InstanceID  string
	ID          string
	Owner       Owner
	Name        string
	Description string
	// Type is one of FlowTypes().
	Type string
	// State is ACTIVE or ARCHIVED (UpdateContactFlowMetadata).
	State string
	// Status is PUBLISHED or SAVED. Only a PUBLISHED flow's content must
	// pass ValidateFlowContent; SAVED content must still parse.
	Status             string
	Content            string
	Tags               map[string]string
	LastModifiedTime   time.Time
	LastModifiedRegion string
}

// The flow states and statuses of the model.
const (
	FlowStateActive     = "ACTIVE"
	FlowStateArchived   = "ARCHIVED"
	FlowStatusPublished = "PUBLISHED"
	FlowStatusSaved     = "SAVED"
)

// FlowTypes are the model's ContactFlowType values.
func FlowTypes() []string {
	return []string{"CONTACT_FLOW", "CUSTOMER_QUEUE", "CUSTOMER_HOLD", "CUSTOMER_WHISPER", "AGENT_HOLD",
		"AGENT_WHISPER", "OUTBOUND_WHISPER", "AGENT_TRANSFER", "QUEUE_TRANSFER", "CAMPAIGN"}
}

// ARN is the flow's ARN, as Amazon Connect forms it:
// arn:aws:connect:REGION:ACCOUNT:instance/INSTANCE/contact-flow/ID.
func (f *Flow) ARN() string {
	return (&Instance{ID: f.InstanceID, Owner: f.Owner}).ARN() + "/contact-flow/" + f.ID
}

// ContentSHA256 is DescribeContactFlow's FlowContentSha256: the hex SHA-256
// of Content as stored.
func (f *Flow) ContentSHA256() string {
	sum := sha256.Sum256([]byte(f.Content))
	return hex.EncodeToString(sum[:])
}

// Error codes of the flow use cases, mapped by the api package like the
// others (see error.go).
const (
	// EINVALIDFLOW is flow content that fails validation:
	// InvalidContactFlowException, with a *FlowProblems in the chain.
	EINVALIDFLOW = "invalid_flow"
	// EDUPLICATE is a name already used by another flow of the instance:
	// DuplicateResourceException.
	EDUPLICATE = "duplicate"
	// ERESOURCECONFLICT is a resource already associated:
	// ResourceConflictException.
	ERESOURCECONFLICT = "resource_conflict"
)

// FlowProblems is the error of content that fails validation: one message
// per problem, as InvalidContactFlowException's problems list carries them.
type FlowProblems struct {
	Problems []string
	err      *Error
}

// NewFlowProblems returns the EINVALIDFLOW error of problems.
func NewFlowProblems(problems []string) *FlowProblems {
	return &FlowProblems{Problems: problems, err: Errorf(EINVALIDFLOW,
		"The flow content is not valid: %s", strings.Join(problems, "; "))}
}

// Error implements the error interface.
func (p *FlowProblems) Error() string { return p.err.Error() }

// Unwrap returns the *Error, so ErrorCode and ErrorMessage see it.
func (p *FlowProblems) Unwrap() error { return p.err }

// ProblemsOf returns the problems of a FlowProblems in err's chain, or nil.
func ProblemsOf(err error) []string {
	var p *FlowProblems
	if errors.As(err, &p) {
		return p.Problems
	}
	return nil
}

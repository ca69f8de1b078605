package api

import (
	"fmt"

	"github.com/connectd/connectd"
)

// wireSnapshotReference is a contact's reference in the control plane's
// import and export format: the model's Reference members.
type wireSnapshotReference struct {
	Type         string `json:"Type"`
	Value        string `json:"Value,omitempty"`
	Status       string `json:"Status,omitempty"`
	Arn          string `json:"Arn,omitempty"`
	StatusReason string `json:"StatusReason,omitempty"`
}

// snapshotReferences converts references to the snapshot format; nil when
// there are none, so that the member is left out.
func snapshotReferences(refs map[string]connectd.Reference) map[string]wireSnapshotReference {
	if len(refs) == 0 {
		return nil
	}
	out := make(map[string]wireSnapshotReference, len(refs))
	for k, r := range refs {
		out[k] = wireSnapshotReference(r)
	}
	return out
}

// checkImportedDetails applies to an imported contact's References and
// Tags the member checks of the API that would have stored them (the
// Start* operations' References, TagContact's Tags): "Every rule of the
// API applies" to an import, and without this a fixture could hold what no
// request can store (a tag key with a space, a 300-character tag value, an
// empty reference name) and export it again.
func (s *Server) checkImportedDetails(refs map[string]wireSnapshotReference, tags map[string]string) error {
	var v validator
	if len(refs) > 0 {
		instanceID := "imported" // checkCommon requires one; the import checks the real one
		common := &startCommon{InstanceId: &instanceID, References: map[string]wireReference{}}
		for k, r := range refs {
			common.References[k] = wireReference{Value: &r.Value, Type: &r.Type, Status: optional(r.Status),
				Arn: optional(r.Arn), StatusReason: &r.StatusReason}
		}
		s.checkCommon(&v, common)
	}
	for _, k := range sortedKeys(tags) {
		s.checkTagKey(&v, "Tags key", k)
		v.length(fmt.Sprintf("Tags[%s]", k), tags[k], 0, 256)
	}
	return v.err
}

// optional is nil for the empty string, a member the snapshot left out.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// importedReferences converts snapshot references to the domain's. The
// store applies the 4,096-byte limit; Type must be one of the model's.
func importedReferences(refs map[string]wireSnapshotReference) (map[string]connectd.Reference, error) {
	if len(refs) == 0 {
		return nil, nil
	}
	var v validator
	out := make(map[string]connectd.Reference, len(refs))
	for _, k := range sortedKeys(refs) {
		v.oneOf("References["+k+"].Type", refs[k].Type, referenceTypes()...)
		out[k] = connectd.Reference(refs[k])
	}
	return out, v.err
}

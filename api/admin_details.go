package api

import "github.com/connectd/connectd"

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

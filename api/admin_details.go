package api

import (
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
	if len(refs) > 0 {
		if err := s.model.checkValue("ContactReferences", "References", refs); err != nil {
			return err
		}
	}
	if len(tags) > 0 {
		return s.model.checkValue("ContactTagMap", "Tags", tags)
	}
	return nil
}

// checkImportedInstance applies CreateInstance's model rules to an
// imported instance's alias and tags.
func (s *Server) checkImportedInstance(alias string, tags map[string]string) error {
	if alias != "" {
		if err := s.model.checkValue("DirectoryAlias", "InstanceAlias", alias); err != nil {
			return err
		}
	}
	if len(tags) > 0 {
		return s.model.checkValue("TagMap", "Tags", tags)
	}
	return nil
}

// importedReferences converts snapshot references to the domain's (checked
// by checkImportedDetails; the store applies the 4,096-byte limit).
func importedReferences(refs map[string]wireSnapshotReference) map[string]connectd.Reference {
	if len(refs) == 0 {
		return nil
	}
	out := make(map[string]connectd.Reference, len(refs))
	for k, r := range refs {
		out[k] = connectd.Reference(r)
	}
	return out
}

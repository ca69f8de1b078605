// Package stored is the stored form of the values both SQL stores keep as
// JSON documents: attribute and tag maps, a contact's references, an
// instance's searchable keys. It is the one place that form is written,
// so that a database written by one store's code reads back the same in
// the other's, and neither store imports the other.
package stored

import (
	"encoding/json"
	"fmt"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/internal/jsonmap"
	jsonv2 "github.com/go-json-experiment/json"
)

// Map encodes m as a JSON object; ok is false when m is empty, which the
// stores keep as NULL.
func Map(m map[string]string) (doc string, ok bool, err error) {
	if len(m) == 0 {
		return "", false, nil
	}
	return string(jsonmap.Append(nil, m)), true, nil
}

// ParseMap reads what Map stored; an empty document (NULL) reads as an
// empty map. It decodes with go-json-experiment's json (v2), which reads a
// flat object of strings in about half encoding/json's time (8.4 against
// 17–22 µs for 10 pairs): every attribute update reads its chain's map
// back, and encoding/json's decode was 7.5 % of the PostgreSQL write
// path's CPU in connectd (BENCHMARKS.md, "Issue 18, session 3: PostgreSQL
// write path CPU"). What v2 refuses and v1 took (a member named twice,
// invalid UTF-8) is in no stored map: jsonb keeps one member per name and
// Map writes valid UTF-8.
func ParseMap(doc []byte) (map[string]string, error) {
	m := map[string]string{}
	if len(doc) == 0 {
		return m, nil
	}
	if err := jsonv2.Unmarshal(doc, &m); err != nil {
		return nil, fmt.Errorf("decode JSON map: %w", err)
	}
	return m, nil
}

// reference is a Reference as stored in the refs JSON object, with short
// member names: a contact may carry 4 KiB of them.
type reference struct {
	Type         string `json:"t"`
	Value        string `json:"v,omitempty"`
	Status       string `json:"s,omitempty"`
	Arn          string `json:"a,omitempty"`
	StatusReason string `json:"r,omitempty"`
}

// References encodes refs; ok is false when there are none (NULL).
func References(refs map[string]connectd.Reference) (doc string, ok bool, err error) {
	if len(refs) == 0 {
		return "", false, nil
	}
	out := make(map[string]reference, len(refs))
	for k, r := range refs {
		out[k] = reference(r)
	}
	b, err := json.Marshal(out)
	if err != nil {
		return "", false, fmt.Errorf("encode references: %w", err)
	}
	return string(b), true, nil
}

// Details sets c's References and Tags from their stored documents.
func Details(c *connectd.Contact, refs, tags []byte) error {
	if len(refs) > 0 {
		var in map[string]reference
		if err := json.Unmarshal(refs, &in); err != nil {
			return fmt.Errorf("decode references of contact %s: %w", c.ID, err)
		}
		c.References = make(map[string]connectd.Reference, len(in))
		for k, r := range in {
			c.References[k] = connectd.Reference(r)
		}
	}
	var err error
	if c.Tags, err = ParseMap(tags); err != nil {
		return fmt.Errorf("decode tags of contact %s: %w", c.ID, err)
	}
	return nil
}

// Keys encodes an instance's searchable keys; ok is false for none, which
// the stores keep as NULL: every key is searchable.
func Keys(keys []string) (doc string, ok bool, err error) {
	if len(keys) == 0 {
		return "", false, nil
	}
	b, err := json.Marshal(keys)
	if err != nil {
		return "", false, fmt.Errorf("encode searchable keys: %w", err)
	}
	return string(b), true, nil
}

// ParseKeys reads what Keys stored; NULL (null true) is every key (nil).
func ParseKeys(doc []byte, null bool) ([]string, error) {
	if null {
		return nil, nil
	}
	keys := []string{}
	if err := json.Unmarshal(doc, &keys); err != nil {
		return nil, fmt.Errorf("decode searchable keys: %w", err)
	}
	return keys, nil
}

// Attacher gives contacts read in bulk (an export) the details read in one
// scan of the details table.
type Attacher map[[2]string]*connectd.Contact

// NewAttacher indexes contacts by instance and id.
func NewAttacher(contacts []*connectd.Contact) Attacher {
	a := make(Attacher, len(contacts))
	for _, c := range contacts {
		a[[2]string{c.InstanceID, c.ID}] = c
	}
	return a
}

// Attach sets the details of contact id of instanceID, if it is one of the
// attacher's; others (expired contacts) are skipped.
func (a Attacher) Attach(instanceID, id string, refs, tags []byte) error {
	if c := a[[2]string{instanceID, id}]; c != nil {
		return Details(c, refs, tags)
	}
	return nil
}

package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/connectd/connectd"
)

// Queries of a contact's details (migration 0003). A contact without
// references and tags has no row.
const (
	queryDetails  = `SELECT refs, tags FROM contact_details WHERE instance_id = ? AND contact_id = ?`
	upsertDetails = `INSERT INTO contact_details (instance_id, contact_id, refs, tags) VALUES (?, ?, ?, ?)
		ON CONFLICT (instance_id, contact_id) DO UPDATE SET refs = excluded.refs, tags = excluded.tags`
	deleteDetails = `DELETE FROM contact_details WHERE instance_id = ? AND contact_id = ?`
)

// storedReference is a Reference as stored in the refs JSON object.
type storedReference struct {
	Type         string `json:"t"`
	Value        string `json:"v,omitempty"`
	Status       string `json:"s,omitempty"`
	Arn          string `json:"a,omitempty"`
	StatusReason string `json:"r,omitempty"`
}

// LoadDetails reads contact c's references and tags into it.
func (r *rows) LoadDetails(ctx context.Context, c *connectd.Contact) error {
	var refs, tags sql.NullString
	err := r.q.QueryRowContext(ctx, queryDetails, c.InstanceID, c.ID).Scan(&refs, &tags)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	return decodeDetails(c, []byte(refs.String), tags)
}

// decodeDetails sets c's References and Tags from their stored forms.
func decodeDetails(c *connectd.Contact, refs []byte, tags sql.NullString) error {
	if len(refs) > 0 {
		var stored map[string]storedReference
		if err := json.Unmarshal(refs, &stored); err != nil {
			return fmt.Errorf("decode references of contact %s: %w", c.ID, err)
		}
		c.References = map[string]connectd.Reference{}
		for k, r := range stored {
			c.References[k] = connectd.Reference(r)
		}
	}
	var err error
	if c.Tags, err = decodeMap(tags); err != nil {
		return fmt.Errorf("decode tags of contact %s: %w", c.ID, err)
	}
	return nil
}

// SaveDetails writes c's references and tags, removing the row when both
// are empty.
func (r *rows) SaveDetails(ctx context.Context, c *connectd.Contact) error {
	if len(c.References) == 0 && len(c.Tags) == 0 {
		_, err := r.exec(ctx, deleteDetails, c.InstanceID, c.ID)
		return err
	}
	refs := sql.NullString{}
	if len(c.References) > 0 {
		stored := map[string]storedReference{}
		for k, ref := range c.References {
			stored[k] = storedReference(ref)
		}
		b, err := json.Marshal(stored)
		if err != nil {
			return err
		}
		refs = sql.NullString{String: string(b), Valid: true}
	}
	tags, err := encodeMap(c.Tags)
	if err != nil {
		return err
	}
	_, err = r.exec(ctx, upsertDetails, c.InstanceID, c.ID, refs, tags)
	return err
}

// queryAllDetails reads every contact's details, for Export.
const queryAllDetails = `SELECT instance_id, contact_id, refs, tags FROM contact_details`

// attachDetails loads the details of contacts (an export) in one scan.
func attachDetails(ctx context.Context, q querier, contacts []*connectd.Contact) error {
	type key struct{ instance, id string }
	byKey := make(map[key]*connectd.Contact, len(contacts))
	for _, c := range contacts {
		byKey[key{c.InstanceID, c.ID}] = c
	}
	rows, err := q.QueryContext(ctx, queryAllDetails)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k key
		var refs, tags sql.NullString
		if err := rows.Scan(&k.instance, &k.id, &refs, &tags); err != nil {
			return err
		}
		if c := byKey[k]; c != nil {
			if err := decodeDetails(c, []byte(refs.String), tags); err != nil {
				return err
			}
		}
	}
	return rows.Err()
}

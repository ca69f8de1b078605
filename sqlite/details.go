package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"

	"github.com/connectd/connectd"
)

// Queries of a contact's details (migration 0003). A contact without
// references and tags has no row.
const (
	queryDetails  = `SELECT refs, tags FROM contact_details WHERE instance_id = ? AND contact_id = ?`
	upsertDetails = `INSERT INTO contact_details (instance_id, contact_id, refs, tags) VALUES (?, ?, ?, ?)
		ON CONFLICT (instance_id, contact_id) DO UPDATE SET refs = excluded.refs, tags = excluded.tags`
	deleteDetails = `DELETE FROM contact_details WHERE instance_id = ? AND contact_id = ?`
	// updateNames sets Name and Description where the argument is not NULL.
	updateNames = `UPDATE contacts SET name = coalesce(?, name), description = coalesce(?, description),
		updated_ms = ? WHERE instance_id = ? AND id = ?`
	queryTransferToken = `SELECT id, coalesce(previous_contact_id, ''), initiation_method, initiated_ms
		FROM contacts WHERE instance_id = ? AND client_token = ?`
	queryCountTransfers = `SELECT count(*) FROM contacts
		WHERE instance_id = ? AND initial_contact_id = ? AND initiated_ms >= ?
			AND initiation_method IN ('TRANSFER', 'QUEUE_TRANSFER')`
)

// storedReference is a Reference as stored in the refs JSON object.
type storedReference struct {
	Type         string `json:"t"`
	Value        string `json:"v,omitempty"`
	Status       string `json:"s,omitempty"`
	Arn          string `json:"a,omitempty"`
	StatusReason string `json:"r,omitempty"`
}

// loadDetails reads contact c's references and tags into it.
func loadDetails(ctx context.Context, q querier, c *connectd.Contact) error {
	var refs, tags sql.NullString
	err := q.QueryRowContext(ctx, queryDetails, c.InstanceID, c.ID).Scan(&refs, &tags)
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

// saveDetails writes c's references and tags, after checking their totals
// (MaxReferencesBytes, MaxContactTags). It removes the row when both are
// empty.
func saveDetails(ctx context.Context, tx *txn, c *connectd.Contact) error {
	if _, err := connectd.MergeReferences(nil, c.References); err != nil {
		return err
	}
	if _, err := connectd.MergeTags(nil, c.Tags); err != nil {
		return err
	}
	if len(c.References) == 0 && len(c.Tags) == 0 {
		_, err := tx.ExecContext(ctx, deleteDetails, c.InstanceID, c.ID)
		return err
	}
	refs := sql.NullString{}
	if len(c.References) > 0 {
		stored := map[string]storedReference{}
		for k, r := range c.References {
			stored[k] = storedReference(r)
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
	_, err = tx.ExecContext(ctx, upsertDetails, c.InstanceID, c.ID, refs, tags)
	return err
}

// changeDetails runs change on a live contact with its details loaded, then
// saves them, all in one write transaction.
func (s *Store) changeDetails(ctx context.Context, op string, owner connectd.Owner, instanceID, contactID string,
	change func(tx *txn, c *connectd.Contact) error) error {
	return s.write(ctx, op, func(tx *txn) error {
		c, err := s.findContact(ctx, tx, owner, instanceID, contactID, "Contact")
		if err != nil {
			return err
		}
		if err := loadDetails(ctx, tx, c); err != nil {
			return err
		}
		if err := change(tx, c); err != nil {
			return err
		}
		return saveDetails(ctx, tx, c)
	})
}

// UpdateContact sets a contact's Name and Description and merges its
// References (connectd.ContactDetailer).
func (s *Store) UpdateContact(ctx context.Context, owner connectd.Owner, instanceID, contactID string, u *connectd.ContactUpdate) error {
	return s.changeDetails(ctx, "update contact", owner, instanceID, contactID, func(tx *txn, c *connectd.Contact) error {
		var err error
		if c.References, err = connectd.MergeReferences(c.References, u.References); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, updateNames, nullable(u.Name), nullable(u.Description),
			millis(truncate(s.clock.Now())), instanceID, contactID)
		return err
	})
}

// TagContact adds or replaces a contact's tags (connectd.MergeTags).
func (s *Store) TagContact(ctx context.Context, owner connectd.Owner, instanceID, contactID string, tags map[string]string) error {
	return s.changeDetails(ctx, "tag contact", owner, instanceID, contactID, func(_ *txn, c *connectd.Contact) error {
		var err error
		c.Tags, err = connectd.MergeTags(c.Tags, tags)
		return err
	})
}

// UntagContact removes a contact's tags with the given keys.
func (s *Store) UntagContact(ctx context.Context, owner connectd.Owner, instanceID, contactID string, keys []string) error {
	return s.changeDetails(ctx, "untag contact", owner, instanceID, contactID, func(_ *txn, c *connectd.Contact) error {
		c.Tags = maps.Clone(c.Tags)
		for _, k := range keys {
			delete(c.Tags, k)
		}
		return nil
	})
}

// nullable stores a nil *string as NULL.
func nullable(s *string) sql.NullString {
	if s == nil {
		return sql.NullString{}
	}
	return sql.NullString{String: *s, Valid: true}
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

package sqlite

import (
	"context"
	"database/sql"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/internal/stored"
)

// Statements of instance settings (migration 0004).
const (
	querySettings  = `SELECT doc FROM instance_settings WHERE instance_id = ?`
	upsertSettings = `INSERT INTO instance_settings (instance_id, doc) VALUES (?, ?)
		ON CONFLICT (instance_id) DO UPDATE SET doc = excluded.doc`
)

func (r *rows) InstanceSettings(ctx context.Context, instanceID string) (*connectd.InstanceSettings, error) {
	var doc sql.NullString
	found, err := r.one(ctx, querySettings, []any{instanceID}, &doc)
	if err != nil || !found {
		return nil, err
	}
	return stored.ParseSettings([]byte(doc.String))
}

func (r *rows) SaveInstanceSettings(ctx context.Context, instanceID string, s *connectd.InstanceSettings) error {
	doc, err := stored.Settings(s)
	if err != nil {
		return err
	}
	_, err = r.exec(ctx, upsertSettings, instanceID, string(doc))
	return err
}

const updateInstanceTags = `UPDATE instances SET tags = ? WHERE id = ?`

func (r *rows) SetInstanceTags(ctx context.Context, instanceID string, tags map[string]string) error {
	doc, err := encodeMap(tags)
	if err != nil {
		return err
	}
	_, err = r.exec(ctx, updateInstanceTags, doc, instanceID)
	return err
}

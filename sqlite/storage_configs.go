package sqlite

import (
	"context"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/internal/stored"
)

// Storage config statements (see migration 0008).
const (
	selectStorageConfigs = `SELECT association_id, resource_type, storage_type, stream_arn, firehose_arn, document
		FROM storage_configs WHERE instance_id = ? AND (? = '' OR resource_type = ?) ORDER BY association_id`
	upsertStorageConfig = `INSERT INTO storage_configs (instance_id, association_id, resource_type, storage_type,
		stream_arn, firehose_arn, document) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (instance_id, association_id) DO UPDATE SET resource_type = excluded.resource_type,
		storage_type = excluded.storage_type, stream_arn = excluded.stream_arn,
		firehose_arn = excluded.firehose_arn, document = excluded.document`
	deleteStorageConfig = `DELETE FROM storage_configs WHERE instance_id = ? AND association_id = ?`
)

func (r *rows) StorageConfigs(ctx context.Context, instanceID, resourceType string) ([]*connectd.StorageConfig, error) {
	rs, err := r.q.QueryContext(ctx, selectStorageConfigs, instanceID, resourceType, resourceType)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	return stored.Collect(rs, stored.StorageConfigOf(instanceID))
}

func (r *rows) PutStorageConfig(ctx context.Context, sc *connectd.StorageConfig) error {
	_, err := r.exec(ctx, upsertStorageConfig, sc.InstanceID, sc.AssociationID, sc.ResourceType, sc.StorageType,
		sc.StreamARN, sc.FirehoseARN, string(sc.Document))
	return err
}

func (r *rows) DeleteStorageConfig(ctx context.Context, instanceID, associationID string) (bool, error) {
	res, err := r.exec(ctx, deleteStorageConfig, instanceID, associationID)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

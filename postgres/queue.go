package postgres

import (
	"context"
	"time"
)

// updateEnqueue puts a contact in a queue (TransferContactToQueue),
// finding its row through the primary key.
const updateEnqueue = `UPDATE contacts SET queue_id = $1, enqueued_at = $2, updated_at = $2 WHERE instance_id = $3 AND id = $4`

func (r *rows) EnqueueContact(ctx context.Context, instanceID, id, queueID string, at time.Time) error {
	_, err := r.exec(ctx, updateEnqueue, queueID, truncate(at), instanceID, id)
	return err
}

package sqlite

import (
	"context"
	"time"
)

// updateEnqueue puts a contact in a queue (TransferContactToQueue),
// finding its row through the primary key.
const updateEnqueue = `UPDATE contacts SET queue_id = ?, enqueued_ms = ?, updated_ms = ? WHERE instance_id = ? AND id = ?`

func (r *rows) EnqueueContact(ctx context.Context, instanceID, id, queueID string, at time.Time) error {
	ms := millis(truncate(at))
	_, err := r.exec(ctx, updateEnqueue, queueID, ms, ms, instanceID, id)
	return err
}

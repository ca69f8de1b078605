-- When a flow's TransferContactToQueue put the contact in queue_id
-- (DescribeContact's QueueInfo.EnqueueTimestamp); NULL if it was never
-- queued.
ALTER TABLE contacts ADD COLUMN enqueued_ms INTEGER;

-- Instance storage configs (AssociateInstanceStorageConfig): where an
-- instance's data of one resource type goes. document is the config as the
-- caller sent it (JSON); the stream ARNs are copied out for the deliverer.
-- They go with their instance by cascade.
CREATE TABLE storage_configs (
    instance_id    TEXT NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
    association_id TEXT NOT NULL,
    resource_type  TEXT NOT NULL,
    storage_type   TEXT NOT NULL,
    stream_arn     TEXT NOT NULL DEFAULT '',
    firehose_arn   TEXT NOT NULL DEFAULT '',
    document       TEXT NOT NULL,
    PRIMARY KEY (instance_id, association_id)
) WITHOUT ROWID;

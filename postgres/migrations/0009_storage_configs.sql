-- Instance storage configs (AssociateInstanceStorageConfig): where an
-- instance's data of one resource type goes. document is the config as the
-- caller sent it (JSON text, kept byte for byte); the stream ARNs are
-- copied out for the deliverer. They go with their instance by cascade.
CREATE TABLE storage_configs (
    instance_id    text COLLATE "C" NOT NULL,
    association_id text COLLATE "C" NOT NULL,
    resource_type  text NOT NULL,
    storage_type   text NOT NULL,
    stream_arn     text NOT NULL DEFAULT '',
    firehose_arn   text NOT NULL DEFAULT '',
    document       text NOT NULL,
    CONSTRAINT storage_configs_pkey PRIMARY KEY (instance_id, association_id),
    CONSTRAINT storage_configs_instance FOREIGN KEY (instance_id) REFERENCES instances (id) ON DELETE CASCADE
);

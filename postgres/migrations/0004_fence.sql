-- The fence's record (see fence.go): the system identifier of the cluster
-- this database lives in and the highest timeline a connectd has seen its
-- primary on. One row at most; replicated with the rest of the database, so
-- every connectd that reaches the current primary reads the same record.
CREATE TABLE connectd_fence (
    one               boolean     NOT NULL DEFAULT true PRIMARY KEY CHECK (one),
    system_identifier text        NOT NULL,
    timeline          bigint      NOT NULL,
    updated_at        timestamptz NOT NULL
);

-- Contact flows, the Lambda functions associated with an instance, and the
-- log of each contact's flow run (issue 15): one JSON document per
-- (instance, kind, id), encoded by the Service. Documents go with their
-- instance (DeleteInstance and reset delete them explicitly as well).
CREATE TABLE flow_docs (
    instance_id TEXT NOT NULL,
    kind        TEXT NOT NULL,
    id          TEXT NOT NULL,
    doc         TEXT NOT NULL,
    PRIMARY KEY (instance_id, kind, id),
    FOREIGN KEY (instance_id) REFERENCES instances (id) ON DELETE CASCADE
) WITHOUT ROWID;

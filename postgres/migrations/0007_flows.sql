-- Contact flows, the Lambda functions associated with an instance, and the
-- log of each contact's flow run (issue 15): one JSON document per
-- (instance, kind, id), encoded by the Service. Documents go with their
-- instance by cascade.
CREATE TABLE flow_docs (
    instance_id text COLLATE "C" NOT NULL,
    kind        text COLLATE "C" NOT NULL,
    id          text COLLATE "C" NOT NULL,
    doc         text NOT NULL,
    CONSTRAINT flow_docs_pkey PRIMARY KEY (instance_id, kind, id),
    CONSTRAINT flow_docs_instance FOREIGN KEY (instance_id)
        REFERENCES instances (id) ON DELETE CASCADE
);

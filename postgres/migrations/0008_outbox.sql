-- The outbox: contact records and contact events, written in the same
-- transaction as the change they announce and delivered after it commits.
-- seq orders them (an identity never reuses a value); rows outlive their
-- contacts and instances, so a record of a contact deleted since is still
-- delivered. payload is text, not jsonb, so the JSON is delivered byte for
-- byte as the Service wrote it.
CREATE TABLE outbox (
    seq          bigint GENERATED ALWAYS AS IDENTITY,
    instance_id  text COLLATE "C" NOT NULL,
    contact_id   text COLLATE "C" NOT NULL,
    kind         text        NOT NULL,
    payload      text        NOT NULL,
    created_at   timestamptz NOT NULL,
    state        text        NOT NULL,
    attempts     integer     NOT NULL DEFAULT 0,
    next_at      timestamptz,
    last_error   text        NOT NULL DEFAULT '',
    delivered_at timestamptz,
    CONSTRAINT outbox_pkey PRIMARY KEY (seq)
);

-- The deliverer reads the pending entries in seq order.
CREATE INDEX outbox_pending ON outbox (seq) WHERE state = 'PENDING';
-- The control plane reads one instance's entries in seq order.
CREATE INDEX outbox_instance ON outbox (instance_id, seq);

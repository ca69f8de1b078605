-- The outbox: contact records and contact events, written in the same unit
-- of work as the change they announce and delivered after it commits.
-- seq orders them (AUTOINCREMENT never reuses a trimmed seq); rows outlive
-- their contacts and instances, so a record of a contact deleted since is
-- still delivered. Times are Unix milliseconds; NULL is the zero time.
CREATE TABLE outbox (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    instance_id  TEXT    NOT NULL,
    contact_id   TEXT    NOT NULL,
    kind         TEXT    NOT NULL,
    payload      TEXT    NOT NULL,
    created_ms   INTEGER NOT NULL,
    state        TEXT    NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_ms      INTEGER,
    last_error   TEXT    NOT NULL DEFAULT '',
    delivered_ms INTEGER
);

-- The deliverer reads the pending entries in seq order.
CREATE INDEX outbox_pending ON outbox (seq) WHERE state = 'PENDING';
-- The control plane reads one instance's entries in seq order.
CREATE INDEX outbox_instance ON outbox (instance_id, seq);

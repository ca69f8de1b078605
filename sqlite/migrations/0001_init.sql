-- Instances belong to one owner (account, region). Optional strings are NULL
-- rather than '' so that partial indexes "WHERE x IS NOT NULL" are usable by
-- "x = ?" lookups: SQLite proves "x = ?" implies "x IS NOT NULL", but never
-- that it implies "x <> ''".
CREATE TABLE instances (
    id                       TEXT    NOT NULL PRIMARY KEY,
    account                  TEXT    NOT NULL,
    region                   TEXT    NOT NULL,
    alias                    TEXT,
    identity_management_type TEXT    NOT NULL DEFAULT '',
    directory_id             TEXT,
    inbound                  INTEGER NOT NULL DEFAULT 0,
    outbound                 INTEGER NOT NULL DEFAULT 0,
    status                   TEXT    NOT NULL,
    created_ms               INTEGER NOT NULL,
    tags                     TEXT    -- JSON object, NULL when there are none
);

-- An alias is unique per owner; instances without one do not collide.
CREATE UNIQUE INDEX instances_owner_alias ON instances (account, region, alias)
    WHERE alias IS NOT NULL;
-- ListInstances pages through one owner's instances in id order.
CREATE INDEX instances_owner_id ON instances (account, region, id);

-- A contact row. attributes holds the chain's map and is meaningful only on
-- the initial contact's row (NULL elsewhere): the chain shares one map.
-- Times are Unix milliseconds (UTC); NULL stands for the zero time.
CREATE TABLE contacts (
    instance_id         TEXT    NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
    id                  TEXT    NOT NULL,
    initial_contact_id  TEXT    NOT NULL,
    previous_contact_id TEXT,
    related_contact_id  TEXT,
    channel             TEXT    NOT NULL,
    initiation_method   TEXT    NOT NULL,
    name                TEXT    NOT NULL DEFAULT '',
    description         TEXT    NOT NULL DEFAULT '',
    queue_id            TEXT    NOT NULL DEFAULT '',
    client_token        TEXT,
    initiated_ms        INTEGER NOT NULL,
    scheduled_ms        INTEGER,
    disconnected_ms     INTEGER,
    updated_ms          INTEGER NOT NULL,
    attributes          TEXT,
    PRIMARY KEY (instance_id, id)
);

-- Counting the tasks that name one PreviousContactId (the quota of 12).
CREATE INDEX contacts_previous ON contacts (instance_id, previous_contact_id)
    WHERE previous_contact_id IS NOT NULL;
-- Idempotent starts: one contact per ClientToken and instance.
CREATE UNIQUE INDEX contacts_client_token ON contacts (instance_id, client_token)
    WHERE client_token IS NOT NULL;
-- The retention sweeper deletes the oldest contacts first.
CREATE INDEX contacts_initiated ON contacts (initiated_ms);

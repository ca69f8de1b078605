-- connectd's PostgreSQL schema. Identifiers use the "C" collation: byte
-- order, as in SQLite and Go, so that ListInstances pages the same way on
-- every server whatever its locale, and btree comparisons stay cheap.
-- Optional strings are NULL rather than '' so that they stay out of the
-- partial indexes. Times are timestamptz, written at millisecond precision
-- (the store truncates them), NULL for the zero time.

CREATE TABLE instances (
    id                       text COLLATE "C" NOT NULL,
    account                  text COLLATE "C" NOT NULL,
    region                   text COLLATE "C" NOT NULL,
    alias                    text COLLATE "C",
    identity_management_type text        NOT NULL DEFAULT '',
    directory_id             text,
    inbound                  boolean     NOT NULL DEFAULT false,
    outbound                 boolean     NOT NULL DEFAULT false,
    status                   text        NOT NULL,
    created_at               timestamptz NOT NULL,
    tags                     jsonb,      -- NULL when there are none
    CONSTRAINT instances_pkey PRIMARY KEY (id)
);

-- An alias is unique per owner; instances without one do not collide.
CREATE UNIQUE INDEX instances_owner_alias ON instances (account, region, alias)
    WHERE alias IS NOT NULL;
-- ListInstances pages through one owner's instances in id order.
CREATE INDEX instances_owner_id ON instances (account, region, id);

-- A contact row. attributes holds the chain's map and is meaningful only on
-- the initial contact's row (NULL elsewhere): the chain shares one map, and
-- that row is the one writers lock. fillfactor leaves room on each page so
-- that rewriting attributes and updated_at (neither is indexed) can be a
-- HOT update that touches no index.
CREATE TABLE contacts (
    instance_id         text COLLATE "C" NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
    id                  text COLLATE "C" NOT NULL,
    initial_contact_id  text COLLATE "C" NOT NULL,
    previous_contact_id text COLLATE "C",
    related_contact_id  text COLLATE "C",
    channel             text        NOT NULL,
    initiation_method   text        NOT NULL,
    name                text        NOT NULL DEFAULT '',
    description         text        NOT NULL DEFAULT '',
    queue_id            text        NOT NULL DEFAULT '',
    client_token        text COLLATE "C",
    initiated_at        timestamptz NOT NULL,
    scheduled_at        timestamptz,
    disconnected_at     timestamptz,
    updated_at          timestamptz NOT NULL,
    attributes          jsonb,
    CONSTRAINT contacts_pkey PRIMARY KEY (instance_id, id)
) WITH (fillfactor = 90);

-- Counting the tasks that name one PreviousContactId (the quota of 12).
CREATE INDEX contacts_previous ON contacts (instance_id, previous_contact_id)
    WHERE previous_contact_id IS NOT NULL;
-- Idempotent starts: one contact per ClientToken and instance. The store
-- relies on this index, not on its own check, when two starts race.
CREATE UNIQUE INDEX contacts_client_token ON contacts (instance_id, client_token)
    WHERE client_token IS NOT NULL;
-- The retention sweeper deletes the oldest contacts first.
CREATE INDEX contacts_initiated ON contacts (initiated_at);

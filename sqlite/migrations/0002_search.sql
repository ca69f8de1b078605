-- SearchContacts: an index of the chain maps' (key, value) pairs, the
-- per-instance list of searchable keys, and the key that signs NextTokens.

-- One row per (chain, key) with the chain map's current value: the rows of
-- the initial contact's map, which every member of the chain shares. Only
-- keys and values of at most 100 characters are indexed, as a search can
-- name no longer ones (the model's limits on the criteria). initiated_ms
-- is the initial contact's, so that a chain whose map has expired with its
-- initial contact stops matching without a join.
CREATE TABLE contact_attribute_index (
    instance_id        TEXT    NOT NULL,
    initial_contact_id TEXT    NOT NULL,
    name               TEXT    NOT NULL,
    value              TEXT    NOT NULL,
    initiated_ms       INTEGER NOT NULL,
    PRIMARY KEY (instance_id, initial_contact_id, name)
) WITHOUT ROWID;
-- A search by value: chains of one instance with key = value.
CREATE INDEX contact_attribute_lookup
    ON contact_attribute_index (instance_id, name, value, initial_contact_id);

-- The index is kept by triggers, so every write of a chain map, whatever
-- statement or code path does it (create, update, import, delete, purge,
-- reset), updates it in the same transaction; no store method can forget.
-- An update touches only the pairs that changed.
CREATE TRIGGER contact_attribute_index_insert AFTER INSERT ON contacts
WHEN NEW.attributes IS NOT NULL AND NEW.id = NEW.initial_contact_id
BEGIN
    INSERT OR IGNORE INTO contact_attribute_index (instance_id, initial_contact_id, name, value, initiated_ms)
    SELECT NEW.instance_id, NEW.id, j.key, j.value, NEW.initiated_ms
    FROM json_each(NEW.attributes) j
    WHERE length(j.key) <= 100 AND length(j.value) <= 100;
END;

CREATE TRIGGER contact_attribute_index_update AFTER UPDATE OF attributes ON contacts
WHEN NEW.id = NEW.initial_contact_id
BEGIN
    -- The subquery is not correlated, so SQLite parses the new map once
    -- into an ephemeral index, where NOT EXISTS would parse it once per
    -- indexed pair (the profile of an update showed that quadratic cost).
    DELETE FROM contact_attribute_index
    WHERE instance_id = OLD.instance_id AND initial_contact_id = OLD.id
        AND (name, value) NOT IN (SELECT j.key, j.value FROM json_each(NEW.attributes) j);
    INSERT OR IGNORE INTO contact_attribute_index (instance_id, initial_contact_id, name, value, initiated_ms)
    SELECT NEW.instance_id, NEW.id, j.key, j.value, NEW.initiated_ms
    FROM json_each(NEW.attributes) j
    WHERE length(j.key) <= 100 AND length(j.value) <= 100;
END;

CREATE TRIGGER contact_attribute_index_delete AFTER DELETE ON contacts
WHEN OLD.id = OLD.initial_contact_id
BEGIN
    DELETE FROM contact_attribute_index
    WHERE instance_id = OLD.instance_id AND initial_contact_id = OLD.id;
END;

-- Index what is already stored.
INSERT OR IGNORE INTO contact_attribute_index (instance_id, initial_contact_id, name, value, initiated_ms)
SELECT c.instance_id, c.id, j.key, j.value, c.initiated_ms
FROM contacts c, json_each(c.attributes) j
WHERE c.attributes IS NOT NULL AND c.id = c.initial_contact_id
    AND length(j.key) <= 100 AND length(j.value) <= 100;

-- Searches filter by one of these times within an instance and page in
-- (time, id) order; the chain index joins a chain's members to its map.
CREATE INDEX contacts_search_initiated ON contacts (instance_id, initiated_ms, id);
CREATE INDEX contacts_search_scheduled ON contacts (instance_id, scheduled_ms, id);
CREATE INDEX contacts_search_disconnected ON contacts (instance_id, disconnected_ms, id);
CREATE INDEX contacts_chain ON contacts (instance_id, initial_contact_id);

-- The keys searches may use, as a JSON array; NULL allows every key.
ALTER TABLE instances ADD COLUMN searchable_keys TEXT;

-- Secrets of this database. 'search_token' signs NextTokens (HMAC), so a
-- token cannot be forged; it lives here so that every process serving the
-- database accepts the tokens of the others.
CREATE TABLE connectd_secrets (
    name  TEXT NOT NULL PRIMARY KEY,
    value BLOB NOT NULL
);
INSERT INTO connectd_secrets (name, value) VALUES ('search_token', randomblob(32));

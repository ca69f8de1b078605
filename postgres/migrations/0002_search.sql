-- SearchContacts: an index of the chain maps' (key, value) pairs, the
-- per-instance list of searchable keys, and the key that signs NextTokens.

-- One row per (chain, key) with the chain map's current value: the rows of
-- the initial contact's map, which every member of the chain shares. Only
-- keys and values of at most 100 characters are indexed: a search can name
-- no longer ones (the model's limits on the criteria), and it keeps every
-- entry far below btree's limit of about 2,700 bytes. initiated_at is the
-- initial contact's, so that a chain whose map has expired with its initial
-- contact stops matching without a join.
CREATE TABLE contact_attribute_index (
    instance_id        text COLLATE "C" NOT NULL,
    initial_contact_id text COLLATE "C" NOT NULL,
    name               text COLLATE "C" NOT NULL,
    value              text COLLATE "C" NOT NULL,
    initiated_at       timestamptz NOT NULL,
    CONSTRAINT contact_attribute_index_pkey PRIMARY KEY (instance_id, initial_contact_id, name)
);
-- A search by value: chains of one instance with key = value.
CREATE INDEX contact_attribute_lookup
    ON contact_attribute_index (instance_id, name, value, initial_contact_id);

-- The index is kept by triggers, so every write of a chain map, whatever
-- statement or code path does it (create, update, import, delete, the
-- cascade of DeleteInstance, purge), updates it in the same transaction;
-- no store method can forget. An update touches only the pairs that
-- changed, and only when the map did.
CREATE FUNCTION contact_attribute_index_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM contact_attribute_index x
        WHERE x.instance_id = OLD.instance_id AND x.initial_contact_id = OLD.id
            AND (TG_OP = 'DELETE' OR NEW.attributes IS NULL
                 OR NEW.attributes ->> x.name IS DISTINCT FROM x.value);
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.attributes IS NOT NULL AND NEW.id = NEW.initial_contact_id THEN
        INSERT INTO contact_attribute_index (instance_id, initial_contact_id, name, value, initiated_at)
        SELECT NEW.instance_id, NEW.id, e.key, e.value, NEW.initiated_at
        FROM jsonb_each_text(NEW.attributes) e
        WHERE char_length(e.key) <= 100 AND char_length(e.value) <= 100
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER contact_attribute_index_insert AFTER INSERT ON contacts
    FOR EACH ROW WHEN (NEW.attributes IS NOT NULL)
    EXECUTE FUNCTION contact_attribute_index_sync();
CREATE TRIGGER contact_attribute_index_update AFTER UPDATE OF attributes ON contacts
    FOR EACH ROW WHEN (OLD.attributes IS DISTINCT FROM NEW.attributes)
    EXECUTE FUNCTION contact_attribute_index_sync();
CREATE TRIGGER contact_attribute_index_delete AFTER DELETE ON contacts
    FOR EACH ROW WHEN (OLD.id = OLD.initial_contact_id)
    EXECUTE FUNCTION contact_attribute_index_sync();

-- TRUNCATE (the control plane's reset) fires no row triggers; this one
-- empties the index with the contacts.
CREATE FUNCTION contact_attribute_index_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE contact_attribute_index;
    RETURN NULL;
END
$$;
CREATE TRIGGER contact_attribute_index_truncate AFTER TRUNCATE ON contacts
    FOR EACH STATEMENT EXECUTE FUNCTION contact_attribute_index_truncate();

-- Index what is already stored.
INSERT INTO contact_attribute_index (instance_id, initial_contact_id, name, value, initiated_at)
SELECT c.instance_id, c.id, e.key, e.value, c.initiated_at
FROM contacts c, jsonb_each_text(c.attributes) e
WHERE c.attributes IS NOT NULL AND c.id = c.initial_contact_id
    AND char_length(e.key) <= 100 AND char_length(e.value) <= 100;

-- Searches filter by one of these times within an instance and page in
-- (time, id) order; the chain index joins a chain's members to its map.
CREATE INDEX contacts_search_initiated ON contacts (instance_id, initiated_at, id);
CREATE INDEX contacts_search_scheduled ON contacts (instance_id, scheduled_at, id);
CREATE INDEX contacts_search_disconnected ON contacts (instance_id, disconnected_at, id);
CREATE INDEX contacts_chain ON contacts (instance_id, initial_contact_id);

-- The keys searches may use; NULL allows every key.
ALTER TABLE instances ADD COLUMN searchable_keys jsonb;

-- Secrets of this database. 'search_token' signs NextTokens (HMAC), so a
-- token cannot be forged; it lives in the database so that every replica
-- accepts the tokens of the others. gen_random_uuid draws from the
-- server's strong random source: two give 244 random bits.
CREATE TABLE connectd_secrets (
    name  text  NOT NULL PRIMARY KEY,
    value bytea NOT NULL
);
INSERT INTO connectd_secrets (name, value)
VALUES ('search_token', convert_to(gen_random_uuid()::text || gen_random_uuid()::text, 'UTF8'));

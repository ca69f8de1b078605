-- The search index holds only the pairs of each instance's indexed keys
-- (connectd's search_index.go): its configured searchable keys and every key
-- a search has named. Indexing every pair of every map was about 340 µs of
-- PostgreSQL's 590 µs per update (issue 18).

-- One row per indexed key. ready is true once every chain written before
-- the key was registered is indexed; until then backfill_after is the last
-- contact id the backfill has read, and searches on the key read the maps.
CREATE TABLE contact_attribute_keys (
    instance_id    text COLLATE "C" NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
    name           text COLLATE "C" NOT NULL,
    ready          boolean NOT NULL DEFAULT false,
    backfill_after text COLLATE "C" NOT NULL DEFAULT '',
    PRIMARY KEY (instance_id, name)
);
-- The backfill looks for the keys that are not ready.
CREATE INDEX contact_attribute_keys_pending ON contact_attribute_keys (instance_id) WHERE NOT ready;

-- What the index held becomes: the rows of each instance's configured
-- searchable keys stay, ready (the old trigger indexed every pair); every
-- other row goes, and its key is indexed again, with a backfill, when a
-- search first names it. Searches stay right meanwhile.
INSERT INTO contact_attribute_keys (instance_id, name, ready)
SELECT i.id, k, true FROM instances i, jsonb_array_elements_text(i.searchable_keys) k
WHERE jsonb_typeof(i.searchable_keys) = 'array'
ON CONFLICT DO NOTHING;
DELETE FROM contact_attribute_index x
WHERE NOT EXISTS (SELECT 1 FROM contact_attribute_keys k
    WHERE k.instance_id = x.instance_id AND k.name = x.name);

-- The trigger indexes only the pairs of registered keys, looked up one by
-- one in the binary map (->>), so its cost follows the instance's indexed
-- keys, not the map's size; an instance with none inserts nothing. The
-- delete half is unchanged: only registered keys have rows.
CREATE OR REPLACE FUNCTION contact_attribute_index_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM contact_attribute_index x
        WHERE x.instance_id = OLD.instance_id AND x.initial_contact_id = OLD.id
            AND (TG_OP = 'DELETE' OR NEW.attributes IS NULL
                 OR NEW.attributes ->> x.name IS DISTINCT FROM x.value);
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.attributes IS NOT NULL AND NEW.id = NEW.initial_contact_id THEN
        INSERT INTO contact_attribute_index (instance_id, initial_contact_id, name, value, initiated_at)
        SELECT NEW.instance_id, NEW.id, k.name, NEW.attributes ->> k.name, NEW.initiated_at
        FROM contact_attribute_keys k
        WHERE k.instance_id = NEW.instance_id AND NEW.attributes ? k.name
            AND char_length(k.name) <= 100 AND char_length(NEW.attributes ->> k.name) <= 100
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END
$$;

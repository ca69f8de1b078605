-- The search index holds only the pairs of each instance's indexed keys
-- (connectd's search_index.go): its configured searchable keys and every key
-- a search has named. Indexing every pair of every map was two thirds of
-- the committer's CPU per update (issue 18).

-- One row per indexed key. ready is 1 once every chain written before the
-- key was registered is indexed; until then backfill_after is the last
-- contact id the backfill has read, and searches on the key read the maps.
CREATE TABLE contact_attribute_keys (
    instance_id    TEXT    NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
    name           TEXT    NOT NULL,
    ready          INTEGER NOT NULL DEFAULT 0,
    backfill_after TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (instance_id, name)
) WITHOUT ROWID;
-- The backfill looks for the keys that are not ready.
CREATE INDEX contact_attribute_keys_pending ON contact_attribute_keys (ready) WHERE ready = 0;

-- What the index held becomes: the rows of each instance's configured
-- searchable keys stay, ready (the old triggers indexed every pair); every
-- other row goes, and its key is indexed again, with a backfill, when a
-- search first names it. Searches stay right meanwhile.
INSERT OR IGNORE INTO contact_attribute_keys (instance_id, name, ready)
SELECT i.id, k.value, 1 FROM instances i, json_each(i.searchable_keys) k
WHERE i.searchable_keys IS NOT NULL;
DELETE FROM contact_attribute_index
WHERE NOT EXISTS (SELECT 1 FROM contact_attribute_keys k
    WHERE k.instance_id = contact_attribute_index.instance_id AND k.name = contact_attribute_index.name);

-- The triggers index only the pairs of registered keys. An instance with
-- none (the default until its first attribute search) pays nothing but the
-- WHEN's probe. The IN subquery is not correlated with the map's pairs, so
-- SQLite reads the instance's keys once per statement.
DROP TRIGGER contact_attribute_index_insert;
DROP TRIGGER contact_attribute_index_update;

CREATE TRIGGER contact_attribute_index_insert AFTER INSERT ON contacts
WHEN NEW.attributes IS NOT NULL AND NEW.id = NEW.initial_contact_id
    AND EXISTS (SELECT 1 FROM contact_attribute_keys WHERE instance_id = NEW.instance_id)
BEGIN
    INSERT OR IGNORE INTO contact_attribute_index (instance_id, initial_contact_id, name, value, initiated_ms)
    SELECT NEW.instance_id, NEW.id, j.key, j.value, NEW.initiated_ms
    FROM json_each(NEW.attributes) j
    WHERE j.key IN (SELECT name FROM contact_attribute_keys WHERE instance_id = NEW.instance_id)
        AND length(j.key) <= 100 AND length(j.value) <= 100;
END;

-- Only registered keys have rows, so an instance without keys has none to
-- delete either.
CREATE TRIGGER contact_attribute_index_update AFTER UPDATE OF attributes ON contacts
WHEN NEW.id = NEW.initial_contact_id
    AND EXISTS (SELECT 1 FROM contact_attribute_keys WHERE instance_id = NEW.instance_id)
BEGIN
    -- The subquery is not correlated, so SQLite parses the new map once
    -- into an ephemeral index (see 0002_search.sql).
    DELETE FROM contact_attribute_index
    WHERE instance_id = OLD.instance_id AND initial_contact_id = OLD.id
        AND (name, value) NOT IN (SELECT j.key, j.value FROM json_each(NEW.attributes) j);
    INSERT OR IGNORE INTO contact_attribute_index (instance_id, initial_contact_id, name, value, initiated_ms)
    SELECT NEW.instance_id, NEW.id, j.key, j.value, NEW.initiated_ms
    FROM json_each(NEW.attributes) j
    WHERE j.key IN (SELECT name FROM contact_attribute_keys WHERE instance_id = NEW.instance_id)
        AND length(j.key) <= 100 AND length(j.value) <= 100;
END;

-- The searches' time indexes also hold each contact's chain, so that a
-- search walking the contacts in a time range probes the attribute index
-- for each straight from the time index, without reading the contact's
-- row (SQLite reads the row only for the page's results): the probes of a
-- common value's TotalCount cost about half as much (BENCHMARKS.md).
DROP INDEX contacts_search_initiated;
DROP INDEX contacts_search_scheduled;
DROP INDEX contacts_search_disconnected;
CREATE INDEX contacts_search_initiated ON contacts (instance_id, initiated_ms, id, initial_contact_id);
CREATE INDEX contacts_search_scheduled ON contacts (instance_id, scheduled_ms, id, initial_contact_id);
CREATE INDEX contacts_search_disconnected ON contacts (instance_id, disconnected_ms, id, initial_contact_id);

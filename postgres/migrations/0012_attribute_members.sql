-- One search index row per chain member and registered key, so that a
-- search of a value over an initiation range is one range scan of that
-- value's members (issue 18, target 4). Before, the index held one row per
-- chain, and a common value's TotalCount probed it once per contact of the
-- range: 1,429 probes a day at 1,000,000 contacts, about 10 ms for a value
-- held by a quarter of them against 1.4 ms for a rare one.
--
-- The table replaces contact_attribute_index: the initial contact's own
-- rows are what the chain's rows were, so a write of a one-contact chain
-- writes as many B-tree entries as before (the primary key, and the value
-- index instead of contact_attribute_lookup). chain_at is the initial
-- contact's initiated_at, so that a chain whose map has expired with its
-- initial contact stops matching, as before.
CREATE TABLE contact_attribute_members (
    instance_id  text COLLATE "C" NOT NULL,
    contact_id   text COLLATE "C" NOT NULL,
    name         text COLLATE "C" NOT NULL,
    value        text COLLATE "C" NOT NULL,
    initiated_at timestamptz NOT NULL,
    chain_at     timestamptz NOT NULL,
    -- A contact's rows, for the triggers (a deleted contact takes its rows
    -- by this key, even at the end of a statement that also deleted its
    -- chain) and for the per-contact probe of a search's other criteria.
    CONSTRAINT contact_attribute_members_pkey PRIMARY KEY (instance_id, contact_id, name)
);
-- A search by value: one range scan in (initiated_at, contact_id) order,
-- the page's order; chain_at is included so that the count is an
-- index-only scan.
CREATE INDEX contact_attribute_members_value
    ON contact_attribute_members (instance_id, name, value, initiated_at, contact_id) INCLUDE (chain_at);

INSERT INTO contact_attribute_members (instance_id, contact_id, name, value, initiated_at, chain_at)
SELECT x.instance_id, c.id, x.name, x.value, c.initiated_at, x.initiated_at
FROM contact_attribute_index x
JOIN contacts c ON c.instance_id = x.instance_id AND c.initial_contact_id = x.initial_contact_id;
-- A key still being backfilled starts over: its backfill now writes every
-- contact's rows, where it wrote the initial contacts' (searches on the key
-- read the maps until it is ready).
UPDATE contact_attribute_keys SET backfill_after = '' WHERE NOT ready;

DROP TRIGGER contact_attribute_index_insert ON contacts;
DROP TRIGGER contact_attribute_index_update ON contacts;
DROP TRIGGER contact_attribute_index_delete ON contacts;
DROP TRIGGER contact_attribute_index_truncate ON contacts;
DROP FUNCTION contact_attribute_index_sync();
DROP FUNCTION contact_attribute_index_truncate();
DROP TABLE contact_attribute_index;

-- A chain's map written (its initial contact inserted, or its map
-- updated): every member of the chain (contacts_chain finds them, the
-- initial contact included) loses the pairs that changed or went and gets
-- the new ones, of the instance's registered keys only, looked up one by
-- one in the binary map (->>), so that the cost follows the indexed keys,
-- not the map's size. Members cannot join meanwhile: a new member's
-- transaction locks the chain's initial contact first (service_contacts.go).
--
-- An instance without registered keys (the default) has no rows: one
-- probe of its keys and nothing more, as before this migration.
CREATE FUNCTION contact_attribute_members_chain() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM contact_attribute_keys WHERE instance_id = NEW.instance_id) THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        DELETE FROM contact_attribute_members m USING contacts c
        WHERE c.instance_id = NEW.instance_id AND c.initial_contact_id = NEW.id
            AND m.instance_id = c.instance_id AND m.contact_id = c.id
            AND (NEW.attributes IS NULL OR NEW.attributes ->> m.name IS DISTINCT FROM m.value);
    END IF;
    IF NEW.attributes IS NOT NULL THEN
        INSERT INTO contact_attribute_members (instance_id, contact_id, name, value, initiated_at, chain_at)
        SELECT NEW.instance_id, c.id, k.name, NEW.attributes ->> k.name, c.initiated_at, NEW.initiated_at
        FROM contact_attribute_keys k, contacts c
        WHERE k.instance_id = NEW.instance_id AND NEW.attributes ? k.name
            AND char_length(k.name) <= 100 AND char_length(NEW.attributes ->> k.name) <= 100
            AND (TG_OP = 'INSERT' OR OLD.attributes IS NULL
                 OR OLD.attributes ->> k.name IS DISTINCT FROM NEW.attributes ->> k.name)
            AND c.instance_id = NEW.instance_id AND c.initial_contact_id = NEW.id
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END
$$;

-- A member joining a chain (a transfer, a chained contact, an import in
-- any order) copies the chain map's registered pairs; if the initial
-- contact comes later, its insert above indexes this member.
CREATE FUNCTION contact_attribute_members_join() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO contact_attribute_members (instance_id, contact_id, name, value, initiated_at, chain_at)
    SELECT NEW.instance_id, NEW.id, k.name, ic.attributes ->> k.name, NEW.initiated_at, ic.initiated_at
    FROM contacts ic, contact_attribute_keys k
    WHERE ic.instance_id = NEW.instance_id AND ic.id = NEW.initial_contact_id AND ic.attributes IS NOT NULL
        AND k.instance_id = NEW.instance_id AND ic.attributes ? k.name
        AND char_length(k.name) <= 100 AND char_length(ic.attributes ->> k.name) <= 100
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;

-- A deleted contact takes its rows by its own key; an initial contact
-- takes its chain's too, from the members still stored (row triggers run
-- after the whole statement: members deleted by the same statement have
-- taken theirs already, by key).
CREATE FUNCTION contact_attribute_members_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM contact_attribute_members WHERE instance_id = OLD.instance_id AND contact_id = OLD.id;
    IF OLD.id = OLD.initial_contact_id THEN
        DELETE FROM contact_attribute_members m USING contacts c
        WHERE c.instance_id = OLD.instance_id AND c.initial_contact_id = OLD.id
            AND m.instance_id = c.instance_id AND m.contact_id = c.id;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER contact_attribute_members_insert AFTER INSERT ON contacts
    FOR EACH ROW WHEN (NEW.id = NEW.initial_contact_id AND NEW.attributes IS NOT NULL)
    EXECUTE FUNCTION contact_attribute_members_chain();
CREATE TRIGGER contact_attribute_members_update AFTER UPDATE OF attributes ON contacts
    FOR EACH ROW WHEN (NEW.id = NEW.initial_contact_id AND OLD.attributes IS DISTINCT FROM NEW.attributes)
    EXECUTE FUNCTION contact_attribute_members_chain();
CREATE TRIGGER contact_attribute_members_join AFTER INSERT ON contacts
    FOR EACH ROW WHEN (NEW.id <> NEW.initial_contact_id)
    EXECUTE FUNCTION contact_attribute_members_join();
CREATE TRIGGER contact_attribute_members_delete AFTER DELETE ON contacts
    FOR EACH ROW EXECUTE FUNCTION contact_attribute_members_delete();

-- TRUNCATE (the control plane's reset) fires no row triggers.
CREATE FUNCTION contact_attribute_members_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE contact_attribute_members;
    RETURN NULL;
END
$$;
CREATE TRIGGER contact_attribute_members_truncate AFTER TRUNCATE ON contacts
    FOR EACH STATEMENT EXECUTE FUNCTION contact_attribute_members_truncate();

-- One search index row per chain member, so that a search of a common
-- value over a time range is one range scan (issue 18, target 4): before,
-- its TotalCount probed contact_attribute_index once per contact in the
-- range (1,428 a day at 1,000,000 contacts), while a rare value touched
-- its 5 chains.
--
-- contact_attribute_index stays the chain's (one row per chain and
-- registered key, kept by the triggers of 0010): it is what a new member
-- copies and what the per-contact probe of other time ranges reads. Each
-- of its rows has one row here per member of the chain, with the member's
-- own initiated_ms and id; chain_ms is the initial contact's, so that a
-- chain whose map has expired stops matching, as in the chain index.
CREATE TABLE contact_attribute_members (
    instance_id  TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    value        TEXT    NOT NULL,
    initiated_ms INTEGER NOT NULL,
    contact_id   TEXT    NOT NULL,
    chain_ms     INTEGER NOT NULL,
    PRIMARY KEY (instance_id, name, value, initiated_ms, contact_id)
) WITHOUT ROWID;

-- Searches driven by a value read the members' rows; the chain index's
-- secondary index served only them, so it goes, and a write of an indexed
-- pair costs three B-tree entries instead of four (two before this table).
DROP INDEX contact_attribute_lookup;

-- The chain index's rows are inserted and deleted, never updated (the
-- triggers of 0010 delete a changed pair and insert its new value). A new
-- row reaches every member the chain has; a deleted one leaves every
-- member that is still stored (contacts_chain finds them).
CREATE TRIGGER contact_attribute_members_insert AFTER INSERT ON contact_attribute_index
BEGIN
    INSERT OR IGNORE INTO contact_attribute_members (instance_id, name, value, initiated_ms, contact_id, chain_ms)
    SELECT NEW.instance_id, NEW.name, NEW.value, c.initiated_ms, c.id, NEW.initiated_ms
    FROM contacts c INDEXED BY contacts_chain
    WHERE c.instance_id = NEW.instance_id AND c.initial_contact_id = NEW.initial_contact_id;
END;

CREATE TRIGGER contact_attribute_members_delete AFTER DELETE ON contact_attribute_index
BEGIN
    DELETE FROM contact_attribute_members
    WHERE instance_id = OLD.instance_id AND name = OLD.name AND value = OLD.value
        AND (initiated_ms, contact_id) IN (SELECT c.initiated_ms, c.id FROM contacts c INDEXED BY contacts_chain
            WHERE c.instance_id = OLD.instance_id AND c.initial_contact_id = OLD.initial_contact_id);
END;

-- A member joining a chain (a transfer, a chained contact, an import in
-- any order) copies the chain's indexed pairs; the initial contact's own
-- rows come from the chain index's insert trigger above.
CREATE TRIGGER contact_attribute_members_join AFTER INSERT ON contacts
WHEN NEW.id <> NEW.initial_contact_id
BEGIN
    INSERT OR IGNORE INTO contact_attribute_members (instance_id, name, value, initiated_ms, contact_id, chain_ms)
    SELECT x.instance_id, x.name, x.value, NEW.initiated_ms, NEW.id, x.initiated_ms
    FROM contact_attribute_index x
    WHERE x.instance_id = NEW.instance_id AND x.initial_contact_id = NEW.initial_contact_id;
END;

-- A deleted contact takes its own rows, found through its chain's pairs,
-- and then, if it starts the chain, the chain's rows (whose trigger takes
-- the other members' rows). One trigger, so that the order is fixed: once
-- the chain's rows are gone, the deleted contact's rows could no longer be
-- found, as the contact itself is no longer in contacts_chain.
DROP TRIGGER contact_attribute_index_delete;
CREATE TRIGGER contact_attribute_index_delete AFTER DELETE ON contacts
BEGIN
    DELETE FROM contact_attribute_members
    WHERE (instance_id, name, value, initiated_ms, contact_id) IN (
        SELECT x.instance_id, x.name, x.value, OLD.initiated_ms, OLD.id FROM contact_attribute_index x
        WHERE x.instance_id = OLD.instance_id AND x.initial_contact_id = OLD.initial_contact_id);
    DELETE FROM contact_attribute_index
    WHERE OLD.id = OLD.initial_contact_id
        AND instance_id = OLD.instance_id AND initial_contact_id = OLD.id;
END;

-- Index the members of what the chain index holds already.
INSERT OR IGNORE INTO contact_attribute_members (instance_id, name, value, initiated_ms, contact_id, chain_ms)
SELECT x.instance_id, x.name, x.value, c.initiated_ms, c.id, x.initiated_ms
FROM contact_attribute_index x
JOIN contacts c INDEXED BY contacts_chain ON c.instance_id = x.instance_id AND c.initial_contact_id = x.initial_contact_id;

-- How many members each indexed pair has per hour of their initiated_ms, so
-- that a search's TotalCount over a long range adds up the whole hours
-- inside it and walks contact_attribute_members only in the partial hours
-- at its two ends (search_counts.go; issue 18, target 4: a value held by a
-- quarter of 20,000 contacts in a day walked its 6,000 rows, 1.7 ms, 8.2×
-- the search for a rare value).
--
-- hour is floor(initiated_ms / 3600000) and chain_hour floor(chain_ms /
-- 3600000): the search drops a member whose chain started before the
-- retention cutoff, so a whole hour counts only its rows whose chain hour
-- is wholly after the cutoff, and walks the members behind a row whose
-- chain hour holds it. n is never 0: the row goes with its last member.
-- One width only: a second, finer level (minutes) would bound the walk at
-- the ends, but doubled what a write of an indexed pair pays for counters.
--
-- The counters follow contact_attribute_members, so only the pairs of
-- registered keys cost them, and every path that writes members (a map's
-- update, a chain's join, a contact's or an instance's deletion, the
-- backfill, an import, the purge of expired contacts) keeps them, in the
-- same transaction: a search in any snapshot sees counters and members
-- agree. Members are inserted and deleted, never updated (0012).
CREATE TABLE contact_attribute_counts (
    instance_id TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    value       TEXT    NOT NULL,
    hour        INTEGER NOT NULL,
    chain_hour  INTEGER NOT NULL,
    n           INTEGER NOT NULL,
    PRIMARY KEY (instance_id, name, value, hour, chain_hour)
) WITHOUT ROWID;

-- SQLite's integer division truncates toward zero; x - ((x % h) + h) % h
-- is the hour's start also for a time before 1970, so that hour b is
-- exactly [b × 3600000, (b + 1) × 3600000), as search_counts.go assumes.
CREATE TRIGGER contact_attribute_counts_insert AFTER INSERT ON contact_attribute_members
BEGIN
    INSERT INTO contact_attribute_counts (instance_id, name, value, hour, chain_hour, n)
    VALUES (NEW.instance_id, NEW.name, NEW.value,
        (NEW.initiated_ms - ((NEW.initiated_ms % 3600000) + 3600000) % 3600000) / 3600000,
        (NEW.chain_ms - ((NEW.chain_ms % 3600000) + 3600000) % 3600000) / 3600000, 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
END;

-- An hour's last member deletes its row; any other decrements it.
CREATE TRIGGER contact_attribute_counts_delete AFTER DELETE ON contact_attribute_members
BEGIN
    DELETE FROM contact_attribute_counts
    WHERE instance_id = OLD.instance_id AND name = OLD.name AND value = OLD.value
        AND hour = (OLD.initiated_ms - ((OLD.initiated_ms % 3600000) + 3600000) % 3600000) / 3600000
        AND chain_hour = (OLD.chain_ms - ((OLD.chain_ms % 3600000) + 3600000) % 3600000) / 3600000
        AND n = 1;
    UPDATE contact_attribute_counts SET n = n - 1
    WHERE instance_id = OLD.instance_id AND name = OLD.name AND value = OLD.value
        AND hour = (OLD.initiated_ms - ((OLD.initiated_ms % 3600000) + 3600000) % 3600000) / 3600000
        AND chain_hour = (OLD.chain_ms - ((OLD.chain_ms % 3600000) + 3600000) % 3600000) / 3600000;
END;

-- Count what the members' table holds already.
INSERT INTO contact_attribute_counts (instance_id, name, value, hour, chain_hour, n)
SELECT instance_id, name, value,
    (initiated_ms - ((initiated_ms % 3600000) + 3600000) % 3600000) / 3600000,
    (chain_ms - ((chain_ms % 3600000) + 3600000) % 3600000) / 3600000, count(*)
FROM contact_attribute_members
GROUP BY 1, 2, 3, 4, 5;

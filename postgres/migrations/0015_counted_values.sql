-- Counters only for the values a search found common (issue 18, target 3
-- with indexed keys). Migration 0014 counted every indexed value, and a
-- key whose values are unique to a contact (an order or case number, the
-- load generator's values) paid a delta row per pair written and a counter
-- row per value folded: about 450 µs of PostgreSQL's CPU per update of ten
-- such pairs, for counts that a walk of one or two members answers as fast
-- (BENCHMARKS.md, "Issue 18, sessions 8 and 9").
--
-- contact_attribute_counted lists the counted values. A search that walks
-- a value's members and finds at least search_counted.go's countedFrom in
-- its range asks for it to be counted; the folder registers it (ready
-- false: from then on every writer adds its deltas) and then readies it
-- (the correction to the recount, ready true), and searches count it by
-- the counters from then on. Until then they walk, as they count any value
-- never found common.
CREATE TABLE contact_attribute_counted (
    instance_id text COLLATE "C" NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
    name        text COLLATE "C" NOT NULL,
    value       text COLLATE "C" NOT NULL,
    ready       boolean NOT NULL,
    CONSTRAINT contact_attribute_counted_pkey PRIMARY KEY (instance_id, name, value)
);
CREATE INDEX contact_attribute_counted_pending ON contact_attribute_counted (instance_id) WHERE NOT ready;

-- Nobody changes the members (SHARE waits for every writer and holds new
-- ones back until this commits) and no folder moves deltas (its lock,
-- search_counts.go's foldLock): 0014's counters and deltas add up to the
-- members exactly, so the values they already count past countedFrom
-- stay counted, ready, and the rest of them go.
LOCK TABLE contact_attribute_members IN SHARE MODE;
SELECT pg_advisory_xact_lock(x'636f6e6e65637466'::bigint);

-- A replica of the version before (8be49d3 to da697c2) counts every
-- value by its counters; against the counters below, which leave out the
-- values not counted, its TotalCounts would be silently short. So the
-- tables it reads get new names: until it is replaced, its searches by one
-- attribute value and its folds fail, saying the tables do not exist.
ALTER TABLE contact_attribute_counts RENAME TO contact_value_counts;
ALTER TABLE contact_value_counts RENAME CONSTRAINT contact_attribute_counts_pkey TO contact_value_counts_pkey;
ALTER TABLE contact_attribute_count_deltas RENAME TO contact_value_count_deltas;
ALTER INDEX contact_attribute_count_deltas_value RENAME TO contact_value_count_deltas_value;
INSERT INTO contact_attribute_counted (instance_id, name, value, ready)
SELECT u.instance_id, u.name, u.value, true
FROM (SELECT instance_id, name, value, n FROM contact_value_counts
      UNION ALL SELECT instance_id, name, value, n FROM contact_value_count_deltas) u
WHERE EXISTS (SELECT 1 FROM instances i WHERE i.id = u.instance_id)
GROUP BY 1, 2, 3 HAVING sum(u.n) >= 2000;
DELETE FROM contact_value_counts k WHERE NOT EXISTS (SELECT 1 FROM contact_attribute_counted c
    WHERE c.instance_id = k.instance_id AND c.name = k.name AND c.value = k.value);
DELETE FROM contact_value_count_deltas k WHERE NOT EXISTS (SELECT 1 FROM contact_attribute_counted c
    WHERE c.instance_id = k.instance_id AND c.name = k.name AND c.value = k.value);

-- The statement triggers of 0014 add deltas of counted values only: one
-- probe of the primary key above per member written. One function serves
-- both, the sign from the operation: the triggers name their transition
-- tables alike.
CREATE FUNCTION contact_attribute_counts_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO contact_value_count_deltas (instance_id, name, value, bucket, chain_bucket, n)
    SELECT m.instance_id, m.name, m.value, floor(extract(epoch FROM m.initiated_at) / 300)::bigint,
        floor(extract(epoch FROM m.chain_at) / 300)::bigint,
        CASE TG_OP WHEN 'INSERT' THEN count(*) ELSE -count(*) END
    FROM changed_members m
    WHERE EXISTS (SELECT 1 FROM contact_attribute_counted c
        WHERE c.instance_id = m.instance_id AND c.name = m.name AND c.value = m.value)
    GROUP BY 1, 2, 3, 4, 5;
    RETURN NULL;
END
$$;
DROP TRIGGER contact_attribute_counts_insert ON contact_attribute_members;
DROP TRIGGER contact_attribute_counts_delete ON contact_attribute_members;
DROP FUNCTION contact_attribute_counts_inserted(), contact_attribute_counts_deleted();
CREATE TRIGGER contact_attribute_counts_insert AFTER INSERT ON contact_attribute_members
    REFERENCING NEW TABLE AS changed_members
    FOR EACH STATEMENT EXECUTE FUNCTION contact_attribute_counts_changed();
CREATE TRIGGER contact_attribute_counts_delete AFTER DELETE ON contact_attribute_members
    REFERENCING OLD TABLE AS changed_members
    FOR EACH STATEMENT EXECUTE FUNCTION contact_attribute_counts_changed();
CREATE OR REPLACE FUNCTION contact_attribute_counts_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE contact_value_counts, contact_value_count_deltas;
    RETURN NULL;
END
$$;

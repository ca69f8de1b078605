-- Counters of each indexed value's members per five minutes of initiation
-- time, so that a search's TotalCount over a day adds up 288 counters and
-- walks the members of at most one bucket at its ends, where it counted
-- every member (issue 18, target 4: at 1,000,000 contacts in a day, a
-- value held by a quarter of them took 42 times the search for a rare
-- value). search_counts.go reads them; the SQLite store has the same
-- counters (its migration 0018), kept by row triggers.
--
-- PostgreSQL holds a row's lock until the transaction ends, and a counter
-- updated by every writer of one value whose contacts started in the same
-- five minutes would make them commit one after another, across replicas,
-- and deadlock writers that update two counters in opposite orders. So
-- writers only insert: each statement that inserts or deletes members adds
-- rows of deltas (one per value and bucket it changed), and the folder
-- (search_counts.go: every second, one replica at a time under an advisory
-- lock) moves them into contact_attribute_counts in one transaction. A
-- count adds up both tables in one snapshot, so it is exact whether or not
-- the folder has run.
--
-- bucket is floor(epoch seconds of initiated_at / 300), chain_bucket the
-- same of chain_at: search_counts.go's countBucket must stay this width.
CREATE TABLE contact_attribute_counts (
    instance_id  text COLLATE "C" NOT NULL,
    name         text COLLATE "C" NOT NULL,
    value        text COLLATE "C" NOT NULL,
    bucket       bigint NOT NULL,
    chain_bucket bigint NOT NULL,
    n            bigint NOT NULL,
    CONSTRAINT contact_attribute_counts_pkey PRIMARY KEY (instance_id, name, value, bucket, chain_bucket)
);

CREATE TABLE contact_attribute_count_deltas (
    instance_id  text COLLATE "C" NOT NULL,
    name         text COLLATE "C" NOT NULL,
    value        text COLLATE "C" NOT NULL,
    bucket       bigint NOT NULL,
    chain_bucket bigint NOT NULL,
    n            bigint NOT NULL
);
CREATE INDEX contact_attribute_count_deltas_value
    ON contact_attribute_count_deltas (instance_id, name, value, bucket);

-- Statement triggers with transition tables: one INSERT of deltas per
-- statement, not one call per member.
CREATE FUNCTION contact_attribute_counts_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO contact_attribute_count_deltas (instance_id, name, value, bucket, chain_bucket, n)
    SELECT instance_id, name, value, floor(extract(epoch FROM initiated_at) / 300)::bigint,
        floor(extract(epoch FROM chain_at) / 300)::bigint, count(*)
    FROM inserted_members GROUP BY 1, 2, 3, 4, 5;
    RETURN NULL;
END
$$;
CREATE FUNCTION contact_attribute_counts_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO contact_attribute_count_deltas (instance_id, name, value, bucket, chain_bucket, n)
    SELECT instance_id, name, value, floor(extract(epoch FROM initiated_at) / 300)::bigint,
        floor(extract(epoch FROM chain_at) / 300)::bigint, -count(*)
    FROM deleted_members GROUP BY 1, 2, 3, 4, 5;
    RETURN NULL;
END
$$;
-- Members change by INSERT and DELETE only (migrations 0012, 0013 and the
-- backfill); an UPDATE of one would escape the counters, so none is allowed.
CREATE FUNCTION contact_attribute_members_no_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'contact_attribute_members rows are inserted and deleted, never updated (their counters follow only those)';
END
$$;
CREATE FUNCTION contact_attribute_counts_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE contact_attribute_counts, contact_attribute_count_deltas;
    RETURN NULL;
END
$$;

CREATE TRIGGER contact_attribute_counts_insert AFTER INSERT ON contact_attribute_members
    REFERENCING NEW TABLE AS inserted_members
    FOR EACH STATEMENT EXECUTE FUNCTION contact_attribute_counts_inserted();
CREATE TRIGGER contact_attribute_counts_delete AFTER DELETE ON contact_attribute_members
    REFERENCING OLD TABLE AS deleted_members
    FOR EACH STATEMENT EXECUTE FUNCTION contact_attribute_counts_deleted();
CREATE TRIGGER contact_attribute_members_no_update BEFORE UPDATE ON contact_attribute_members
    FOR EACH STATEMENT EXECUTE FUNCTION contact_attribute_members_no_update();
CREATE TRIGGER contact_attribute_counts_truncate AFTER TRUNCATE ON contact_attribute_members
    FOR EACH STATEMENT EXECUTE FUNCTION contact_attribute_counts_truncate();

-- The triggers above took a lock on the members that waited for every
-- writer; this statement's snapshot, taken after it, sees all they wrote.
INSERT INTO contact_attribute_counts (instance_id, name, value, bucket, chain_bucket, n)
SELECT instance_id, name, value, floor(extract(epoch FROM initiated_at) / 300)::bigint,
    floor(extract(epoch FROM chain_at) / 300)::bigint, count(*)
FROM contact_attribute_members
GROUP BY 1, 2, 3, 4, 5;

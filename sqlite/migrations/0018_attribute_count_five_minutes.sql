-- The members' counters count five minutes each instead of 0016's ten
-- (issue 18, target 4 at 1,000,000 contacts). A count over a range that
-- does not start or end on a bucket's edge walks the members of up to
-- half a bucket at each end (search_counts.go): with ten-minute buckets, a
-- day starting at :25 walked about 1,700 members of a value held by a
-- quarter of 1,000,000 contacts a day, and its search took 4.6–5.1 times
-- the search for a rare value, at the edge of the target's 5 (BENCHMARKS.md
-- "session 7"). Half the width halves that walk; a day's count adds up 288
-- counter rows per chain bucket instead of 144. A write of an indexed
-- pair still changes one counter row per member inserted or deleted.
--
-- bucket is floor(initiated_ms / 300000) and chain_bucket floor(chain_ms /
-- 300000); everything else is as in 0016, whose table this replaces,
-- recounted from contact_attribute_members. search_counts.go's countBucket
-- must stay this width.
DROP TRIGGER contact_attribute_counts_insert;
DROP TRIGGER contact_attribute_counts_delete;
DROP TABLE contact_attribute_counts;

CREATE TABLE contact_attribute_counts (
    instance_id  TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    value        TEXT    NOT NULL,
    bucket       INTEGER NOT NULL,
    chain_bucket INTEGER NOT NULL,
    n            INTEGER NOT NULL,
    PRIMARY KEY (instance_id, name, value, bucket, chain_bucket)
) WITHOUT ROWID;

-- x - ((x % w) + w) % w is the bucket's start also for a time before 1970
-- (SQLite's integer division truncates toward zero).
CREATE TRIGGER contact_attribute_counts_insert AFTER INSERT ON contact_attribute_members
BEGIN
    INSERT INTO contact_attribute_counts (instance_id, name, value, bucket, chain_bucket, n)
    VALUES (NEW.instance_id, NEW.name, NEW.value,
        (NEW.initiated_ms - ((NEW.initiated_ms % 300000) + 300000) % 300000) / 300000,
        (NEW.chain_ms - ((NEW.chain_ms % 300000) + 300000) % 300000) / 300000, 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
END;

-- A bucket's last member deletes its row; any other decrements it.
CREATE TRIGGER contact_attribute_counts_delete AFTER DELETE ON contact_attribute_members
BEGIN
    DELETE FROM contact_attribute_counts
    WHERE instance_id = OLD.instance_id AND name = OLD.name AND value = OLD.value
        AND bucket = (OLD.initiated_ms - ((OLD.initiated_ms % 300000) + 300000) % 300000) / 300000
        AND chain_bucket = (OLD.chain_ms - ((OLD.chain_ms % 300000) + 300000) % 300000) / 300000
        AND n = 1;
    UPDATE contact_attribute_counts SET n = n - 1
    WHERE instance_id = OLD.instance_id AND name = OLD.name AND value = OLD.value
        AND bucket = (OLD.initiated_ms - ((OLD.initiated_ms % 300000) + 300000) % 300000) / 300000
        AND chain_bucket = (OLD.chain_ms - ((OLD.chain_ms % 300000) + 300000) % 300000) / 300000;
END;

INSERT INTO contact_attribute_counts (instance_id, name, value, bucket, chain_bucket, n)
SELECT instance_id, name, value,
    (initiated_ms - ((initiated_ms % 300000) + 300000) % 300000) / 300000,
    (chain_ms - ((chain_ms % 300000) + 300000) % 300000) / 300000, count(*)
FROM contact_attribute_members
GROUP BY 1, 2, 3, 4, 5;

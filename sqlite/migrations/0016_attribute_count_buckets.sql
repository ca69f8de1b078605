-- The members' counters of 0014 count ten minutes each instead of an hour
-- (issue 18, target 4 at 1,000,000 contacts). A count walks the members of
-- the partial buckets at its range's two ends (search_counts.go, at most
-- half a bucket an end): at 1,000,000 contacts in a day, a value held by
-- a quarter of them has about 11,500 members an hour, and a day that does
-- not start on an hour walked thousands of them, up to 16 times the search
-- for a rare value (BENCHMARKS.md "session 5"). A write of an indexed pair
-- still changes one counter row per member inserted or deleted, as before;
-- a day's count adds up 144 buckets per chain bucket instead of 24.
--
-- bucket is floor(initiated_ms / 600000) and chain_bucket floor(chain_ms /
-- 600000); everything else is as in 0014, whose table this replaces,
-- recounted from contact_attribute_members.
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
        (NEW.initiated_ms - ((NEW.initiated_ms % 600000) + 600000) % 600000) / 600000,
        (NEW.chain_ms - ((NEW.chain_ms % 600000) + 600000) % 600000) / 600000, 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
END;

-- A bucket's last member deletes its row; any other decrements it.
CREATE TRIGGER contact_attribute_counts_delete AFTER DELETE ON contact_attribute_members
BEGIN
    DELETE FROM contact_attribute_counts
    WHERE instance_id = OLD.instance_id AND name = OLD.name AND value = OLD.value
        AND bucket = (OLD.initiated_ms - ((OLD.initiated_ms % 600000) + 600000) % 600000) / 600000
        AND chain_bucket = (OLD.chain_ms - ((OLD.chain_ms % 600000) + 600000) % 600000) / 600000
        AND n = 1;
    UPDATE contact_attribute_counts SET n = n - 1
    WHERE instance_id = OLD.instance_id AND name = OLD.name AND value = OLD.value
        AND bucket = (OLD.initiated_ms - ((OLD.initiated_ms % 600000) + 600000) % 600000) / 600000
        AND chain_bucket = (OLD.chain_ms - ((OLD.chain_ms % 600000) + 600000) % 600000) / 600000;
END;

INSERT INTO contact_attribute_counts (instance_id, name, value, bucket, chain_bucket, n)
SELECT instance_id, name, value,
    (initiated_ms - ((initiated_ms % 600000) + 600000) % 600000) / 600000,
    (chain_ms - ((chain_ms % 600000) + 600000) % 600000) / 600000, count(*)
FROM contact_attribute_members
GROUP BY 1, 2, 3, 4, 5;

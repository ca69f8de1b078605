-- The attribute index triggers of a map's INSERT and UPDATE fire only when
-- the contact's instance has some indexed key (issue 18, target 3). With
-- none, contact_attribute_index_sync had nothing to do but still cost about
-- 110–130 µs of PostgreSQL's CPU per update: the after-trigger event, the
-- refetch of OLD and NEW, the plpgsql call and its two statements (the
-- DELETE probe and the INSERT ... SELECT over no keys). A WHEN clause may
-- not hold a subquery, so it calls a plpgsql function, whose plan plpgsql
-- keeps for the session (a LANGUAGE sql function was dearer: it is planned
-- again by every statement); the guard costs about a third of what it saves
-- (BENCHMARKS.md, "Issue 18, session 3: PostgreSQL write path CPU").
--
-- Why skipping is right: the index holds rows only for registered keys
-- (0011), and a key is never unregistered but with its instance. A write
-- that finds no key has no row of its chain to delete and none to add. A
-- key registered concurrently is not missed: RegisterIndexedKeys takes
-- LOCK TABLE contacts IN SHARE MODE, so an UPDATE or INSERT either ended
-- before the registration (and the key's backfill reads its map) or waits
-- for its commit and then runs this check with a snapshot that sees the
-- key (READ COMMITTED: each statement of the guard takes a new one).
--
-- The DELETE trigger keeps no such guard: when an instance is deleted,
-- the cascade may delete its keys before its contacts, and their rows
-- must go all the same.
CREATE FUNCTION contact_attribute_keys_exist(instance text) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM contact_attribute_keys WHERE instance_id = instance);
END
$$;

DROP TRIGGER contact_attribute_index_insert ON contacts;
CREATE TRIGGER contact_attribute_index_insert AFTER INSERT ON contacts
    FOR EACH ROW WHEN (NEW.attributes IS NOT NULL AND contact_attribute_keys_exist(NEW.instance_id))
    EXECUTE FUNCTION contact_attribute_index_sync();
DROP TRIGGER contact_attribute_index_update ON contacts;
CREATE TRIGGER contact_attribute_index_update AFTER UPDATE OF attributes ON contacts
    FOR EACH ROW WHEN (OLD.attributes IS DISTINCT FROM NEW.attributes
        AND contact_attribute_keys_exist(NEW.instance_id))
    EXECUTE FUNCTION contact_attribute_index_sync();

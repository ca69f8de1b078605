-- An attribute update of an instance without registered search keys (the
-- default) no longer calls the members trigger: its event, the refetch of
-- OLD and NEW, the plpgsql call and its probe of the keys cost about
-- 40–60 µs of PostgreSQL's CPU per update only to find nothing to index
-- (issue 18, target 3; BENCHMARKS.md, "Issue 18, session 4: PostgreSQL
-- update").
--
-- The unit that locked the row tells the trigger, through two settings
-- local to its transaction, connectd.unindexed_instance and _contact, that the locked row's instance
-- has no registered key (rows.LockContact: the statement after the lock,
-- so its snapshot sees every registration committed before the lock was
-- granted). Skipping is then safe for that row, and only for it, while it
-- stays locked: a key registered later is backfilled by a batch that locks
-- the row FOR SHARE, so the batch waits for this transaction and reads the
-- map it committed; and a batch that read the row before the lock was
-- granted started after its key's registration had committed, which the
-- check would have seen. Every other write of a map (another row, another
-- unit, a unit without the setting) fires the trigger as before.
--
-- Two settings, not one of the ids joined, so that no pair of ids can
-- name another row; the WHEN is compiled for every UPDATE statement, so it
-- is kept short.
DROP TRIGGER contact_attribute_members_update ON contacts;
CREATE TRIGGER contact_attribute_members_update AFTER UPDATE OF attributes ON contacts
    FOR EACH ROW WHEN (NEW.id = NEW.initial_contact_id
        AND (current_setting('connectd.unindexed_contact', true) IS DISTINCT FROM NEW.id
            OR current_setting('connectd.unindexed_instance', true) IS DISTINCT FROM NEW.instance_id)
        AND OLD.attributes IS DISTINCT FROM NEW.attributes)
    EXECUTE FUNCTION contact_attribute_members_chain();

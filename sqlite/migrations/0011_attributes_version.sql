-- A real version counter of each row's map (issue 18): attributes_version
-- goes up by one on every write of contacts.attributes, whatever writes it.
-- updated_ms cannot serve: two writes within one millisecond share it. The
-- store's write statements bump the counter themselves (updateChainMap);
-- the trigger bumps it for any statement that writes the map without doing
-- so, so that no path, present or future, can leave it behind. A new row
-- starts at 0.
ALTER TABLE contacts ADD COLUMN attributes_version INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER contact_attributes_version AFTER UPDATE OF attributes ON contacts
WHEN NEW.attributes_version = OLD.attributes_version
BEGIN
    UPDATE contacts SET attributes_version = OLD.attributes_version + 1 WHERE rowid = NEW.rowid;
END;

-- connectd.ContactState: a contact's pause state, one JSON document per
-- contact that has any; it goes with its contact.
CREATE TABLE contact_state (
    instance_id TEXT NOT NULL,
    contact_id  TEXT NOT NULL,
    doc         TEXT NOT NULL,
    PRIMARY KEY (instance_id, contact_id),
    FOREIGN KEY (instance_id, contact_id) REFERENCES contacts (instance_id, id) ON DELETE CASCADE
) WITHOUT ROWID;

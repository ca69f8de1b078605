-- A contact's own details beyond its chain's attributes: References (from
-- Start*, CreateContact and UpdateContact) and Tags (TagContact), each a JSON
-- object, NULL when empty. A row exists only for contacts that have some, and
-- goes with its contact (purge, reset, instance deletion) by cascade.
CREATE TABLE contact_details (
    instance_id TEXT NOT NULL,
    contact_id  TEXT NOT NULL,
    refs        TEXT,
    tags        TEXT,
    PRIMARY KEY (instance_id, contact_id),
    FOREIGN KEY (instance_id, contact_id) REFERENCES contacts (instance_id, id) ON DELETE CASCADE
) WITHOUT ROWID;

-- TransferContact counts a chain's transfers (at most 11). Migration 0002
-- creates the same index for search; IF NOT EXISTS keeps this one harmless.
CREATE INDEX IF NOT EXISTS contacts_chain ON contacts (instance_id, initial_contact_id);

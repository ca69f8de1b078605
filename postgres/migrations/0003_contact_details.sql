-- A contact's own details beyond its chain's attributes: References (from
-- Start*, CreateContact and UpdateContact) and Tags (TagContact), each a JSON
-- object, NULL when empty. A row exists only for contacts that have some, and
-- goes with its contact (purge, reset, instance deletion) by cascade.
CREATE TABLE contact_details (
    instance_id text COLLATE "C" NOT NULL,
    contact_id  text COLLATE "C" NOT NULL,
    refs        jsonb,
    tags        jsonb,
    CONSTRAINT contact_details_pkey PRIMARY KEY (instance_id, contact_id),
    CONSTRAINT contact_details_contact FOREIGN KEY (instance_id, contact_id)
        REFERENCES contacts (instance_id, id) ON DELETE CASCADE
);

-- TransferContact counts a chain's transfers (at most 11). Migration 0002
-- creates the same index for search; IF NOT EXISTS keeps this one harmless.
CREATE INDEX IF NOT EXISTS contacts_chain ON contacts (instance_id, initial_contact_id);

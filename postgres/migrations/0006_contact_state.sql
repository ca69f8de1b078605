-- connectd.ContactState: a contact's pause state, one JSON document per
-- contact that has any; it goes with its contact.
CREATE TABLE contact_state (
    instance_id text COLLATE "C" NOT NULL,
    contact_id  text COLLATE "C" NOT NULL,
    doc         jsonb NOT NULL,
    CONSTRAINT contact_state_pkey PRIMARY KEY (instance_id, contact_id),
    CONSTRAINT contact_state_contact FOREIGN KEY (instance_id, contact_id)
        REFERENCES contacts (instance_id, id) ON DELETE CASCADE
);

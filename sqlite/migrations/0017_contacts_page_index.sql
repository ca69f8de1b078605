-- A search's page of contacts found through an attribute value reads each
-- contact's page text (search_page.go, packedColumns) from this index
-- instead of looking the contact up through its primary key, reading its
-- row and building the text: one B-tree seek a contact and no concat(), a
-- third less CPU for a page of 100 (issue 18, target 4; BENCHMARKS.md
-- "session 6"). SQLite keeps the expression's value in the index and reads
-- it from there when a query names the same expression (3.41's indexed
-- expressions); the page query names the index (INDEXED BY), since with
-- both keys equal the planner prefers the primary key otherwise.
--
-- The index is kept by SQLite with every write of a column it names, and
-- only then: an attribute update (attributes, updated_ms,
-- attributes_version) does not touch it. It costs about 200 bytes a
-- contact. Its expression must stay packedColumns()' without the "c."
-- (TestPageIndexIsPackedColumns).
CREATE INDEX contacts_page ON contacts (instance_id, id,
    concat(octet_length(id), ':', id, octet_length(initial_contact_id), ':', initial_contact_id,
        octet_length(previous_contact_id), ':', previous_contact_id, octet_length(channel), ':', channel,
        octet_length(initiation_method), ':', initiation_method, octet_length(name), ':', name,
        octet_length(queue_id), ':', queue_id,
        initiated_ms, ',', scheduled_ms, ',', disconnected_ms, ',', enqueued_ms, ','));

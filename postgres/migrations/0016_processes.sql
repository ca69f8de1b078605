-- The connectd processes that share this database, each with the time the
-- database last heard from it (processes.go). A process starting marks the
-- flow runs it finds under way INTERRUPTED only when the process that runs
-- them is not here or has been silent too long; before this table, a
-- replica starting marked every other replica's runs.
CREATE TABLE processes (
    id   text COLLATE "C" NOT NULL,
    seen timestamptz NOT NULL,
    CONSTRAINT processes_pkey PRIMARY KEY (id)
);

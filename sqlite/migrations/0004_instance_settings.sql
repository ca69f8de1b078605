-- connectd's own per-instance settings (connectd.InstanceSettings: what
-- Amazon Connect configures by quota request or admin website), one JSON
-- document per instance that has any; it goes with its instance.
CREATE TABLE instance_settings (
    instance_id TEXT NOT NULL PRIMARY KEY REFERENCES instances (id) ON DELETE CASCADE,
    doc         TEXT NOT NULL
) WITHOUT ROWID;

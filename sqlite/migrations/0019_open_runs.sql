-- Marks of the flow runs under way (connectd.DocOpenRun, kept by the
-- Service's putRun from this version on): one flow_docs row of kind
-- 'open-run' per RUNNING or WAITING run, its doc the id of the process that
-- runs it (the run's Process; '' for runs stored before runs named it). A
-- process starting reads these marks instead of every run ever stored:
-- 2.2 s at start-up, in the writer, for 100,000 runs that had ended.
INSERT INTO flow_docs (instance_id, kind, id, doc)
SELECT instance_id, 'open-run', id, COALESCE(json_extract(doc, '$.Process'), '')
FROM flow_docs
WHERE kind = 'run' AND json_extract(doc, '$.Status') IN ('RUNNING', 'WAITING')
ON CONFLICT DO NOTHING;

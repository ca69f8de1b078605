-- Marks of the flow runs under way (connectd.DocOpenRun, kept by the
-- Service's putRun from this version on): one flow_docs row of kind
-- 'open-run' per RUNNING or WAITING run, its doc the id of the process that
-- runs it (the run's Process; '' for runs stored before runs named it). A
-- replica starting, or marking the runs of a replica gone, reads these
-- marks instead of every run ever stored. A replica of an earlier version
-- still running stores its new runs without a mark: if it is killed rather
-- than stopped, they stay RUNNING (README, upgrades).
INSERT INTO flow_docs (instance_id, kind, id, doc)
SELECT instance_id, 'open-run', id, COALESCE(doc::json ->> 'Process', '')
FROM flow_docs
WHERE kind = 'run' AND doc::json ->> 'Status' IN ('RUNNING', 'WAITING')
ON CONFLICT DO NOTHING;

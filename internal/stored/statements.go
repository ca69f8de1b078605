package stored

// SharedStatements returns the Statements of Tables, written once for
// both stores: time columns are named with d.TimeSuffix. A store fills in
// InsertOutbox, whose answer each driver gets its own way (PostgreSQL
// with RETURNING, SQLite from the rowid), and may replace any other.
//
// Parameters are written $1, $2…: PostgreSQL's numbered parameters, and in
// SQLite a "$AAAA" named parameter, which the modernc.org/sqlite driver
// binds to the argument whose ordinal is the number (its argFinder.find
// matches ?NNN and $NNN against NamedValue.Ordinal), so the same text binds
// the same arguments in both. A parameter used twice is written twice with
// one number.
func SharedStatements(d Dialect) Statements {
	t := d.TimeSuffix
	outbox := `seq, instance_id, contact_id, kind, payload, created` + t + `, state, attempts,
		next` + t + `, last_error, delivered` + t
	return Statements{
		FlowDoc: `SELECT doc FROM flow_docs WHERE instance_id = $1 AND kind = $2 AND id = $3`,
		FlowDocs: `SELECT instance_id, kind, id, doc FROM flow_docs
			WHERE ($1 = '' OR instance_id = $1) AND kind = $2 ORDER BY instance_id, id`,
		PutFlowDoc: `INSERT INTO flow_docs (instance_id, kind, id, doc) VALUES ($1, $2, $3, $4)
			ON CONFLICT (instance_id, kind, id) DO UPDATE SET doc = excluded.doc`,
		DeleteFlowDoc: `DELETE FROM flow_docs WHERE instance_id = $1 AND kind = $2 AND id = $3`,

		StorageConfigs: `SELECT association_id, resource_type, storage_type, stream_arn, firehose_arn, document
			FROM storage_configs WHERE instance_id = $1 AND ($2 = '' OR resource_type = $2) ORDER BY association_id`,
		PutStorageConfig: `INSERT INTO storage_configs (instance_id, association_id, resource_type, storage_type,
			stream_arn, firehose_arn, document) VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (instance_id, association_id) DO UPDATE SET resource_type = excluded.resource_type,
			storage_type = excluded.storage_type, stream_arn = excluded.stream_arn,
			firehose_arn = excluded.firehose_arn, document = excluded.document`,
		DeleteStorageConfig: `DELETE FROM storage_configs WHERE instance_id = $1 AND association_id = $2`,

		Settings: `SELECT doc FROM instance_settings WHERE instance_id = $1`,
		PutSettings: `INSERT INTO instance_settings (instance_id, doc) VALUES ($1, $2)
			ON CONFLICT (instance_id) DO UPDATE SET doc = excluded.doc`,
		InstanceTags: `UPDATE instances SET tags = $1 WHERE id = $2`,
		ContactState: `SELECT doc FROM contact_state WHERE instance_id = $1 AND contact_id = $2`,
		PutContactState: `INSERT INTO contact_state (instance_id, contact_id, doc) VALUES ($1, $2, $3)
			ON CONFLICT (instance_id, contact_id) DO UPDATE SET doc = excluded.doc`,

		PendingOutbox: `SELECT ` + outbox + ` FROM outbox WHERE state = 'PENDING' ORDER BY seq LIMIT $1`,
		MarkOutbox: `UPDATE outbox SET state = $1, attempts = $2, next` + t + ` = $3, last_error = $4,
			delivered` + t + ` = $5 WHERE seq = $6`,
		OutboxAll: `SELECT ` + outbox + ` FROM outbox WHERE seq > $1 ORDER BY seq LIMIT $2`,
		OutboxInstance: `SELECT ` + outbox + ` FROM outbox WHERE instance_id = $1 AND seq > $2
			ORDER BY seq LIMIT $3`,
		// Each end by its own subquery: SQLite reads a lone max() or min()
		// from the index's end, but both in one SELECT scan the table.
		OutboxSpan:  `SELECT coalesce((SELECT max(seq) FROM outbox) - (SELECT min(seq) FROM outbox) + 1, 0)`,
		CountOutbox: `SELECT count(*) FROM outbox`,
		OutboxCutoff: `WITH c AS (SELECT count(*) AS n FROM outbox)
			SELECT c.n, (SELECT seq FROM outbox ORDER BY seq LIMIT 1
				OFFSET (SELECT CASE WHEN n > $1 THEN n - $1 ELSE 0 END FROM c)) FROM c`,
		CountPendingBefore: `SELECT count(*) FROM outbox WHERE seq < $1 AND state = 'PENDING'`,
		DeleteOutboxBefore: `DELETE FROM outbox WHERE seq < $1`,
	}
}

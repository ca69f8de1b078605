package postgres

import "github.com/jackc/pgx/v5"

// updateChainMapWithOutbox is updateChainMap ($1–$4) and the outbox's
// INSERT (statements' InsertOutbox, its parameters from $5) as one
// statement: an attribute update queues both for its COMMIT batch, and one
// statement where two were saves PostgreSQL a statement's set-up and
// teardown (bind, portal, executor start and end) and connectd a result to
// read (BENCHMARKS.md, "Issue 18, session 4: PostgreSQL update"). The
// UPDATE in WITH runs exactly once whether or not the INSERT reads it;
// neither reads what the other writes, and one failing fails both, as
// either failing failed the batch before.
const updateChainMapWithOutbox = `WITH m AS (` + updateChainMap + `)
	INSERT INTO outbox (instance_id, contact_id, kind, payload, created_at, state)
		VALUES ($5, $6, $7, $8, $9, $10) RETURNING seq, xmin`

// fuseOutbox turns the queue's last statement, if it is a chain map's
// UPDATE, into updateChainMapWithOutbox with the outbox row's args, whose
// row it reads into seq and u.written, and reports whether it did. The
// outbox row's xmin is the transaction's id, which the UPDATE left on the
// contact row too: the version the row cache keeps (rowcache.go).
func (u *unit) fuseOutbox(seq *int64, args ...any) bool {
	if len(u.queue) == 0 {
		return false
	}
	last := u.queue[len(u.queue)-1]
	if last.sql != updateChainMap {
		return false
	}
	last.sql, last.args = updateChainMapWithOutbox, append(last.args, args...)
	last.scan = func(row pgx.Row) error { return row.Scan(seq, &u.written) }
	return true
}

package postgres

// The statement after LockContact's lock reads the contact's details and,
// when the instance has no registered search key, tells the members
// trigger to skip the locked row's attribute updates for the rest of the
// transaction (migration 0013 says why that is safe): an update of such an
// instance then costs PostgreSQL no trigger call, and the unit no extra
// statement. It always returns one row: the details' documents, NULL
// without a details row, the instance id, and whether the settings now
// name the row.
const (
	lockedDetails = `SELECT d.refs, d.tags, set_config('connectd.unindexed_instance', $1::text, true),
			set_config('connectd.unindexed_contact',
				CASE WHEN EXISTS (SELECT 1 FROM contact_attribute_keys k WHERE k.instance_id = $1) THEN ''
					ELSE $2::text END, true) <> ''
		FROM (SELECT) one LEFT JOIN contact_details d ON d.instance_id = $1 AND d.contact_id = $2`
	// resetUnindexed makes the trigger fire for every row again (no
	// contact id is empty).
	resetUnindexed = `SELECT set_config('connectd.unindexed_contact', '', true)`
)

// unindexedRow is the row the settings name: its instance and id.
type unindexedRow struct{ instanceID, id string }

// forgetUnindexed clears the setting before the unit's next statement when
// it names the contact id: a row that LockContact did not find (missing,
// expired: not locked), or that the unit deletes (a row inserted later with
// the same id would not have been locked before the check).
func (r *rows) forgetUnindexed(instanceID, id string) {
	if r.unindexed == nil || *r.unindexed != (unindexedRow{instanceID, id}) {
		return
	}
	r.unindexed = nil
	r.u.later(&stmt{sql: resetUnindexed})
}

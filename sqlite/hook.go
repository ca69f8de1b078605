package sqlite

import (
	"context"
	"database/sql"
	sqldriver "database/sql/driver"
	"fmt"

	sqlite "modernc.org/sqlite"
)

// hookedConnector opens writer connections with SQLite's pre-update hook
// reporting every change of a row to the committer's overlay, which keeps
// those of contacts rows.
// The hook is SQLite's own, so it sees every row any statement changes,
// triggers and ON DELETE CASCADE included (and SQLite skips its truncate
// shortcut for DELETE without WHERE while a pre-update hook is set): no
// write path, today's or a future one, can change a row behind the cache's
// back. It is registered on each connection as it opens, so a connection
// the pool replaces cannot come without it.
//
// A contact's details (contact_details, a WITHOUT ROWID table, for which
// SQLite reports no rowid) are cached with its row too, so the hook reads
// the key of each changed details row, before and after the change, and
// reports it to detailsChanged.
type hookedConnector struct {
	drv *sqlite.Driver
	dsn string
	w   rowWatcher
}

// rowWatcher is told of changed rows: a row of table by its rowid (0 for a
// table without rowids), and the details row of a contact by its key.
type rowWatcher interface {
	changed(table string, rowid int64)
	detailsChanged(k rowKey)
}

func (c hookedConnector) Connect(context.Context) (sqldriver.Conn, error) {
	conn, err := c.drv.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	h, ok := conn.(sqlite.HookRegisterer)
	if !ok {
		conn.Close()
		return nil, fmt.Errorf("sqlite: the driver's connection %T has no pre-update hook", conn)
	}
	h.RegisterPreUpdateHook(func(d sqlite.SQLitePreUpdateData) {
		if d.DatabaseName != "main" {
			return // temp tables: never the cache's
		}
		c.w.changed(d.TableName, d.OldRowID)
		if d.NewRowID != d.OldRowID {
			c.w.changed(d.TableName, d.NewRowID)
		}
		if d.TableName == "contact_details" {
			detailsKeys(&d, c.w.detailsChanged)
		}
	})
	return conn, nil
}

// SQLite's action codes for the pre-update hook (SQLITE_INSERT and
// SQLITE_DELETE of sqlite3.h; an UPDATE is neither).
const (
	opInsert = 18
	opDelete = 9
)

// detailsKeys reports the key (instance_id, contact_id: the table's first
// two columns) of the details row d changes, as it was and as it will be.
// The driver reads a column into the element of the slice it is given,
// not through a pointer in it.
func detailsKeys(d *sqlite.SQLitePreUpdateData, report func(rowKey)) {
	key := make([]any, 2)
	if d.Op != opInsert && d.Old(key...) == nil {
		reportKey(key, report)
	}
	if d.Op != opDelete && d.New(key...) == nil {
		reportKey(key, report)
	}
}

func reportKey(key []any, report func(rowKey)) {
	instanceID, _ := key[0].(string)
	id, _ := key[1].(string)
	report(rowKey{instanceID, id})
}

func (c hookedConnector) Driver() sqldriver.Driver { return c.drv }

// openHooked opens a *sql.DB on dsn whose connections report every changed
// row to w.
func openHooked(dsn string, w rowWatcher) *sql.DB {
	return sql.OpenDB(hookedConnector{drv: &sqlite.Driver{}, dsn: dsn, w: w})
}

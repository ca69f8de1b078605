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
type hookedConnector struct {
	drv     *sqlite.Driver
	dsn     string
	changed func(table string, rowid int64)
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
		c.changed(d.TableName, d.OldRowID)
		if d.NewRowID != d.OldRowID {
			c.changed(d.TableName, d.NewRowID)
		}
	})
	return conn, nil
}

func (c hookedConnector) Driver() sqldriver.Driver { return c.drv }

// openHooked opens a *sql.DB on dsn whose connections report every changed
// row to changed.
func openHooked(dsn string, changed func(table string, rowid int64)) *sql.DB {
	return sql.OpenDB(hookedConnector{drv: &sqlite.Driver{}, dsn: dsn, changed: changed})
}

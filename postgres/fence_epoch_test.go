package postgres

import (
	"log/slog"
	"net/url"
	"strings"
	"testing"

	"github.com/connectd/connectd/internal/pgtest"
	"github.com/jackc/pgx/v5/pgconn"
)

// TestFenceEpochSameServerTwoTimeZones (from the review): connections to
// the one primary whose sessions differ only in TimeZone (a read DSN or a
// pool with its own timezone= / options) are the same primary, not
// another epoch each time one connects; and the epoch is known there.
func TestFenceEpochSameServerTwoTimeZones(t *testing.T) {
	dsn := pgtest.DSN(t)
	f := &fence{log: slog.Default()}
	with := func(tz string) string {
		if strings.Contains(dsn, "://") {
			return dsn + map[bool]string{true: "&", false: "?"}[strings.Contains(dsn, "?")] + "timezone=" + url.QueryEscape(tz)
		}
		return dsn + " timezone=" + tz
	}
	var epochs []int64
	for _, tz := range []string{"UTC", "Asia/Tokyo", "UTC", "Asia/Tokyo"} {
		conn, err := pgconn.Connect(t.Context(), with(tz))
		if err != nil {
			t.Fatal(err)
		}
		if err := f.check(t.Context(), conn); err != nil {
			t.Fatal(err)
		}
		conn.Close(t.Context())
		e, _ := f.epoch()
		epochs = append(epochs, e)
	}
	if epochs[3] != epochs[0] {
		t.Errorf("one primary, four connections: epochs %v, want one", epochs)
	}
	if _, ok := f.epoch(); !ok {
		t.Error("a primary with synchronous_commit on left the fence without an epoch")
	}
}

package sqlite

import (
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/internal/stored"
)

// wrap returns a domain error unchanged and adds context to any other.
func wrap(op string, err error) error {
	var de *connectd.Error
	if err == nil || errors.As(err, &de) {
		return err
	}
	return fmt.Errorf("sqlite: %s: %w", op, err)
}

// millis converts t to the stored form: Unix milliseconds, or NULL for the
// zero time (which means "not set", e.g. a contact that has not ended).
func millis(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixMilli(), Valid: true}
}

// timeOf is the inverse of millis, always in UTC.
func timeOf(ms sql.NullInt64) time.Time {
	if !ms.Valid {
		return time.Time{}
	}
	return time.UnixMilli(ms.Int64).UTC()
}

// truncate returns t as it will read back: in UTC at millisecond precision.
func truncate(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.Truncate(time.Millisecond).UTC()
}

// driver is how this store takes optional strings and times
// (stored.Driver): NULL or text, NULL or Unix milliseconds.
func driver() stored.Driver {
	return stored.Driver{
		Optional: func(s string) any { return nullString(s) },
		Time:     func(t time.Time) any { return millis(truncate(t)) },
		ScanTime: func() stored.TimeDest { return new(msTime) },
	}
}

// nullString stores "" as NULL, which keeps optional columns out of their
// partial indexes.
func nullString(s string) sql.NullString {
	return sql.NullString{String: s, Valid: s != ""}
}

// encodeMap stores a map as a JSON object (stored.Map), or NULL when it is
// empty.
func encodeMap(m map[string]string) (sql.NullString, error) {
	doc, ok, err := stored.Map(m)
	return sql.NullString{String: doc, Valid: ok}, err
}

// decodeMap reads what encodeMap stored; NULL reads as an empty map.
func decodeMap(s sql.NullString) (map[string]string, error) {
	return stored.ParseMap([]byte(s.String))
}

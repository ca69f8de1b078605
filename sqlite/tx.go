package sqlite

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/connectd/connectd"
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

// nullString stores "" as NULL, which keeps optional columns out of their
// partial indexes.
func nullString(s string) sql.NullString {
	return sql.NullString{String: s, Valid: s != ""}
}

// encodeMap stores a map as a JSON object, or NULL when it is empty.
func encodeMap(m map[string]string) (sql.NullString, error) {
	if len(m) == 0 {
		return sql.NullString{}, nil
	}
	b, err := json.Marshal(m)
	if err != nil {
		return sql.NullString{}, err
	}
	return sql.NullString{String: string(b), Valid: true}, nil
}

// decodeMap reads what encodeMap stored; NULL reads as an empty map.
func decodeMap(s sql.NullString) (map[string]string, error) {
	m := map[string]string{}
	if !s.Valid || s.String == "" {
		return m, nil
	}
	if err := json.Unmarshal([]byte(s.String), &m); err != nil {
		return nil, fmt.Errorf("decode JSON map: %w", err)
	}
	return m, nil
}

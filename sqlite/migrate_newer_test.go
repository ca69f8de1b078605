package sqlite

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/connectd/connectd"
)

// TestNewerDatabaseRefused: a database that records a migration this
// binary does not know (a newer connectd's) is refused at Open, naming
// it, rather than read with the wrong schema; the record stays.
func TestNewerDatabaseRefused(t *testing.T) {
	dir := t.TempDir()
	s := openDir(t, dir, connectd.SystemClock{})
	s.Close()
	db, err := sql.Open("sqlite", filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO schema_migrations (version, name, applied_ms) VALUES (9999, '9999_from_the_future.sql', 0)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s, err = Open(t.Context(), dir, connectd.SystemClock{}, nil)
	if err == nil {
		s.Close()
		t.Fatal("a database of a newer connectd opened")
	}
	if !strings.Contains(err.Error(), "9999_from_the_future.sql") || !strings.Contains(err.Error(), "newer connectd") {
		t.Fatalf("error %q does not name the unknown migration", err)
	}
	t.Log(err)
	db, err = sql.Open("sqlite", filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM schema_migrations WHERE version = 9999`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("the newer migration's record: %d, %v", n, err)
	}
}

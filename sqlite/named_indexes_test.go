package sqlite

import (
	"bytes"
	"database/sql"
	"log/slog"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/connectd/connectd"
)

// indexSQL returns the CREATE statements SQLite keeps of namedIndexes
// ("" for one that is missing).
func indexSQL(t *testing.T, db *sql.DB) map[string]string {
	t.Helper()
	got := map[string]string{}
	for _, name := range namedIndexes() {
		var text sql.NullString
		err := db.QueryRowContext(t.Context(), `SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = ?`, name).Scan(&text)
		if err != nil && err != sql.ErrNoRows {
			t.Fatal(err)
		}
		got[name] = text.String
	}
	return got
}

// TestDroppedNamedIndexesComeBack: an index the search's SQL names
// (INDEXED BY), dropped by hand, is created again, as its migration
// defines it, when the store opens, with a warning naming it; a search of
// its shape then plans on it instead of failing with "no such index".
func TestDroppedNamedIndexesComeBack(t *testing.T) {
	dir := t.TempDir()
	s := openDir(t, dir, connectd.SystemClock{})
	fresh := indexSQL(t, s.read)
	s.Close()
	for name, text := range fresh {
		if text == "" {
			t.Fatalf("a new store has no index %s", name)
		}
	}
	db, err := sql.Open("sqlite", filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range namedIndexes() {
		if _, err := db.Exec("DROP INDEX " + name); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	var logs bytes.Buffer
	s, err = Open(t.Context(), dir, connectd.SystemClock{}, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if got := indexSQL(t, s.read); !maps.Equal(got, fresh) {
		t.Fatalf("indexes after the reopen:\n%v\nwant as a new store has them:\n%v", got, fresh)
	}
	for _, name := range namedIndexes() {
		if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "index="+name) {
			t.Errorf("no warning names the restored index %s:\n%s", name, logs.String())
		}
	}
	q := &connectd.SearchQuery{InstanceID: "i", TimeRange: connectd.TimeInitiation, Sort: connectd.SortInitiation,
		Start: time.Unix(0, 0), End: time.Now(),
		Attributes: &connectd.AttributeCriteria{Criteria: []connectd.AttributeCriterion{{Key: "k", Values: []string{"v"}, Indexed: true}}}}
	if plan := pagePlan(t, s, q, nil); !slices.ContainsFunc(plan, func(step string) bool {
		return strings.Contains(step, "INDEX "+pageIndex)
	}) {
		t.Errorf("the page does not read %s:\n  %s", pageIndex, strings.Join(plan, "\n  "))
	}
	s.Close()

	logs.Reset()
	s, err = Open(t.Context(), dir, connectd.SystemClock{}, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if strings.Contains(logs.String(), "missing") {
		t.Errorf("a store with every index warned again:\n%s", logs.String())
	}
}

// TestIndexDefinitionUnknown: an index no migration creates is an error,
// not an empty statement.
func TestIndexDefinitionUnknown(t *testing.T) {
	if def, err := indexDefinition("contacts_no_such"); err == nil {
		t.Fatalf("indexDefinition of an unknown index = %q, nil", def)
	}
	if def, err := indexDefinition(pageIndex); err != nil || !strings.HasPrefix(def, "CREATE INDEX "+pageIndex+" ON contacts") {
		t.Fatalf("indexDefinition(%s) = %q, %v", pageIndex, def, err)
	}
}

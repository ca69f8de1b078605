package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"

	"github.com/connectd/connectd/internal/migrations"
)

// pageIndex is the index a members-driven search reads its page from
// (migration 0017, membersFrom).
const pageIndex = "contacts_page"

// namedIndexes are the indexes the search's SQL names with INDEXED BY
// (timeIndex, membersFrom). SQLite refuses a query whose INDEXED BY names
// an index that does not exist ("no such index"), where a missing index
// would otherwise only make a query slower.
func namedIndexes() []string {
	return []string{timeIndex("c.initiated_ms"), timeIndex("c.scheduled_ms"), timeIndex("c.disconnected_ms"), pageIndex}
}

// restoreNamedIndexes creates again, from the migration that last defines
// it, any of namedIndexes that is missing although its migration is
// recorded: someone dropped it by hand (a "tidy-up" of indexes that look
// redundant, say). Without it every search of its shape would fail with a
// 500 until the index came back. It runs as the store opens, after
// migrate, and logs a warning for each index it restores. It reads first,
// so that opening a database whose indexes are all there (every open but
// after such a mistake) takes no second write transaction (migrate's is
// the one).
func (s *Store) restoreNamedIndexes(ctx context.Context) error {
	present := func(q interface {
		QueryRowContext(context.Context, string, ...any) *sql.Row
	}, name string) (bool, error) {
		var n int
		err := q.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name = ?`, name).Scan(&n)
		return n > 0, err
	}
	all := true
	for _, name := range namedIndexes() {
		ok, err := present(s.read, name)
		if err != nil {
			return fmt.Errorf("sqlite: read the indexes searches name: %w", err)
		}
		all = all && ok
	}
	if all {
		return nil
	}
	var restored []string
	err := s.write(ctx, "restore named indexes", func(tx *txn) error {
		restored = restored[:0]
		for _, name := range namedIndexes() {
			ok, err := present(tx, name)
			if err != nil {
				return err
			}
			if ok {
				continue
			}
			stmt, err := indexDefinition(name)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("create index %s again: %w", name, err)
			}
			restored = append(restored, name)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("sqlite: restore the indexes searches name: %w", err)
	}
	for _, name := range restored {
		s.log.Warn("sqlite: an index searches name was missing (dropped by hand?); created it again", "index", name)
	}
	return nil
}

// indexDefinition returns the CREATE [UNIQUE] INDEX statement of name in
// the last migration that creates it, read with its comments taken out (a
// commented-out definition is none). A migration that drops one of
// namedIndexes must say DROP INDEX IF EXISTS: on a database whose index
// was dropped by hand, migrate runs before the index is restored.
func indexDefinition(name string) (string, error) {
	ms, err := migrations.Load(migrationFiles, "migrations")
	if err != nil {
		return "", err
	}
	comment := regexp.MustCompile(`--[^\n]*`)
	re := regexp.MustCompile(`(?is)\bCREATE\s+(UNIQUE\s+)?INDEX\s+(IF\s+NOT\s+EXISTS\s+)?` + regexp.QuoteMeta(name) + `\s+ON\b[^;]*`)
	def := ""
	for _, m := range ms {
		if found := re.FindAllString(comment.ReplaceAllString(m.SQL, ""), -1); len(found) > 0 {
			def = found[len(found)-1]
		}
	}
	if def == "" {
		return "", fmt.Errorf("no migration creates index %s", name)
	}
	return strings.TrimSpace(def), nil
}

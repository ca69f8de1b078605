package sqlite

import (
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/connectd/connectd/internal/migrations"
)

// fixtureLoader names the version of storetest's search loader (its
// layouts, days, attribute mix and searchable keys): bump it when the
// loader changes, so that cached fixtures are made again.
const fixtureLoader = 1

// searchFixture lets BenchmarkSearchContacts keep a layout's loaded
// database between runs: loading 1,000,000 contacts takes about two
// minutes, a search benchmark's before/after sitting needs several runs,
// and the data is the same every time (the benchmark's clock is fixed).
// cache is the directory (none: no caching), name the layout and its size.
// The file is named after a hash of every migration's SQL and of
// fixtureLoader too, so that a fixture is reused only by a binary whose
// schema and loader made it: a migration edited while it is tuned, or a
// changed loader, makes a new fixture rather than a stale measurement.
// If the cache has the file, it is
// copied into dir and loaded is true; otherwise save, called once the store
// is closed, copies dir's database into the cache.
func searchFixture(b *testing.B, cache, name, dir string) (loaded bool, save func()) {
	b.Helper()
	if cache == "" {
		return false, func() {}
	}
	ms, err := migrations.Load(migrationFiles, "migrations")
	if err != nil || len(ms) == 0 {
		b.Fatalf("search fixture: migrations: %v", err)
	}
	h := sha256.New()
	fmt.Fprintf(h, "loader %d\n", fixtureLoader)
	for _, m := range ms {
		fmt.Fprintf(h, "%s\n%s\n", m.Name, m.SQL)
	}
	cached := filepath.Join(cache, fmt.Sprintf("search-%s-%s-%x.db", name,
		strings.TrimSuffix(ms[len(ms)-1].Name, ".sql"), h.Sum(nil)[:6]))
	if _, err := os.Stat(cached); err == nil {
		if err := copyFile(cached, filepath.Join(dir, FileName)); err != nil {
			b.Fatalf("search fixture: %v", err)
		}
		b.Logf("search fixture: %s", cached)
		return true, func() {}
	}
	return false, func() {
		if b.Failed() {
			return
		}
		if err := os.MkdirAll(cache, 0o750); err != nil {
			b.Errorf("search fixture: %v", err)
			return
		}
		// Copied under another name and renamed, so that a run stopped
		// halfway leaves no partial fixture behind.
		tmp := cached + ".part"
		if err := copyFile(filepath.Join(dir, FileName), tmp); err != nil {
			b.Errorf("search fixture: %v", err)
			return
		}
		if err := os.Rename(tmp, cached); err != nil {
			b.Errorf("search fixture: %v", err)
		}
	}
}

// copyFile copies the file from to a new file to.
func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fmt.Errorf("copy %s: %w", from, err)
	}
	return out.Close()
}

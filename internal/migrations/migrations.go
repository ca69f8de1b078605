// Package migrations reads a store's embedded schema migrations. Each store
// applies them with its own driver and SQL; what they share is the naming
// rule and the order, kept here once.
package migrations

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// Migration is one schema change: a file dir/NNNN_description.sql.
type Migration struct {
	Version int    // NNNN
	Name    string // the file name, for the log and schema_migrations
	SQL     string
}

// Load returns the migrations in dir of fsys, in version order. A file
// whose name does not start with a version number, or two files with one
// version, are errors: the binary would otherwise skip or reorder a change.
func Load(fsys fs.FS, dir string) ([]Migration, error) {
	paths, err := fs.Glob(fsys, path.Join(dir, "*.sql"))
	if err != nil {
		return nil, err
	}
	var ms []Migration
	for _, p := range paths {
		name := path.Base(p)
		prefix, _, _ := strings.Cut(name, "_")
		v, err := strconv.Atoi(prefix)
		if err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a version number", name)
		}
		body, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil, err
		}
		ms = append(ms, Migration{Version: v, Name: name, SQL: string(body)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	for i := 1; i < len(ms); i++ {
		if ms[i].Version == ms[i-1].Version {
			return nil, fmt.Errorf("migrations %s and %s share version %d", ms[i-1].Name, ms[i].Name, ms[i].Version)
		}
	}
	return ms, nil
}

package connectd_test

import (
	"bufio"
	"bytes"
	"os/exec"
	"strings"
	"testing"
)

// module is this module's path.
const module = "github.com/connectd/connectd"

// importRules are the import rules of the code's shape (DESIGN.md, "Shape
// of the code"), checked on what `go list -deps` reports, transitively and
// without tests, in the manner of tailscale's depaware check: the domain
// imports only the standard library; the stores and the api package never
// reach each other; only cmd/ (and connecttest, the server for Go tests)
// wire them together.
func importRules() []struct {
	pkg       string
	forbidden []string // module packages pkg must not depend on
	stdOnly   bool     // pkg may depend on the standard library only
} {
	return []struct {
		pkg       string
		forbidden []string
		stdOnly   bool
	}{
		{pkg: module, stdOnly: true},
		{pkg: module + "/sqlite", forbidden: []string{module + "/postgres", module + "/api"}},
		{pkg: module + "/postgres", forbidden: []string{module + "/sqlite", module + "/api"}},
		{pkg: module + "/api", forbidden: []string{module + "/sqlite", module + "/postgres"}},
		{pkg: module + "/internal/stored", forbidden: []string{module + "/sqlite", module + "/postgres", module + "/api"}},
	}
}

// dep is one package in a `go list -deps` answer.
type dep struct {
	path     string
	standard bool
}

// deps returns the dependencies of pkg (pkg itself included).
func deps(t *testing.T, pkg string) []dep {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}} {{.Standard}}", pkg).Output()
	if err != nil {
		t.Fatalf("go list -deps %s: %v", pkg, err)
	}
	var ds []dep
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		path, std, _ := strings.Cut(sc.Text(), " ")
		ds = append(ds, dep{path: path, standard: std == "true"})
	}
	return ds
}

// violations lists the dependencies of pkg that break its rule.
func violations(pkg string, ds []dep, forbidden []string, stdOnly bool) []string {
	var bad []string
	for _, d := range ds {
		switch {
		case d.path == pkg:
		case stdOnly && !d.standard:
			bad = append(bad, d.path+" (not in the standard library)")
		default:
			for _, f := range forbidden {
				if d.path == f || strings.HasPrefix(d.path, f+"/") {
					bad = append(bad, d.path)
				}
			}
		}
	}
	return bad
}

func TestImportRules(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command to list the dependencies with")
	}
	for _, r := range importRules() {
		if bad := violations(r.pkg, deps(t, r.pkg), r.forbidden, r.stdOnly); len(bad) > 0 {
			t.Errorf("%s depends on what it must not:\n  %s", r.pkg, strings.Join(bad, "\n  "))
		}
	}
}

// TestImportRulesCatchViolations shows that the check fails when a rule is
// broken: a store that reaches the api package, a domain that imports a
// module outside the standard library.
func TestImportRulesCatchViolations(t *testing.T) {
	store := []dep{{path: module + "/sqlite"}, {path: module}, {path: module + "/api"}, {path: "fmt", standard: true}}
	if bad := violations(module+"/sqlite", store, []string{module + "/api"}, false); len(bad) != 1 || bad[0] != module+"/api" {
		t.Errorf("store reaching api: violations %v", bad)
	}
	root := []dep{{path: module}, {path: "fmt", standard: true}, {path: "github.com/google/uuid"}}
	if bad := violations(module, root, nil, true); len(bad) != 1 {
		t.Errorf("domain importing uuid: violations %v", bad)
	}
	if bad := violations(module, root[:2], nil, true); len(bad) != 0 {
		t.Errorf("standard-library-only domain: violations %v", bad)
	}
}

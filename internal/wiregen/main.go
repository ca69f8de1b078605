// Command wiregen generates connectd's wire tables from the Amazon Connect
// service model (botocore's service-2.json): the route table, each input
// shape's constraints and each operation's modeled errors. The api package
// runs it through go:generate:
//
//	go generate ./...
//
// With -import it first refreshes the vendored model from a botocore
// directory (such as botocore/data/connect/2017-08-08), dropping the
// documentation strings, so that moving to a newer model is one command:
//
//	go run ./internal/wiregen -import DIR -model api/model -out api/model_gen.go
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	modelDir := flag.String("model", "model", "directory of the vendored model (service-2.json, patch.json)")
	out := flag.String("out", "model_gen.go", "the Go file to write")
	importDir := flag.String("import", "", "a botocore model directory to refresh the vendored copy from first")
	flag.Parse()
	if err := run(*modelDir, *out, *importDir); err != nil {
		fmt.Fprintln(os.Stderr, "wiregen:", err)
		os.Exit(1)
	}
}

func run(modelDir, out, importDir string) error {
	if importDir != "" {
		if err := importModel(importDir, modelDir); err != nil {
			return err
		}
	}
	m, err := loadModel(filepath.Join(modelDir, "service-2.json"))
	if err != nil {
		return err
	}
	if err := m.applyPatch(filepath.Join(modelDir, "patch.json")); err != nil {
		return err
	}
	src, err := emit(m, filepath.ToSlash(filepath.Join(filepath.Base(modelDir), "service-2.json"))+" and patch.json")
	if err != nil {
		return err
	}
	if err := os.WriteFile(out, src, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	return nil
}

// importModel copies a botocore model into dir, trimmed: the documentation
// strings (prose, most of the file's size) go; structure and constraints
// stay. The license comes along; NOTICE.md and patch.json are connectd's
// and are kept.
func importModel(from, dir string) error {
	drop := map[string]bool{"documentation": true, "deprecatedMessage": true}
	for _, name := range []string{"service-2.json"} {
		b, err := os.ReadFile(filepath.Join(from, name))
		if err != nil {
			return fmt.Errorf("import: %w", err)
		}
		n, err := parseJSON(b)
		if err != nil {
			return fmt.Errorf("import %s: %w", name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(n.without(drop).text()), 0o644); err != nil {
			return fmt.Errorf("import: %w", err)
		}
	}
	if b, err := os.ReadFile(filepath.Join(from, "LICENSE.txt")); err == nil {
		if err := os.WriteFile(filepath.Join(dir, "LICENSE.txt"), b, 0o644); err != nil {
			return fmt.Errorf("import: %w", err)
		}
	}
	return nil
}

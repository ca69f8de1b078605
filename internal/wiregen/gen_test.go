package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestGeneratedCodeIsCurrent regenerates the api package's tables in memory
// and compares them with the committed file, so that `go test ./...`
// catches what CI's `go generate ./... && git diff --exit-code` does.
func TestGeneratedCodeIsCurrent(t *testing.T) {
	dir := filepath.Join("..", "..", "api", "model")
	m, err := loadModel(filepath.Join(dir, "service-2.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := m.applyPatch(filepath.Join(dir, "patch.json")); err != nil {
		t.Fatal(err)
	}
	got, err := emit(m, "model/service-2.json and patch.json")
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join("..", "..", "api", "model_gen.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("api/model_gen.go is stale: run go generate ./...")
	}
	if len(m.ops) != 380 {
		t.Fatalf("%d operations, want 380", len(m.ops))
	}
}

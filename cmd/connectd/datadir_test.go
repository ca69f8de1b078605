//go:build unix

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
	"github.com/connectd/connectd/sqlite"
)

// serveErr runs `connectd serve` with args until it fails or ctx is done,
// and returns what it returned and what it logged.
func serveErr(t *testing.T, args ...string) (error, string) {
	t.Helper()
	var stderr bytes.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	err := run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...),
		env{stdout: io.Discard, stderr: &stderr, getenv: func(string) string { return "" }})
	return err, stderr.String()
}

// health returns the status and body of GET /_connectd/health.
func health(t *testing.T, url string) (int, map[string]string) {
	t.Helper()
	resp, err := http.Get(url + "/_connectd/health")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]string
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body
}

// newInstance creates an instance with a fresh alias.
func newInstance(ctx context.Context, c *connect.Client) error {
	_, err := c.CreateInstance(ctx, &connect.CreateInstanceInput{
		IdentityManagementType: types.DirectoryTypeConnectManaged, InstanceAlias: aws.String("dir-" + strconv.FormatInt(time.Now().UnixNano(), 36)),
		InboundCallsEnabled: aws.Bool(true), OutboundCallsEnabled: aws.Bool(true),
	})
	return err
}

// TestSecondServeOnADirectoryIsRefused: two connectd processes on one
// SQLite directory would each group-commit through their own writer.
func TestSecondServeOnADirectoryIsRefused(t *testing.T) {
	dir := t.TempDir()
	_, stop := startInProcess(t, "--data", dir)
	err, _ := serveErr(t, "--data", dir)
	if err == nil || errors.Is(err, errUsage) || !errors.Is(err, sqlite.ErrLocked) || !strings.Contains(err.Error(), "in use by another connectd") {
		t.Fatalf("second serve: %v, want a lock refusal (exit status 1)", err)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	// The lock goes with the process that held it.
	_, stop = startInProcess(t, "--data", dir)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

// TestLostDatabaseIsNoticed: when the data directory is deleted (or its
// database replaced) under a running server, writes get 503 instead of
// being acknowledged into a file that is gone, and health says why.
func TestLostDatabaseIsNoticed(t *testing.T) {
	ctx := context.Background()
	for _, how := range []string{"deleted", "replaced"} {
		t.Run(how, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "data")
			url, stop := startInProcess(t, "--data", dir)
			defer stop()
			client := clientAs(url, "AKIDTEST", "x", "us-east-1")
			if err := newInstance(ctx, client); err != nil {
				t.Fatal(err)
			}
			if code, _ := health(t, url); code != 200 {
				t.Fatalf("health before: %d", code)
			}
			db := filepath.Join(dir, sqlite.FileName)
			switch how {
			case "deleted":
				if err := os.RemoveAll(dir); err != nil {
					t.Fatal(err)
				}
			case "replaced":
				b, err := os.ReadFile(db)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.Rename(db, db+".old"); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(db, b, 0o640); err != nil {
					t.Fatal(err)
				}
			}
			err := newInstance(ctx, client)
			wantAPIError(t, err, "ServiceUnavailableException", "removed or replaced")
			code, body := health(t, url)
			if code != 503 || body["Status"] != "unavailable" || !strings.Contains(body["Error"], "removed or replaced") {
				t.Fatalf("health after: %d %v, want 503 with the reason", code, body)
			}
		})
	}
}

// TestMissingDatabaseIsNotRecreated: a directory that held a database but
// lacks it now (a volume not mounted, a file deleted) is refused at
// start-up, unless --new-database asks for an empty one.
func TestMissingDatabaseIsNotRecreated(t *testing.T) {
	dir := t.TempDir()
	url, stop := startInProcess(t, "--data", dir)
	if err := newInstance(context.Background(), sdkClient(url)); err != nil {
		t.Fatal(err)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{sqlite.FileName, sqlite.FileName + "-wal", sqlite.FileName + "-shm"} {
		if err := os.Remove(filepath.Join(dir, f)); err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
	}
	err, _ := serveErr(t, "--data", dir)
	if err == nil || errors.Is(err, errUsage) || !strings.Contains(err.Error(), "--new-database") {
		t.Fatalf("serve on a directory that lost its database: %v, want a refusal naming --new-database", err)
	}
	if _, statErr := os.Stat(filepath.Join(dir, sqlite.FileName)); !errors.Is(statErr, os.ErrNotExist) {
		t.Fatalf("the refused start created %s (%v)", sqlite.FileName, statErr)
	}
	url, stop = startInProcess(t, "--data", dir, "--new-database")
	defer stop()
	out, err := sdkClient(url).ListInstances(context.Background(), &connect.ListInstancesInput{})
	if err != nil || len(out.InstanceSummaryList) != 0 {
		t.Fatalf("--new-database: %v, %v; want an empty store", out, err)
	}
}

//go:build unix

package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/smithy-go"
	"github.com/connectd/connectd/internal/pgtest"
	"github.com/jackc/pgx/v5"
)

// setReadOnly makes every new session of the test's database read-only (or
// not) and ends the server's sessions, so that its pool reconnects with the
// new setting, as after a fail-over to a standby.
func setReadOnly(t *testing.T, dsn string, on bool) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	db := strings.TrimPrefix(u.Path, "/")
	if q := u.Query().Get("dbname"); q != "" {
		db = q
	}
	setting := "off"
	if on {
		setting = "on"
	}
	// This session too would be read-only after an earlier call.
	if _, err := conn.Exec(ctx, "SET default_transaction_read_only = off"); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "ALTER DATABASE "+pgx.Identifier{db}.Sanitize()+" SET default_transaction_read_only = "+setting); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", db); err != nil {
		t.Fatal(err)
	}
}

// eventually retries check until it returns "" or 15 s pass, and fails
// with its last complaint.
func eventually(t *testing.T, what string, check func() string) {
	t.Helper()
	var last string
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if last = check(); last == "" {
			return
		}
	}
	t.Fatalf("%s: %s", what, last)
}

// TestHealthOnAReadOnlyPostgres: a PostgreSQL database that answers but
// refuses writes fails health with the reason and answers writes 503,
// until it takes writes again.
func TestHealthOnAReadOnlyPostgres(t *testing.T) {
	dsn := pgtest.URL(t)
	url, stop := startInProcess(t, "--data", dsn)
	defer stop()
	ctx := context.Background()
	client := clientAs(url, "AKIDTEST", "x", "us-east-1")
	if err := newInstance(ctx, client); err != nil {
		t.Fatal(err)
	}
	setReadOnly(t, dsn, true)
	eventually(t, "health on a read-only database", func() string {
		if code, body := health(t, url); code != 503 || !strings.Contains(body["Error"], "read-only") {
			return "got " + body["Status"] + " " + body["Error"]
		}
		return ""
	})
	eventually(t, "a write to a read-only database", func() string {
		var ae smithy.APIError
		err := newInstance(ctx, client)
		if !errors.As(err, &ae) || ae.ErrorCode() != "ServiceUnavailableException" || !strings.Contains(ae.ErrorMessage(), "read-only") {
			return fmt.Sprintf("got %v", err)
		}
		return ""
	})
	setReadOnly(t, dsn, false)
	eventually(t, "health once the database takes writes", func() string {
		if code, body := health(t, url); code != 200 {
			return "got " + body["Status"] + " " + body["Error"]
		}
		return ""
	})
	if err := newInstance(ctx, client); err != nil {
		t.Fatalf("a write once the database takes writes: %v", err)
	}
}

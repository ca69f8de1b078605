package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/api"
	"github.com/connectd/connectd/postgres"
	"github.com/connectd/connectd/sqlite"
)

func TestParseServeFlagsAndEnvironment(t *testing.T) {
	environ := map[string]string{"CONNECTD_ADDR": "0.0.0.0:9999", "CONNECTD_REGION": "eu-west-1", "CONNECTD_LOG_LEVEL": "debug"}
	e := env{stdout: io.Discard, stderr: io.Discard, getenv: func(k string) string { return environ[k] }}
	cfg, err := parseServe([]string{"--region", "ap-south-1"}, e)
	if err != nil {
		t.Fatal(err)
	}
	want := serveConfig{addr: "0.0.0.0:9999", data: "./connectd-data", region: "ap-south-1", logLevel: "debug", admin: true, throttle: "none", auth: "none", maxSkew: 15 * time.Minute, maxConns: defaultMaxConns, cacheMiB: defaultCacheMiB,
		ops: opsConfig{logFormat: "text", metrics: true}, outbox: outboxConfig{events: "none", cap: connectd.DefaultOutboxCap},
		admissionFlags: admissionFlags{requestTimeout: "3s", maxSearches: "2", searchWait: "1s"},
		admission:      api.Admission{RequestTimeout: 3 * time.Second, Searches: 2, QueueWait: time.Second}}
	if !reflect.DeepEqual(cfg, want) {
		t.Fatalf("got %+v, want %+v (flag beats environment, environment beats default)", cfg, want)
	}
	environ["CONNECTD_ADMIN"], environ["CONNECTD_THROTTLE"], environ["CONNECTD_SEED"] = "false", "aws", "42"
	environ["CONNECTD_ADMIN_HOSTS"], environ["CONNECTD_MAX_CONNECTIONS"], environ["CONNECTD_NEW_DATABASE"] = "connectd, connectd.test", "50", "true"
	environ["CONNECTD_CONTACT_EVENTS"], environ["CONNECTD_OUTBOX_CAP"], environ["CONNECTD_CACHE_MIB"] = "eventbridge", "7", "0"
	// 0 turns the deadline and the search limit off (Admission's -1).
	environ["CONNECTD_REQUEST_TIMEOUT"], environ["CONNECTD_MAX_SEARCHES"], environ["CONNECTD_SEARCH_WAIT"] = "0", "0", "250ms"
	if cfg, err := parseServe(nil, e); err != nil || cfg.admin || cfg.throttle != "aws" || cfg.seed != "42" ||
		cfg.admission != (api.Admission{RequestTimeout: -1, Searches: -1, QueueWait: 250 * time.Millisecond}) ||
		cfg.outbox != (outboxConfig{events: "eventbridge", cap: 7}) ||
		!reflect.DeepEqual(cfg.adminHosts, []string{"connectd", "connectd.test"}) || cfg.maxConns != 50 || !cfg.newDatabase || cfg.cacheMiB != 0 {
		t.Fatalf("environment: %+v, %v", cfg, err)
	}
	for _, bad := range [][]string{{"--throttle", "always"}, {"--seed", "-1"}, {"--seed", "x"},
		{"--auth", "iam"}, {"--max-connections", "0"}, {"--max-connections", "many"}, {"--max-skew", "0s"}, {"--max-skew", "soon"}, {"--data", "host=db dbname=connectd"},
		{"--contact-events", "sns"}, {"--outbox-cap", "0"}, {"--outbox-cap", "lots"},
		{"--cache-mib", "-1"}, {"--cache-mib", "4MiB"}, {"--cache-mib", "16385"},
		{"--request-timeout", "soon"}, {"--request-timeout", "-1s"}, {"--max-searches", "-1"}, {"--max-searches", "two"}, {"--search-wait", "0s"},
		{"--read-data", "postgres://u@standby/db"}, {"--data", "postgres://u@db/db", "--read-data", "./dir"}} {
		if _, err := parseServe(bad, e); !errors.Is(err, errUsage) {
			t.Fatalf("%v: %v, want usage error", bad, err)
		}
	}
	if _, err := parseServe([]string{"--bogus"}, e); !errors.Is(err, errUsage) {
		t.Fatalf("unknown flag: %v, want usage error", err)
	}
	if _, err := parseServe([]string{"extra"}, e); !errors.Is(err, errUsage) {
		t.Fatalf("stray argument: %v, want usage error", err)
	}
	if err := run(context.Background(), []string{"nope"}, e); !errors.Is(err, errUsage) {
		t.Fatalf("unknown command: %v, want usage error", err)
	}
	if err := run(context.Background(), []string{"serve", "--log-format", "xml"}, e); !errors.Is(err, errUsage) {
		t.Fatalf("bad log format: %v, want usage error", err)
	}
	if err := run(context.Background(), []string{"serve", "--log-level", "loud"}, e); !errors.Is(err, errUsage) {
		t.Fatalf("bad log level: %v, want usage error", err)
	}
}

// readyURL reads a server's log until its ready line and returns the URL it
// names; the rest of the log is drained in the background.
func readyURL(t *testing.T, log io.Reader) string {
	t.Helper()
	found := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`msg="connectd ready" url=(\S+)`)
		sc := bufio.NewScanner(log)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
		close(found)
	}()
	select {
	case u, ok := <-found:
		if !ok {
			t.Fatal("server exited before it was ready")
		}
		return u
	case <-time.After(30 * time.Second):
		t.Fatal("server not ready after 30s")
	}
	return ""
}

// startInProcess runs `connectd serve` in this process on a free port and
// returns its URL and a function that stops it (SIGTERM's path) and returns
// what serve returned.
func startInProcess(t *testing.T, args ...string) (url string, stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...),
			env{stdout: io.Discard, stderr: pw, getenv: func(string) string { return "" }})
		pw.Close()
		done <- err
	}()
	url = readyURL(t, pr)
	return url, func() error { cancel(); return <-done }
}

func sdkClient(url string) *connect.Client {
	return connect.NewFromConfig(aws.Config{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", ""),
	}, func(o *connect.Options) { o.BaseEndpoint = aws.String(url) })
}

func TestDataSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	url, stop := startInProcess(t, "--data", dir)
	c := sdkClient(url)
	inst, err := c.CreateInstance(ctx, &connect.CreateInstanceInput{
		IdentityManagementType: types.DirectoryTypeConnectManaged, InstanceAlias: aws.String("restart"),
		InboundCallsEnabled: aws.Bool(true), OutboundCallsEnabled: aws.Bool(true),
	})
	if err != nil {
		t.Fatal(err)
	}
	task, err := c.StartTaskContact(ctx, &connect.StartTaskContactInput{InstanceId: inst.Id, Name: aws.String("t"), ContactFlowId: aws.String("f")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.UpdateContactAttributes(ctx, &connect.UpdateContactAttributesInput{
		InstanceId: inst.Id, InitialContactId: task.ContactId, Attributes: map[string]string{"survives": "yes"},
	}); err != nil {
		t.Fatal(err)
	}
	if err := stop(); err != nil {
		t.Fatalf("graceful stop: %v", err)
	}

	url, stop = startInProcess(t, "--data", dir)
	defer func() {
		if err := stop(); err != nil {
			t.Errorf("stop: %v", err)
		}
	}()
	got, err := sdkClient(url).GetContactAttributes(ctx, &connect.GetContactAttributesInput{InstanceId: inst.Id, InitialContactId: task.ContactId})
	if err != nil || got.Attributes["survives"] != "yes" {
		t.Fatalf("after restart: %v, err %v", got, err)
	}
}

func TestMemoryStoreAndHealth(t *testing.T) {
	url, stop := startInProcess(t, "--data", ":memory:")
	defer stop()
	resp, err := http.Get(url + "/_connectd/health")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"Status":"running"`) || !strings.Contains(string(b), `"Store":"sqlite"`) {
		t.Fatalf("health: %d %s", resp.StatusCode, b)
	}
}

func TestServeFailsClearlyOnBadAddress(t *testing.T) {
	err := run(context.Background(), []string{"serve", "--addr", "256.0.0.1:1", "--data", ":memory:"},
		env{stdout: io.Discard, stderr: io.Discard, getenv: func(string) string { return "" }})
	if err == nil || !strings.Contains(err.Error(), "listen on 256.0.0.1:1") {
		t.Fatalf("got %v, want a listen error naming the address", err)
	}
}

// TestCacheMiBReachesTheStore: --cache-mib is the store's row cache cap,
// 0 turns it off, and the default is the stores' own (PostgreSQL's takes
// the same cacheBytes through postgres.Options).
func TestCacheMiBReachesTheStore(t *testing.T) {
	if cacheBytes(defaultCacheMiB) != postgres.DefaultCacheBytes || cacheBytes(defaultCacheMiB) != sqlite.DefaultCacheBytes {
		t.Fatalf("--cache-mib's default %d MiB is not the stores' defaults (%d, %d bytes)",
			defaultCacheMiB, sqlite.DefaultCacheBytes, postgres.DefaultCacheBytes)
	}
	for mib, want := range map[int]int{defaultCacheMiB: sqlite.DefaultCacheBytes, 64: 64 << 20, 0: 0} {
		s, err := openStore(t.Context(), t.TempDir(), "", false, cacheBytes(mib), connectd.SystemClock{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := s.port.(*sqlite.Store).CacheCap(); got != want {
			t.Errorf("--cache-mib %d: the store's cache holds %d bytes, want %d", mib, got, want)
		}
		s.Close()
	}
}

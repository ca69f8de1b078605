package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Cluster is a throwaway PostgreSQL cluster: a temporary data directory
// and one postgres process listening on a free loopback port (and on a unix
// socket inside the directory). It is tuned for tests, not durability:
// fsync is off. synchronous_commit stays on, as on a real server (commits
// then cost a WAL write, not a flush): the postgres store's row cache works
// only when commits wait for their flush (postgres/fence.go, epoch). When the test binary runs as root, initdb and postgres run
// as the postgres user (or nobody), since PostgreSQL refuses to run as root.
type Cluster struct {
	bin      string // directory holding initdb and postgres
	dir      string // root of everything: data/, sock/, postgres.log
	port     int
	password string
	proc     *exec.Cmd
	exited   chan struct{} // closed when proc has exited
	settings []string      // extra -c settings, after (so overriding) the test defaults
}

// NewCluster starts a private throwaway cluster for a test that must stop
// and start its server, and removes it when t ends. Without binaries it
// skips t, or fails it when CONNECTD_REQUIRE_POSTGRES=1 and no
// CONNECTD_TEST_POSTGRES server is available either (a private cluster
// needs local binaries even when the shared server is remote).
func NewCluster(t testing.TB) *Cluster {
	t.Helper()
	c, err := startCluster(localBinaries(t))
	if err != nil {
		t.Fatalf("pgtest: start cluster: %v", err)
	}
	t.Cleanup(func() {
		if err := c.Remove(); err != nil {
			t.Errorf("pgtest: remove cluster: %v", err)
		}
	})
	return c
}

// localBinaries returns the directory of the PostgreSQL binaries for a
// private cluster, or skips or fails t as NewCluster says.
func localBinaries(t testing.TB) string {
	t.Helper()
	bin, err := findBinaries()
	if err != nil {
		if os.Getenv(EnvDSN) != "" {
			t.Skipf("pgtest: this test needs local PostgreSQL binaries to start a private cluster: %v", err)
		}
		unavailable(t, err)
	}
	return bin
}

// findBinaries returns the directory of initdb and postgres: the one on
// PATH if postgres sits beside it (Debian's PATH has only wrappers), else
// the newest /usr/lib/postgresql/<version>/bin.
func findBinaries() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		// A symlink on PATH (/usr/local/bin/initdb) leads to the
		// directory that also holds pg_basebackup, for standbys.
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		dir := filepath.Dir(p)
		if _, err := os.Stat(filepath.Join(dir, "postgres")); err == nil {
			return dir, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	var found []string
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			found = append(found, d)
		}
	}
	if len(found) == 0 {
		return "", errNoPostgres
	}
	version := func(d string) float64 {
		v, _ := strconv.ParseFloat(filepath.Base(filepath.Dir(d)), 64)
		return v
	}
	sort.Slice(found, func(i, j int) bool { return version(found[i]) > version(found[j]) })
	return found[0], nil
}

// startCluster runs initdb in a new temporary directory and starts the
// server with the test defaults and then settings.
func startCluster(bin string, settings ...string) (*Cluster, error) {
	dir, err := os.MkdirTemp("", "connectd-pgtest-")
	if err != nil {
		return nil, err
	}
	pw := make([]byte, 12)
	_, _ = rand.Read(pw)
	c := &Cluster{bin: bin, dir: dir, password: hex.EncodeToString(pw), settings: settings}
	if err := c.init(); err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	if err := c.startOnFreePort(); err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	return c, nil
}

// startOnFreePort starts the server on a free port. The free port is
// found by binding and releasing it, so another process may take it
// first; then the server exits and we try again.
func (c *Cluster) startOnFreePort() error {
	var err error
	for attempt := 1; ; attempt++ {
		if c.port, err = freePort(); err == nil {
			err = c.Start()
		}
		if err == nil || attempt == 3 {
			return err
		}
	}
}

// init creates the data directory. Unix-socket connections are trusted;
// TCP connections need the password, so that tests can check how a wrong
// one is reported.
func (c *Cluster) init() error {
	for _, d := range []string{"data", "sock"} {
		if err := os.Mkdir(filepath.Join(c.dir, d), 0o700); err != nil {
			return err
		}
	}
	pwfile := filepath.Join(c.dir, "pwfile")
	if err := os.WriteFile(pwfile, []byte(c.password+"\n"), 0o600); err != nil {
		return err
	}
	if err := chownForServer(c.dir, "data", "sock", "pwfile"); err != nil {
		return err
	}
	cmd := c.command("initdb", "-D", filepath.Join(c.dir, "data"), "--username=postgres",
		"--pwfile="+pwfile, "--auth-local=trust", "--auth-host=scram-sha-256",
		"--encoding=UTF8", "--locale=C", "--no-sync")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("initdb: %w\n%s", err, out)
	}
	return os.Remove(pwfile)
}

// command returns a command for one of the cluster's binaries, run as the
// server's user inside the cluster's directory (the postgres user cannot
// enter root's working directory).
func (c *Cluster) command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(filepath.Join(c.bin, name), args...)
	cmd.Dir = c.dir
	cmd.Env = append(os.Environ(), "LC_ALL=C", "TZ=UTC")
	cmd.SysProcAttr = serverProcAttr()
	return cmd
}

// Start starts the server (again, after Stop) and waits until it accepts
// connections.
func (c *Cluster) Start() error {
	if c.proc != nil {
		return errors.New("pgtest: cluster already running")
	}
	logFile, err := os.OpenFile(filepath.Join(c.dir, "postgres.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	defer logFile.Close() // the child has its own copy
	cmd := c.command("postgres", "-D", filepath.Join(c.dir, "data"),
		"-p", strconv.Itoa(c.port), "-k", filepath.Join(c.dir, "sock"),
		"-c", "listen_addresses=127.0.0.1",
		"-c", "fsync=off", "-c", "full_page_writes=off",
		"-c", "max_connections=300", "-c", "shared_buffers=64MB",
		"-c", "log_min_messages=warning", "-c", "log_min_error_statement=panic")
	for _, setting := range c.settings {
		cmd.Args = append(cmd.Args, "-c", setting) // the last of a setting wins
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start postgres: %w", err)
	}
	c.proc, c.exited = cmd, make(chan struct{})
	go func(exited chan struct{}) { _ = cmd.Wait(); close(exited) }(c.exited)

	deadline := time.Now().Add(30 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		conn, err := pgx.Connect(ctx, c.DSN())
		cancel()
		if err == nil {
			_ = conn.Close(context.Background())
			return nil
		}
		select {
		case <-c.exited:
			c.proc = nil
			return fmt.Errorf("postgres exited during start-up: %v\n%s", err, c.logTail())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			_ = c.Stop()
			return fmt.Errorf("postgres did not accept connections within 30s: %v\n%s", err, c.logTail())
		}
	}
}

// Stop shuts the server down ("fast" shutdown: clients are disconnected)
// and waits for it to exit. The data directory stays, for Start.
func (c *Cluster) Stop() error {
	if c.proc == nil {
		return nil
	}
	defer func() { c.proc = nil }()
	if err := c.proc.Process.Signal(os.Interrupt); err != nil {
		_ = c.proc.Process.Kill()
	}
	select {
	case <-c.exited:
		return nil
	case <-time.After(20 * time.Second):
		_ = c.proc.Process.Kill()
		<-c.exited
		return errors.New("pgtest: postgres ignored the shutdown request and was killed")
	}
}

// Remove stops the server and deletes the cluster's directory.
func (c *Cluster) Remove() error {
	return errors.Join(c.Stop(), os.RemoveAll(c.dir))
}

// DSN returns the DSN of the cluster's maintenance database "postgres",
// as the superuser postgres over TCP with its password.
func (c *Cluster) DSN() string {
	return fmt.Sprintf("host=127.0.0.1 port=%d user=postgres password=%s dbname=postgres sslmode=disable connect_timeout=5",
		c.port, c.password)
}

// logTail returns the end of the server's log, for error messages.
func (c *Cluster) logTail() string {
	b, _ := os.ReadFile(filepath.Join(c.dir, "postgres.log"))
	s := string(b)
	if len(s) > 4000 {
		s = s[len(s)-4000:]
	}
	return strings.TrimSpace(s)
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

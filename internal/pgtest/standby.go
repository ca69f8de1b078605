package pgtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// primarySettings make a cluster a primary that streams its WAL to one
// synchronous standby: a commit returns only once the standby has the
// WAL, which is what keeps acknowledged writes through a failover.
func primarySettings() []string {
	return []string{
		"synchronous_commit=on", "synchronous_standby_names=*",
		"wal_level=replica", "max_wal_senders=4", "wal_sender_timeout=5s",
	}
}

// NewReplicatedPair starts a private primary and a streaming standby of
// it (pg_basebackup -R over the primary's unix socket), with synchronous
// replication, and waits until the standby streams as the synchronous
// one. Both are removed when t ends. It skips or fails as NewCluster does.
func NewReplicatedPair(t testing.TB) (primary, standby *Cluster) {
	t.Helper()
	primary, err := startCluster(localBinaries(t), primarySettings()...)
	if err != nil {
		t.Fatalf("pgtest: start primary: %v", err)
	}
	t.Cleanup(func() {
		if err := primary.Remove(); err != nil {
			t.Errorf("pgtest: remove primary: %v", err)
		}
	})
	standby, err = primary.startStandby()
	if err != nil {
		t.Fatalf("pgtest: start standby: %v", err)
	}
	t.Cleanup(func() {
		if err := standby.Remove(); err != nil {
			t.Errorf("pgtest: remove standby: %v", err)
		}
	})
	if err := primary.waitForSyncStandby(30 * time.Second); err != nil {
		t.Fatalf("pgtest: %v\n%s", err, standby.logTail())
	}
	return primary, standby
}

// startStandby copies c with pg_basebackup -R into a new directory and
// starts that copy as c's standby. A promoted standby is a primary that
// keeps primarySettings, so it would wait for a standby of its own: the
// standby starts without synchronous_standby_names.
func (c *Cluster) startStandby() (*Cluster, error) {
	dir, err := os.MkdirTemp("", "connectd-pgtest-standby-")
	if err != nil {
		return nil, err
	}
	s := &Cluster{bin: c.bin, dir: dir, password: c.password,
		settings: []string{"synchronous_commit=on", "hot_standby=on", "wal_receiver_status_interval=1s"}}
	if err := os.Mkdir(filepath.Join(dir, "sock"), 0o700); err != nil {
		return nil, err
	}
	if err := chownForServer(dir, "sock"); err != nil {
		return nil, err
	}
	cmd := c.command("pg_basebackup", "-D", filepath.Join(dir, "data"), "-R", "-X", "stream", "--no-sync",
		"-h", filepath.Join(c.dir, "sock"), "-p", strconv.Itoa(c.port), "-U", "postgres")
	if out, err := cmd.CombinedOutput(); err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("pg_basebackup: %w\n%s", err, out)
	}
	if err := s.startOnFreePort(); err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	return s, nil
}

// waitForSyncStandby waits until a standby streams to c synchronously.
func (c *Cluster) waitForSyncStandby(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		var n int
		err := c.query(`SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming' AND sync_state = 'sync'`, &n)
		if err == nil && n > 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no synchronous standby streams to the primary after %v (last error: %v)", limit, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// QueryRow runs one single-row query on c's maintenance database and
// scans its row into dest.
func (c *Cluster) QueryRow(sql string, dest ...any) error { return c.query(sql, dest...) }

// query runs one single-row query on c's maintenance database.
func (c *Cluster) query(sql string, dest ...any) error {
	return c.withConn(func(ctx context.Context, conn *pgx.Conn) error {
		return conn.QueryRow(ctx, sql).Scan(dest...)
	})
}

// withConn runs fn on a new connection to c's maintenance database, with
// a time limit.
func (c *Cluster) withConn(fn func(ctx context.Context, conn *pgx.Conn) error) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, c.DSN())
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	return fn(ctx, conn)
}

// Kill ends the server with SIGKILL to its postmaster, as a crash or the
// OOM killer would, and waits for the postmaster to exit. Its backends
// notice the postmaster's death and exit on their own.
func (c *Cluster) Kill() error {
	if c.proc == nil {
		return errors.New("pgtest: cluster is not running")
	}
	defer func() { c.proc = nil }()
	if err := c.proc.Process.Kill(); err != nil {
		return err
	}
	<-c.exited
	return nil
}

// Restart starts a killed server again, retrying while the backends of
// the killed postmaster still hold its shared memory (PostgreSQL refuses
// to start until they have gone), for up to limit.
func (c *Cluster) Restart(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		err := c.Start()
		if err == nil || time.Now().After(deadline) {
			return err
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Promote turns a standby into a primary (pg_promote, waiting until it
// has left recovery).
func (c *Cluster) Promote() error {
	var ok bool
	if err := c.query(`SELECT pg_promote(true, 30)`, &ok); err != nil {
		return fmt.Errorf("pgtest: promote: %w", err)
	}
	if !ok {
		return errors.New("pgtest: promote: the standby did not leave recovery within 30s")
	}
	return nil
}

// Port returns the TCP port the server listens on, on 127.0.0.1.
func (c *Cluster) Port() int { return c.port }

// Password returns the password of the superuser postgres over TCP.
func (c *Cluster) Password() string { return c.password }

// Exec runs one statement on c's maintenance database, such as
// SELECT pg_wal_replay_pause() on a standby.
func (c *Cluster) Exec(sql string) error {
	return c.withConn(func(ctx context.Context, conn *pgx.Conn) error {
		_, err := conn.Exec(ctx, sql)
		return err
	})
}

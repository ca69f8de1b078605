package postgres

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"sync"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// A fence keeps connectd off a server that is not the cluster's current
// primary, even when that server answers and takes writes: an old primary
// restarted after its standby was promoted is a second primary, and a
// multi-host DSN (or a DNS name that has not moved yet) would send writes
// to it, which the rest of the cluster never sees.
//
// Every server of a streaming-replication cluster shares one system
// identifier (pg_control_system), and each promotion starts a new, higher
// timeline. The fence remembers the identifier and the highest timeline
// this process has seen, and the database remembers them too (the table
// connectd_fence, replicated with everything else), so that every replica
// that reaches the current primary agrees. A server of another cluster, or
// on an older timeline, is refused: each new connection is checked, as is
// every health check, and a refused server is an outage (503), never a
// silent divergence.
//
// What it cannot do: a process that has only ever reached the old primary,
// and whose database copy predates the promotion, has nothing to compare
// with. That is what a fencing failover manager is for (see the README's
// "PostgreSQL high availability").
type fence struct {
	log *slog.Logger

	mu       sync.Mutex
	system   string // system identifier; "" until a server is seen
	timeline int64
	recorded bool // connectd_fence exists (migrations ran): keep it up to date
	noAccess bool // the role may not read pg_control_*: warned once, fence off

	// primary is the last primary admitted (system, timeline, start of
	// its postmaster), and epochs counts its changes (see epoch); noEpoch:
	// a primary's session commits without waiting for the flush.
	primary string
	epochs  int64
	noEpoch bool
}

// epoch returns a number that changes whenever new connections reach
// another primary than before, or the same one restarted, and whether the
// fence knows one: not before a primary was checked, nor with fencing
// off. The row cache uses an entry only in the epoch it was read in
// (fast.go): its version is a transaction id, which a promoted standby,
// or a server restarted from a backup or after pg_resetwal, hands out
// again. A server that crashes keeps its postmaster's start but not its
// xids: every transaction that committed is in the WAL it replays, so an
// id this process saw committed is never handed out again, unless commits
// do not wait for their flush (synchronous_commit = off, which loses
// acknowledged commits in a crash): then there is no epoch, and no cache.
func (f *fence) epoch() (int64, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.epochs, !f.noAccess && !f.noEpoch && f.epochs > 0
}

// sawPrimary notes the primary srv that check admitted, under f.mu.
func (f *fence) sawPrimary(srv server) {
	if srv.recovery {
		return
	}
	switch {
	case srv.async:
		f.noEpoch = true
		return
	case srv.started == "":
		// Not known this time (epochQuery failed): a new epoch, to be
		// safe, and another once it is known.
		f.primary = ""
		f.epochs++
		return
	}
	if id := srv.system + "/" + strconv.FormatInt(srv.timeline, 10) + "/" + srv.started; id != f.primary {
		f.primary = id
		f.epochs++
	}
}

// readEpoch fills srv.started and srv.async from epochQuery; a server
// that does not answer it leaves started "" (and keeps its fence).
func readEpoch(ctx context.Context, conn *pgconn.PgConn, srv *server) {
	res := conn.ExecParams(ctx, epochQuery, nil, nil, nil, nil).Read()
	if res.Err != nil || len(res.Rows) != 1 || len(res.Rows[0]) != 2 {
		return
	}
	srv.started, srv.async = string(res.Rows[0][0]), string(res.Rows[0][1]) == "off"
}

// server is what one connection says of its server.
type server struct {
	system    string
	timeline  int64
	recovery  bool   // a standby
	fenceLine int64  // connectd_fence's timeline, 0 when unknown
	started   string // a primary's postmaster start (epochQuery); "" unknown
	async     bool   // synchronous_commit = off in this session
}

// errFenced is a server the fence refuses.
type errFenced struct{ reason string }

func (e *errFenced) Error() string { return "fenced: " + e.reason }
func (e *errFenced) Unwrap() error { return errNotPrimary }

// serverQuery reads a server's identity. A primary's timeline is the one
// it writes WAL on now: the first 8 hex digits of the current WAL file's
// name. pg_control_checkpoint's timeline lags after a promotion until the
// next checkpoint (which PostgreSQL runs lazily), and pg_walfile_name
// fails in recovery, so a standby reports the later of its last
// restartpoint's timeline and the one it receives WAL on.
const serverQuery = `SELECT system_identifier::text, pg_is_in_recovery(),
	CASE WHEN pg_is_in_recovery() THEN greatest((SELECT timeline_id FROM pg_control_checkpoint()),
		(SELECT received_tli FROM pg_stat_wal_receiver))::bigint
	ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::bigint END
	FROM pg_control_system()`

// epochQuery reads what else tells one primary's run from another (see
// epoch): when its postmaster started, in seconds (not as text, which the
// session's TimeZone and DateStyle format), and whether this session's
// commits wait for their WAL flush.
const epochQuery = `SELECT extract(epoch FROM pg_postmaster_start_time())::text, current_setting('synchronous_commit')`

// fenceQuery reads the database's record, once connectd_fence exists.
const fenceQuery = `SELECT system_identifier, timeline FROM connectd_fence`

// raiseFence records a higher timeline in the database; GREATEST keeps
// two replicas racing on it from ever lowering it.
const raiseFence = `INSERT INTO connectd_fence AS f (one, system_identifier, timeline, updated_at)
	VALUES (true, $1, $2, now())
	ON CONFLICT (one) DO UPDATE SET timeline = GREATEST(f.timeline, EXCLUDED.timeline), updated_at = now()
	WHERE f.timeline < EXCLUDED.timeline`

// guard makes the fence check every new connection of a pool made from
// cfg. It runs after target_session_attrs' own check, so that a host it
// refuses is skipped like a standby: the next host is tried.
func (f *fence) guard(cfg *pgxpool.Config) {
	tsa := cfg.ConnConfig.ValidateConnect
	cfg.ConnConfig.ValidateConnect = func(ctx context.Context, conn *pgconn.PgConn) error {
		if tsa != nil {
			if err := tsa(ctx, conn); err != nil {
				return err
			}
		}
		return f.check(ctx, conn)
	}
}

// check reads conn's server and refuses it (an *errFenced) if it is not
// the cluster this process serves or is on an older timeline than seen
// before. It runs for every new connection, as pgconn's ValidateConnect,
// so a refused host of a multi-host DSN is skipped like a standby is.
func (f *fence) check(ctx context.Context, conn *pgconn.PgConn) error {
	f.mu.Lock()
	off, recorded := f.noAccess, f.recorded
	f.mu.Unlock()
	if off {
		return nil
	}
	srv, err := readServer(ctx, conn, recorded)
	// insufficient_privilege; undefined_function or feature_not_supported:
	// a PostgreSQL-compatible database (CockroachDB, YugabyteDB) without
	// pg_control_system() or WAL timelines, where fencing is its own.
	if code := sqlState(err); code == "42501" || code == "42883" || code == "0A000" {
		f.mu.Lock()
		if !f.noAccess {
			f.log.Warn("postgres: fencing is off: the server does not let this role read pg_control_system() and the WAL's timeline", "err", err)
		}
		f.noAccess = true
		f.mu.Unlock()
		return nil
	}
	host := conn.Conn().RemoteAddr().String()
	var fenced *errFenced
	if errors.As(err, &fenced) {
		f.log.Error("postgres: refusing a server that is not the cluster's current primary", "host", host, "reason", fenced.reason)
		return err
	}
	if err != nil {
		return fmt.Errorf("fence: read the server's identity: %w", err)
	}
	if !srv.recovery {
		readEpoch(ctx, conn, &srv)
	}
	f.mu.Lock()
	refusal, raised := f.admit(srv)
	if refusal == "" {
		f.sawPrimary(srv)
	}
	f.mu.Unlock()
	if refusal != "" {
		f.log.Error("postgres: refusing a server that is not the cluster's current primary", "host", host, "reason", refusal)
		return &errFenced{reason: refusal}
	}
	if raised {
		f.log.Warn("postgres: the cluster is on a new timeline (a standby was promoted); servers on older ones are refused from now on",
			"host", host, "timeline", srv.timeline, "system_identifier", srv.system)
	}
	if recorded && !srv.recovery && srv.fenceLine < srv.timeline {
		args := [][]byte{[]byte(srv.system), []byte(strconv.FormatInt(srv.timeline, 10))}
		if _, err := conn.ExecParams(ctx, raiseFence, args, nil, nil, nil).Close(); err != nil {
			return fmt.Errorf("fence: record timeline %d: %w", srv.timeline, err)
		}
	}
	return nil
}

// admit compares srv with what the fence knows, under f.mu: a refusal, or
// "" after taking in srv's (or its record's) higher timeline.
func (f *fence) admit(srv server) (refusal string, raised bool) {
	switch {
	case f.system != "" && srv.system != f.system:
		return fmt.Sprintf("its system identifier %s is not %s, the cluster's this process has served (another cluster, or a copy made with pg_dump or initdb rather than from a base backup)",
			srv.system, f.system), false
	case srv.timeline < f.timeline:
		return fmt.Sprintf("it is on timeline %d, but the cluster has been on timeline %d since a promotion: it is an old primary (or a standby of one) that came back",
			srv.timeline, f.timeline), false
	case srv.timeline < srv.fenceLine:
		f.timeline = srv.fenceLine
		return fmt.Sprintf("it is on timeline %d, but its database records timeline %d", srv.timeline, srv.fenceLine), false
	}
	f.system = srv.system
	raised = f.timeline != 0 && srv.timeline > f.timeline
	f.timeline = max(f.timeline, srv.timeline)
	return "", raised
}

// adopt checks the database's record once migrations have created it,
// and from then on keeps it up to date (see check).
func (f *fence) adopt(ctx context.Context, conn *pgconn.PgConn) error {
	f.mu.Lock()
	f.recorded = true
	f.mu.Unlock()
	return f.check(ctx, conn)
}

// readServer runs serverQuery (and fenceQuery when withRecord) on conn.
func readServer(ctx context.Context, conn *pgconn.PgConn, withRecord bool) (server, error) {
	var srv server
	res := conn.ExecParams(ctx, serverQuery, nil, nil, nil, nil).Read()
	if res.Err != nil {
		return srv, res.Err
	}
	if len(res.Rows) != 1 || len(res.Rows[0]) != 3 {
		return srv, errors.New("pg_control_system() returned no row")
	}
	row := res.Rows[0]
	srv.system, srv.recovery = string(row[0]), string(row[1]) == "t"
	var err error
	if srv.timeline, err = strconv.ParseInt(string(row[2]), 10, 64); err != nil {
		return srv, fmt.Errorf("timeline %q: %w", row[2], err)
	}
	if !withRecord {
		return srv, nil
	}
	res = conn.ExecParams(ctx, fenceQuery, nil, nil, nil, nil).Read()
	if sqlState(res.Err) == "42P01" { // undefined_table: a standby that has not replayed the migration yet
		return srv, nil
	}
	if res.Err != nil {
		return srv, res.Err
	}
	if len(res.Rows) == 1 {
		if recSystem := string(res.Rows[0][0]); recSystem != srv.system {
			return srv, &errFenced{reason: fmt.Sprintf(
				"its system identifier %s is not %s, which the database records as its cluster's; if the database was moved on purpose, run DELETE FROM connectd_fence",
				srv.system, recSystem)}
		}
		srv.fenceLine, err = strconv.ParseInt(string(res.Rows[0][1]), 10, 64)
	}
	return srv, err
}

// survey connects to every host of cfg on its own, at once, and shows the
// fence each server that answers, highest timeline first. So a process
// that starts while an old primary is back beside the promoted one learns
// the new timeline before its pool picks a host, and refuses the old one
// even when the DSN lists it first. A host that does not answer is only
// logged: Open's own connection attempt says whether any host is usable.
func (f *fence) survey(ctx context.Context, cfg *pgconn.Config) {
	targets := []*pgconn.FallbackConfig{{Host: cfg.Host, Port: cfg.Port, TLSConfig: cfg.TLSConfig}}
	targets = append(targets, cfg.Fallbacks...)
	var wg sync.WaitGroup
	found := make([]*server, len(targets))
	for i, target := range targets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			one := cfg.Copy()
			one.Host, one.Port, one.TLSConfig, one.Fallbacks = target.Host, target.Port, target.TLSConfig, nil
			one.ValidateConnect, one.AfterConnect = nil, nil
			conn, err := pgconn.ConnectConfig(ctx, one)
			if err != nil {
				f.log.Debug("postgres: fence survey: host does not answer", "host", target.Host, "port", target.Port, "err", err)
				return
			}
			defer conn.Close(context.Background())
			srv, err := readServer(ctx, conn, false)
			if err == nil {
				found[i] = &srv
			}
		}()
	}
	wg.Wait()
	slices.SortFunc(found, func(a, b *server) int {
		switch {
		case a == nil || b == nil:
			return cmp.Compare(boolInt(a == nil), boolInt(b == nil))
		default:
			return cmp.Compare(b.timeline, a.timeline)
		}
	})
	if found[0] != nil {
		f.mu.Lock()
		f.admit(*found[0])
		f.mu.Unlock()
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

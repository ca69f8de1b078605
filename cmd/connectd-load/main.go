// Command connectd-load measures connectd's throughput and latency against a
// bare-HTTP yardstick measured in the same run. BENCHMARKS.md at the root of
// the repository has the figures and how they were taken.
//
// It starts connectd in-process on the embedded SQLite store in a temp
// directory, with its production settings: every acknowledged write fsync'd
// (WAL, synchronous=FULL) and every request's SigV4 signature verified. It
// creates an instance and a pool of contacts through the SDK, pre-signs N
// UpdateContactAttributes (or GetContactAttributes) requests with SigV4
// (signatures stay valid for 15 minutes), and replays them over C keep-alive
// connections for D seconds, alternating with the same replay against a
// built-in net/http server that reads the body and answers {}. Each round
// prints requests/s, p50/p99/p99.9 latency and the ratio to the yardstick
// round before it; a summary gives the medians.
//
//	go run ./cmd/connectd-load -duration 10s                   # UpdateContactAttributes
//	go run ./cmd/connectd-load -duration 10s -op get           # GetContactAttributes
//	go run ./cmd/connectd-load -duration 10s -preload 1000000  # in a database of a million more contacts
//	go run ./cmd/connectd-load -endpoint http://127.0.0.1:4566 -op get
//
// With -startup BINARY it measures the built binary instead (`go build -o
// /tmp/connectd ./cmd/connectd`): the time from starting `connectd serve`
// to its first successful signed response, on an empty data directory or
// one of -preload contacts, and its resident memory idle and, with
// -startup-load, under load:
//
//	go run ./cmd/connectd-load -startup /tmp/connectd
//	go run ./cmd/connectd-load -startup /tmp/connectd -preload 1000000 -startup-load 10s
//
// With -server BINARY it starts the built binary and measures it, reading
// its CPU time from /proc/PID/stat, against a yardstick in a process of its
// own (-yardstick-in-process keeps it in this one); -op mixed is issue 18's
// mixed load (1,000 connections of updates, gets, describes, starts and
// searches, the answers by status, per-operation latencies); -wrk drives the binary with
// wrk from a Lua table of pre-signed requests (wrk/replay.lua):
//
//	go run ./cmd/connectd-load -server /tmp/connectd -op mixed -c 1000 -duration 60s -n 2000
//	go run ./cmd/connectd-load -server /tmp/connectd -wrk wrk -op update
//	go run ./cmd/connectd-load -endpoint http://127.0.0.1:4566 -op get -wrk-table /tmp/get.lua
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// config is the load generator's settings.
type config struct {
	endpoint    string
	op          string
	auth        string
	connections int
	duration    time.Duration
	contacts    int
	attrs       int
	indexed     int
	requests    int
	rounds      int
	yardstick   bool
	// yardInProcess serves the yardstick in this process even when connectd
	// runs in another (yardstickFor).
	yardInProcess bool
	data          string
	preload       int
	accessKey     string
	secretKey     string
	cpuProfile    string
	memProfile    string

	timeout   time.Duration // client timeout of a request, in the mixed load
	server    string        // path of a connectd binary to start and measure
	wrk       string        // path of wrk, to drive -server with instead
	wrkTable  string        // file to write a Lua table of pre-signed requests to
	serveYard string        // address to serve the yardstick on, for wrk

	startup     string        // path of the connectd binary whose start-up to measure
	startupRuns int           // start-ups to measure
	startupLoad time.Duration // load applied to the binary after start-up, to read its memory under load
}

func main() {
	// SIGTERM too (timeout(1), CI), so that deferred stops end the
	// processes this one started.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "connectd-load:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("connectd-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c config
	fs.StringVar(&c.endpoint, "endpoint", "", "connectd to measure; empty starts one in-process on -data")
	fs.StringVar(&c.op, "op", "update", "operation to replay: update (UpdateContactAttributes), get (GetContactAttributes), or mixed (40 % update, 30 % get, 10 % DescribeContact, 10 % StartTaskContact, 10 % SearchContacts; one round, no yardstick)")
	fs.DurationVar(&c.timeout, "timeout", 30*time.Second, "client timeout of each request of -op mixed (a timed-out connection is dialled again)")
	fs.StringVar(&c.server, "server", "", "start this connectd `binary` (serve --auth sigv4 on -data or a temp directory) and measure it, its CPU time read from /proc/PID/stat")
	fs.StringVar(&c.wrkTable, "wrk-table", "", "write -n requests for -op, signed for -endpoint, as a Lua table to this `file` for wrk/replay.lua, and exit")
	fs.StringVar(&c.serveYard, "serve-yardstick", "", "serve the bare net/http yardstick on this `host:port` until interrupted, for wrk")
	fs.StringVar(&c.wrk, "wrk", "", "with -server: drive it with this wrk `binary` (one thread, -c connections, pre-signed requests from a Lua table; see BENCHMARKS.md)")
	fs.StringVar(&c.auth, "auth", "sigv4", "SigV4 mode of the in-process connectd: sigv4 (verify every request) or none (only read the credential scope)")
	fs.IntVar(&c.connections, "c", 64, "keep-alive connections")
	fs.DurationVar(&c.duration, "duration", 10*time.Second, "duration of each round's measurement, of each server")
	fs.DurationVar(&c.duration, "d", 10*time.Second, "short for -duration")
	fs.IntVar(&c.contacts, "contacts", 1000, "contacts to spread the requests over")
	fs.IntVar(&c.attrs, "attrs", 10, "attributes per update request (and per contact, for get)")
	fs.IntVar(&c.indexed, "indexed-keys", 0, "register this many of the update's keys (key00, key01, …) in the instance's search index before its contacts start, by a search on each, so that updates pay for indexing them")
	fs.IntVar(&c.requests, "n", 20000, "distinct pre-signed requests, replayed round-robin")
	fs.IntVar(&c.rounds, "rounds", 3, "alternating yardstick/connectd rounds")
	fs.BoolVar(&c.yardstick, "yardstick", true, "also measure the bare-HTTP yardstick and print the ratio")
	fs.BoolVar(&c.yardInProcess, "yardstick-in-process", false, "with -server or -endpoint, serve the yardstick in this process, sharing the client's Go runtime, as before session 10 (default: in a process of its own, as connectd is)")
	fs.StringVar(&c.data, "data", "", "data directory of the in-process connectd (default: a temp dir, removed at the end)")
	fs.IntVar(&c.preload, "preload", 0, "contacts to load into the store first, in an instance of their own (e.g. 1000000)")
	fs.StringVar(&c.accessKey, "access-key", "AKIDLOADTEST", "access key to sign with")
	fs.StringVar(&c.secretKey, "secret-key", "load-test-secret", "secret key to sign with")
	fs.StringVar(&c.cpuProfile, "cpuprofile", "", "write a CPU profile of the first connectd round to this `file` (in-process server and client together)")
	fs.StringVar(&c.memProfile, "memprofile", "", "write an allocation profile to this `file` at the end of the rounds")
	fs.StringVar(&c.startup, "startup", "", "measure the start-up and memory of this connectd `binary` instead")
	fs.IntVar(&c.startupRuns, "startup-runs", 5, "start-ups to measure with -startup")
	fs.DurationVar(&c.startupLoad, "startup-load", 0, "with -startup, then replay -op against the binary for this long and read its memory")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if c.op != "update" && c.op != "get" && c.op != "mixed" {
		return fmt.Errorf("-op must be update, get or mixed, not %q", c.op)
	}
	if c.server != "" && (c.endpoint != "" || c.startup != "") {
		return fmt.Errorf("-server starts the connectd it measures: give no -endpoint or -startup with it")
	}
	if c.wrk != "" && (c.server == "" || c.op == "mixed") {
		return fmt.Errorf("-wrk drives a -server binary with -op update or get")
	}
	if c.auth != "sigv4" && c.auth != "none" {
		return fmt.Errorf("-auth must be sigv4 or none, not %q", c.auth)
	}
	if c.indexed < 0 || c.indexed > c.attrs {
		return fmt.Errorf("-indexed-keys must be between 0 and -attrs (%d)", c.attrs)
	}
	if c.contacts < 1 || c.requests < 1 || c.connections < 1 || c.rounds < 1 || c.duration <= 0 {
		return fmt.Errorf("-contacts, -n, -c, -rounds and -duration must be positive")
	}
	// The requests are signed once, before the rounds, and connectd accepts
	// a signature for maxSkew after it was made.
	if time.Duration(2*c.rounds)*c.duration+time.Minute > maxSkew {
		return fmt.Errorf("-rounds %d of 2 × -duration %v outlast the %v a pre-signed request stays valid", c.rounds, c.duration, maxSkew)
	}
	switch {
	case c.serveYard != "":
		return serveYardstick(ctx, c.serveYard, stdout)
	case c.wrkTable != "" && (c.endpoint == "" || c.op == "mixed"):
		return fmt.Errorf("-wrk-table signs requests for a running connectd: give its -endpoint, and -op update or get")
	case c.wrkTable != "":
		return writeTable(ctx, c, stdout)
	case c.startup != "":
		return measureStartup(ctx, c, stdout)
	}
	return measure(ctx, c, stdout)
}

// Command connectd-load measures connectd's throughput and latency against a
// bare-HTTP yardstick measured in the same run.
//
// It creates an instance and a pool of contacts through the SDK, pre-signs N
// UpdateContactAttributes (or GetContactAttributes) requests with SigV4
// (signatures stay valid for 15 minutes), and replays them over C keep-alive
// connections for D seconds, alternating with the same replay against a
// built-in net/http server that reads the body and answers {}. It prints
// requests/s, p50/p99/p99.9 latency and the ratio to the yardstick.
//
//	go run ./cmd/connectd-load                      # starts connectd in-process on a temp dir
//	go run ./cmd/connectd-load -endpoint http://127.0.0.1:4566 -op get
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"
)

// config is the load generator's settings.
type config struct {
	endpoint    string
	op          string
	connections int
	duration    time.Duration
	contacts    int
	attrs       int
	requests    int
	rounds      int
	yardstick   bool
	data        string
	preload     int
	accessKey   string
	secretKey   string
	cpuProfile  string
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
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
	fs.StringVar(&c.op, "op", "update", "operation to replay: update (UpdateContactAttributes) or get (GetContactAttributes)")
	fs.IntVar(&c.connections, "c", 64, "keep-alive connections")
	fs.DurationVar(&c.duration, "d", 10*time.Second, "duration of each measurement")
	fs.IntVar(&c.contacts, "contacts", 1000, "contacts to spread the requests over")
	fs.IntVar(&c.attrs, "attrs", 10, "attributes per update request")
	fs.IntVar(&c.requests, "n", 20000, "distinct pre-signed requests, replayed round-robin")
	fs.IntVar(&c.rounds, "rounds", 2, "alternating yardstick/connectd rounds")
	fs.BoolVar(&c.yardstick, "yardstick", true, "also measure the bare-HTTP yardstick and print the ratio")
	fs.StringVar(&c.data, "data", "", "data directory of the in-process connectd (default: a temp dir)")
	fs.IntVar(&c.preload, "preload", 0, "extra contacts to load into the in-process store first (e.g. 1000000)")
	fs.StringVar(&c.accessKey, "access-key", "AKIDLOADTEST", "access key to sign with")
	fs.StringVar(&c.secretKey, "secret-key", "load-test-secret", "secret key to sign with")
	fs.StringVar(&c.cpuProfile, "cpuprofile", "", "write a CPU profile of the connectd rounds to this `file` (in-process server and client together)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if c.op != "update" && c.op != "get" {
		return fmt.Errorf("-op must be update or get, not %q", c.op)
	}
	return measure(ctx, c, stdout)
}

// Command connectd is an Amazon Connect–compatible contact service: `connectd
// serve` runs the server. See the README for the flags and what it serves.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/connectd/connectd/cli"
)

// env is the part of the process environment a command may read; tests pass
// their own.
type env struct {
	stdout, stderr io.Writer
	getenv         func(string) string
}

// errUsage marks a command-line mistake: exit code 2, as flag does.
var errUsage = errors.New("usage error")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	if len(os.Args) > 1 && cli.IsCommand(os.Args[1]) {
		// The client subcommands (instance, contact, attrs, admin) live in
		// package cli, which sets its own exit codes (1 service, 2 usage).
		code := cli.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
		stop()
		os.Exit(code)
	}
	err := run(ctx, os.Args[1:], env{stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv})
	stop()
	switch {
	case errors.Is(err, errUsage):
		os.Exit(2)
	case err != nil:
		fmt.Fprintln(os.Stderr, "connectd:", err)
		os.Exit(1)
	}
}

const usage = `connectd: an Amazon Connect–compatible contact service

Usage:
  connectd serve [flags]    run the server (connectd serve -h for its flags)
  connectd version          print the version
  connectd instance ...     manage instances          (connectd instance --help)
  connectd contact ...      start, describe, stop and search contacts
  connectd attrs ...        get, set and unset contact attributes
  connectd admin ...        the control plane: reset, clock, import, export
`

// run dispatches to a subcommand.
func run(ctx context.Context, args []string, e env) error {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, usage)
		return errUsage
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], e)
	case "version":
		fmt.Fprintln(e.stdout, "connectd", version())
		return nil
	case "-h", "-help", "--help", "help":
		fmt.Fprint(e.stdout, usage)
		return nil
	default:
		fmt.Fprintf(e.stderr, "connectd: unknown command %q\n\n%s", args[0], usage)
		return errUsage
	}
}

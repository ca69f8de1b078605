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
	"strings"
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
	code := runMain(ctx, os.Args[1:], os.Stdin, env{stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv})
	stop()
	os.Exit(code)
}

// runMain runs one command line and returns its exit code: 0, 1 for a
// failure, 2 for a command-line mistake (as flag does).
func runMain(ctx context.Context, args []string, stdin io.Reader, e env) int {
	if clientLine(args) {
		// The client subcommands (instance, contact, attrs, admin) live in
		// package cli, which sets its own exit codes (1 service, 2 usage).
		return cli.Run(ctx, args, stdin, e.stdout, e.stderr, e.getenv)
	}
	err := run(ctx, args, e)
	switch {
	case errors.Is(err, errUsage):
		return 2
	case err != nil:
		fmt.Fprintln(e.stderr, "connectd:", err)
		return 1
	}
	return 0
}

// clientLine reports whether args are the client's: a client command,
// perhaps after global flags, or "help" about one.
func clientLine(args []string) bool {
	if len(args) > 1 && args[0] == "help" {
		return cli.CommandOf(args[1:]) != ""
	}
	return cli.CommandOf(args) != ""
}

const usage = `connectd: an Amazon Connect–compatible contact service

Usage:
  connectd serve [flags]    run the server (connectd help serve for its flags)
  connectd version          print the version (also: connectd --version)
  connectd health           exit 0 if the local connectd is healthy (for HEALTHCHECK)
  connectd instance ...     manage instances          (connectd instance --help)
  connectd contact ...      start, describe, stop and search contacts
  connectd attrs ...        get, set and unset contact attributes
  connectd admin ...        the control plane: reset, clock, import, export

"connectd help COMMAND" or "connectd COMMAND --help" shows a command's help.
Global flags of the client (--endpoint-url, --profile, --region, --instance,
-o/--output) may come before or after the command.
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
	case "health":
		return healthCommand(ctx, args[1:], e)
	case "version", "--version", "-version", "-v":
		fmt.Fprintln(e.stdout, "connectd", version())
		return nil
	case "help":
		switch {
		case len(args) == 1:
			fmt.Fprint(e.stdout, usage)
			return nil
		case len(args) == 2 && args[1] == "serve":
			return serve(ctx, []string{"-h"}, e)
		case len(args) == 2 && args[1] == "health":
			return healthCommand(ctx, []string{"-h"}, e)
		case len(args) == 2 && args[1] == "version":
			fmt.Fprintln(e.stdout, "connectd version prints the version connectd was built from.")
			return nil
		}
		fmt.Fprintf(e.stderr, "connectd: unknown help topic %q\n\n%s", strings.Join(args[1:], " "), usage)
		return errUsage
	case "-h", "-help", "--help":
		fmt.Fprint(e.stdout, usage)
		return nil
	default:
		fmt.Fprintf(e.stderr, "connectd: unknown command %q\n\n%s", args[0], usage)
		return errUsage
	}
}

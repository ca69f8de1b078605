// Package cli is connectd's command-line client: the `connectd instance`,
// `contact`, `attrs` and `admin` subcommands. They are built on
// aws-sdk-go-v2's Connect client, so that (the admin commands aside) they
// work against real Amazon Connect as well as against connectd.
//
// The package reads nothing from the process: arguments, standard streams
// and the environment are passed to Run, so that tests can drive it.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/spf13/cobra"
)

// Exit codes of Run.
const (
	// ExitOK means the command succeeded.
	ExitOK = 0
	// ExitError means the command was well formed but failed: the service
	// answered with an error, or could not be reached.
	ExitError = 1
	// ExitUsage means the command line was wrong (unknown command or flag,
	// missing or malformed argument), as with the flag package.
	ExitUsage = 2
)

// Run runs the command line args (without the program name) and returns the
// exit code: ExitOK, ExitError for a failure of the service or the network,
// ExitUsage for a mistake on the command line. Output goes to stdout, errors
// to stderr; getenv stands in for os.Getenv. A nil stdin reads as empty,
// a nil getenv as an empty environment.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	a := &app{
		ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv,
		now: time.Now, http: &http.Client{},
	}
	return a.run(args)
}

// run runs one command line and returns the exit code.
func (a *app) run(args []string) int {
	root := a.rootCommand()
	root.SetArgs(args)
	if len(args) == 0 {
		root.SetOut(a.stderr)
		_ = root.Usage()
		return ExitUsage
	}
	cmd, err := root.ExecuteContextC(a.ctx)
	if err == nil {
		return ExitOK
	}
	return a.report(cmd, err)
}

// app is one invocation of the client: its streams, its environment and
// the values of its global flags.
type app struct {
	ctx            context.Context
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	now            func() time.Time
	http           *http.Client // for the control plane

	endpointFlag string
	profile      string
	region       string
	instance     string
	output       string

	stdinUsed bool
	client    *connect.Client
}

// report prints err on stderr and returns its exit code.
func (a *app) report(cmd *cobra.Command, err error) int {
	if msg, ok := unreachable(err, a.endpoint()); ok {
		fmt.Fprintln(a.stderr, msg)
		return ExitError
	}
	if code, msg, ok := serviceError(err); ok {
		fmt.Fprintf(a.stderr, "%s: %s\n", code, msg)
		return ExitError
	}
	var f failure
	if errors.As(err, &f) {
		fmt.Fprintf(a.stderr, "connectd: %v\n", f.err)
		return ExitError
	}
	fmt.Fprintf(a.stderr, "connectd: %v\n", err)
	if cmd != nil {
		fmt.Fprintf(a.stderr, "Run '%s --help' for usage.\n", cmd.CommandPath())
	}
	return ExitUsage
}

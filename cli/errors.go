package cli

import (
	"errors"
	"fmt"
	"syscall"

	"github.com/aws/smithy-go"
	"github.com/spf13/cobra"
)

// usageError is a mistake on the command line: exit code 2. Errors that
// cobra itself returns (unknown command or flag, wrong number of arguments)
// count as usage errors too.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// usagef returns a usage error with a formatted message.
func usagef(format string, args ...any) error {
	return usageError{fmt.Sprintf(format, args...)}
}

// failure is an error of a well-formed command: the service or the network
// failed. Run reports it with exit code 1.
type failure struct{ err error }

func (f failure) Error() string { return f.err.Error() }
func (f failure) Unwrap() error { return f.err }

// runE adapts a command's function for cobra: a usage error stays one,
// anything else becomes a failure, so that Run can tell them apart from
// cobra's own errors.
func runE(f func(cmd *cobra.Command, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		err := f(cmd, args)
		var u usageError
		if err == nil || errors.As(err, &u) {
			return err
		}
		return failure{err}
	}
}

// serviceError returns the exception name and message of an error the
// service answered with (an SDK error or a control-plane error).
func serviceError(err error) (code, msg string, ok bool) {
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		return "", "", false
	}
	return apiErr.ErrorCode(), apiErr.ErrorMessage(), true
}

// unreachable returns the one line that reports a refused connection: the
// SDK's own error is its whole retry chain, which does not say what to do.
func unreachable(err error, endpoint string) (string, bool) {
	if !errors.Is(err, syscall.ECONNREFUSED) {
		return "", false
	}
	return fmt.Sprintf("connectd: nothing is listening at %s (connection refused); start a server with `connectd serve`, or pass --endpoint-url", endpoint), true
}

//go:build !unix

package pgtest

import "syscall"

// serverProcAttr needs no credentials switch off Unix.
func serverProcAttr() *syscall.SysProcAttr { return nil }

// chownForServer has nothing to do off Unix.
func chownForServer(string, ...string) error { return nil }

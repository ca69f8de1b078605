//go:build unix && !linux

package pgtest

import "syscall"

// setParentDeathSignal does nothing where the kernel offers no parent-death
// signal; Main still stops the server.
func setParentDeathSignal(*syscall.SysProcAttr) {}

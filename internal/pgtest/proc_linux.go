package pgtest

import "syscall"

// setParentDeathSignal makes the kernel send SIGINT (PostgreSQL's fast
// shutdown) to the child when the test binary exits, so that a crashed or
// timed-out test run leaves no server behind.
func setParentDeathSignal(attr *syscall.SysProcAttr) { attr.Pdeathsig = syscall.SIGINT }

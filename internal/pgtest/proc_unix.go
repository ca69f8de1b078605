//go:build unix

package pgtest

import (
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
)

// serverUser returns the uid and gid that initdb and postgres run as: the
// Debian postgres user, else nobody, when the tests run as root (PostgreSQL
// refuses to run as root); ok is false when no switch is needed.
func serverUser() (uid, gid int, ok bool) {
	if os.Geteuid() != 0 {
		return 0, 0, false
	}
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, err1 := strconv.Atoi(u.Uid)
		gid, err2 := strconv.Atoi(u.Gid)
		if err1 == nil && err2 == nil {
			return uid, gid, true
		}
	}
	return 0, 0, false
}

// serverProcAttr runs a child as the server user, and (on Linux) has it
// stopped if the test binary dies without calling Main's clean-up.
func serverProcAttr() *syscall.SysProcAttr {
	attr := &syscall.SysProcAttr{}
	setParentDeathSignal(attr)
	if uid, gid, ok := serverUser(); ok {
		attr.Credential = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), NoSetGroups: true}
	}
	return attr
}

// chownForServer gives dir and the named entries inside it to the server
// user, when there is one to switch to.
func chownForServer(dir string, entries ...string) error {
	uid, gid, ok := serverUser()
	if !ok {
		return nil
	}
	if err := os.Chown(dir, uid, gid); err != nil {
		return err
	}
	for _, e := range entries {
		if err := os.Chown(filepath.Join(dir, e), uid, gid); err != nil {
			return err
		}
	}
	return nil
}

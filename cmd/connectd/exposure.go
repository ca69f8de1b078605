package main

import (
	"log/slog"
	"net"
	"strconv"
)

// defaultMaxConns is --max-connections' default: far more than a test
// suite or a load generator opens, and below the file-descriptor limit Go
// raises itself to at start-up on common systems, so that a flood of idle
// sockets waits in the kernel's accept queue instead of taking every
// descriptor (the database needs some too). Slow or idle sockets are cut off
// by the timeouts (defaultTimeouts), which frees their places.
const defaultMaxConns = 4096

// defInt parses an environment default for an integer flag; a value that is
// not an integer is left for the flag package to reject, by way of a value
// that fails validation.
func defInt(v string, fallback int) int {
	if v == "" {
		return fallback
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0 // refused by parseServe's check
	}
	return n
}

// warnExposedControlPlane warns when the control plane is on and the server
// listens beyond loopback: anyone who can reach the address can then reset,
// import and export every account's data (README "Security").
func warnExposedControlPlane(log *slog.Logger, cfg serveConfig, addr net.Addr) {
	if !cfg.admin {
		return
	}
	tcp, ok := addr.(*net.TCPAddr)
	if ok && tcp.IP.IsLoopback() {
		return
	}
	signed := "unsigned: anyone who reaches it can read, import and wipe every account's data"
	if cfg.auth == "sigv4" {
		signed = "signed (--auth sigv4): any key of the credentials file can read, import and wipe every account's data"
	}
	log.Warn("the control plane under /_connectd/ is reachable beyond this machine; serve it on loopback, or turn it off with --admin=false",
		"addr", addr.String(), "control_plane", signed)
}

package main

import (
	"log/slog"
	"runtime/debug"
)

// The garbage collector's defaults for serve, unless the environment sets
// Go's own GOGC or GOMEMLIMIT. A request allocates a few KiB and keeps
// none of it, while the live heap is small (the row cache is 4 MiB by
// default), so Go's default GOGC=100 collects every few thousand requests and
// the collector took 6–14 % of the CPU under load (BENCHMARKS.md, session
// 3). gcPercent 200 lets the heap grow to 3× the live data between
// collections: RSS under load went from 54 to 64 MiB, where 400 took it
// to 90 MiB for little more CPU saved. The soft memory limit makes the
// collector work harder instead should the heap approach memLimit.
const (
	gcPercent = 200
	memLimit  = 256 << 20
)

// tuneGC applies gcPercent and memLimit where the environment does not
// choose, and logs what it chose.
func tuneGC(log *slog.Logger, getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memLimit)
	}
	log.Debug("garbage collector", "gogc", getenv("GOGC"), "gomemlimit", getenv("GOMEMLIMIT"),
		"default_gogc", gcPercent, "default_memlimit_bytes", memLimit)
}

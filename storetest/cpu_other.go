//go:build !unix

package storetest

import "time"

// processCPU is not measured here: BenchmarkSearch then reports no CPU.
func processCPU() (time.Duration, bool) { return 0, false }

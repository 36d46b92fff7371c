//go:build unix

package mmcore

import (
	"syscall"
	"time"
)

// cpuTime is the process's user+system CPU time (getrusage). The
// benchmarks report CPU time per operation beside the wall time, because
// on a shared, overloaded machine wall time mostly measures the wait for a
// CPU.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

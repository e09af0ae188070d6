//go:build unix

package node_test

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time (user and system) this process has used. On a
// shared machine wall-clock rates move with other people's load; CPU time
// per event moves much less, so the benchmarks report both.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

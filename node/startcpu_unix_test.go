//go:build unix

package node

import "syscall"

// startCPU is the CPU time (user and system, seconds) this process has
// used: on a shared machine a start's wall time moves with other people's
// load, its CPU time much less.
func startCPU() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

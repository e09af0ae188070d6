//go:build race

package state_test

// raceDetector: the race detector makes the replay tests ten times
// slower; TestSnapshotEveryCut then takes every seventh cut, as in -short
// (the run without it, the README's test command, takes every cut).
const raceDetector = true

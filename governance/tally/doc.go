// Package tally counts the votes of a poll: consent, majority, approval,
// score, dot voting, ranked choice (instant runoff for one seat, single
// transferable vote for several) and the sense check, which decides
// nothing. It is pure (no I/O, no clock) and exact: counts are integers,
// and the transferable vote's fractional values are big.Rat, never floats.
//
// Every count explains itself: Result holds each counted ballot with the
// voter it counts for (and the delegate whose ballot it is), the totals
// per option, and for ranked choice a table of rounds with every transfer.
//
// The rules, including the tie-breaks and what an incomplete ranking
// means, are published in docs/governance.md ("How votes are counted");
// this package is their reference.
package tally

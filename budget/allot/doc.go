// Package allot holds the pure arithmetic of co-budgeting: the Method of
// Equal Shares over members' approvals (EqualShares), allowances split
// equally or by contribution (Allowances), and the close of a round
// (Close): which buckets are funded, what each giver of an unfunded or
// cancelled bucket gets back, and where the leftover goes under the
// round's leftover rule. It also reads participatory-budgeting instances
// in the Pabulib format (ParsePabulib), the field's own exchange format,
// so that Equal Shares is checked against real elections.
//
// Nothing here does I/O or reads a clock, and no floating point is used:
// money is int64 minor units, every split is the largest-remainder method
// of value.Allocate, and Equal Shares keeps voters' virtual shares as
// integers with one stated rounding rule (see EqualShares). The same input
// gives the same result, whatever its order. docs/budget.md explains the
// rules with a worked example.
package allot

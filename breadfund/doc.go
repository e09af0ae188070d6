// Package breadfund holds the rules of a bread fund (broodfonds): a group
// of 20 to 50 self-employed people who carry each other through illness.
// Every member deposits into a pot of their own each month; when a member
// is ill for longer than the waiting period, every other member's pot
// gives them a monthly gift, in proportion to their level, for at most the
// maximum duration. What is left in a pot stays its member's and leaves
// with them. See docs/solidarity.md, "The bread fund".
//
// A fund lives in a commons: the commons' ID is the fund's ID and its
// maintainers are the fund's board (who admit members, compute and approve
// the gifts, record costs). The fund's rules are a versioned policy
// (Policy), set by the board, or by whoever a decision grants the action
// authority.SetBreadfundPolicy where governance exists.
//
// Money: every pot is a sub-account in integer minor units. Deposits
// credit it; a month's gift to a sick member, costs and a write-off debit
// the other pots split exactly with largest remainder (Split); refunds on
// exit and of the buffer above its cap debit the member's own. At every
// moment the fund's balance (deposits − gifts − costs − refunds) equals
// the sum of the pots, which equal their events (property and simulation
// tests check both).
//
// Privacy: a sick report, its start and end, its level and partial
// percentage are public events; the reason, and anything medical, is a
// private record named only by a salted commitment (reason_commitment),
// erasable, read by the board and the buddy (docs/privacy.md). No event of
// a claim has free text.
//
// The package is pure: no I/O, no clock; dates are the events' own.
package breadfund

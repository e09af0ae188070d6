// Package license holds the eligibility rules of a copyfair license
// policy: who may use a commons commercially without paying, who pays and
// how much, and what else would make the use free.
//
// The model, after the Peer Production License and CopyFair: a commons is
// published under a license (an SPDX identifier), and its Policy offers a
// commercial license on top of it.
//
//   - Free rules, tried in order, the first that matches wins:
//     non-commercial use; contributors (enough accepted contributions in a
//     recent window); cooperatives and worker-owned enterprises;
//     non-profits and associations; small organisations; members of the
//     node. Cooperative and non-profit status counts only when someone this
//     commons trusts attested it: its maintainers, the node's admins or the
//     attestors its policy names, never the agent itself.
//   - Everyone else pays a yearly price from the Schedule, by organisation
//     size or revenue band, after an optional free trial.
//   - The alternative to paying, when the policy offers it, is to join the
//     cooperative: membership grants the license for as long as it lasts.
//
// Evaluate answers one request (an organisation's Facts, gathered by the
// caller from the ledger, and the intended Use) with a Decision that says
// which rule granted or priced it, why, for how long, and what would make
// it free. The package is pure: no I/O and no clock; "now" is passed in as
// Unix milliseconds.
package license

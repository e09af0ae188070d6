// Package credit holds the rules of a community's own money: mutual credit.
//
// A currency (code, name, exponent) is created by a node admin for the
// community. Accounts belong to agents (members) and to commons, and are
// opened by the first event that names them. Money is created by the
// trade itself: a transfer debits the payer and credits the payee by the
// same amount, so the sum of all balances of a currency is exactly zero
// at every index of the log, and a balance below zero is credit the
// community extends to that account.
//
// How far below zero an account may go is its hard limit: the currency's
// default for a member, 0 for other agents, the currency's commons limit
// for a commons, or a limit set for one account by credit.limit.set (an
// admin today; a governance decision through an authority.Granter later,
// with the decision's hash in the event). A limit grows with what the
// account has sold (GrowthPerMille of its sales, up to GrowthCap). A
// transfer that would take the payer beyond its hard limit is refused; one
// that takes it beyond its soft limit is accepted and counted as a warning
// on the account (and the API's check says so before anyone signs).
//
// Demurrage is a rate per period (parts per million of the balance above a
// grace amount, per calendar month in UTC) applied by one credit.demurrage
// event per period, in order, never twice. Each account's charge is
// rounded toward zero; the sum collected goes to one named account, or is
// shared equally among the agents' accounts as a dividend, and the
// remainder of that equal split (the dust) goes to the currency's dust
// account. Debits = dust + credits, exactly.
//
// Every check is made when the event is sequenced, from the log alone: the
// package is pure (no I/O, no clock), so meent verify and a peer re-check
// every limit and every charge offline. Amounts are int64 minor units.
package credit

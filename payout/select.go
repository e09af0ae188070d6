package payout

import (
	"cmp"
	"slices"
)

// Recipient kinds, as in the value package.
const (
	KindAgent    = "agent"
	KindIdentity = "identity"
	KindPool     = "pool"
)

// Balance is what a commons still owes one recipient in one currency: the
// open amount (owed minus paid) of a value.Balance, with the name to show.
// The package takes its own small type so that it depends on no rules
// package; the caller copies the fields.
type Balance struct {
	Kind      string // KindAgent, KindIdentity or KindPool
	Recipient string // agent ID, identity or pool name
	Name      string // display name from the log; never used to pay
	Currency  string // ISO 4217 code
	Open      int64  // minor units of Currency
}

// Line is one amount of a payout run: paid now, or carried forward.
type Line struct {
	Kind      string
	Recipient string
	Name      string
	Currency  string
	Amount    int64 // minor units of Currency
}

// Key returns the recipient's key in a payee file: "agent:ID",
// "identity:ID" or "pool:NAME".
func (l Line) Key() string { return Key(l.Kind, l.Recipient) }

// Key returns the payee-file key of a recipient of the given kind.
func Key(kind, recipient string) string { return kind + ":" + recipient }

// Select splits open balances into the lines to pay now and the lines
// carried forward. A balance whose open amount is at least minimum (in
// minor units of its own currency) is paid in full; a smaller one is
// carried, that is left open for a later run. Zero balances are dropped;
// a negative one (more paid than owed, which the rules never allow) is
// carried, never paid. A minimum of 0 or less pays everything above 0.
//
// Both results are sorted by currency, kind and recipient (then name and
// amount, so that the order never depends on the input's order). Select
// neither merges nor drops lines: per currency, the paid and carried
// amounts add up to exactly the open amounts.
func Select(balances []Balance, minimum int64) (pay, carried []Line) {
	for _, b := range balances {
		if b.Open == 0 {
			continue
		}
		l := Line{Kind: b.Kind, Recipient: b.Recipient, Name: b.Name, Currency: b.Currency, Amount: b.Open}
		if b.Open > 0 && b.Open >= minimum {
			pay = append(pay, l)
		} else {
			carried = append(carried, l)
		}
	}
	slices.SortFunc(pay, compareLines)
	slices.SortFunc(carried, compareLines)
	return pay, carried
}

func compareLines(a, b Line) int {
	return cmp.Or(
		cmp.Compare(a.Currency, b.Currency),
		cmp.Compare(a.Kind, b.Kind),
		cmp.Compare(a.Recipient, b.Recipient),
		cmp.Compare(a.Name, b.Name),
		cmp.Compare(a.Amount, b.Amount),
	)
}

package credit

import (
	"github.com/meent/meent/area"
	"github.com/meent/meent/authority"
)

// Fees paid in credit by another area's events (the tool-sharing area's
// usage fee is the first): the other area does not write this area's
// state, it emits a Payment effect, which this area handles. Because an
// effect's handler cannot fail, the emitting area asks CanPay in its own
// Apply, after its other checks, and refuses its event when the payment
// would be refused; then it emits the Payment and the money moves in the
// same event. The limits and the zero sum hold exactly as for
// credit.transfer, and a replay re-checks them from the emitting event.
//
// The emitting area reads the credit state, so it comes after credit in
// state/areas.go and holds a *credit.State (as license holds the commons
// state). Until an area emits a Payment, this area declares no Handles:
// state.New refuses an effect handled that no area emits. The first
// emitter adds, in the same commit,
//
//	func (a Area) Handles() []string { return []string{EffectPayment} }
//
// here, and Handle below is already the handler.

// EffectPayment is the name of the Payment effect.
const EffectPayment = "credit.payment"

// Payment moves Amount of Currency from the account of From to that of To
// (holders: agents or commons), for the event that emitted it. Reference
// is public text, screened like a transfer's (the emitting event's type
// lists it in private.FreeText).
type Payment struct {
	Currency  string
	From, To  string
	Amount    int64
	Reference string
}

// EffectName names the effect.
func (Payment) EffectName() string { return EffectPayment }

// CanPay answers whether signer may make payment p now: exactly the checks
// of credit.transfer (the currency, the amount, the reference, the payer's
// signature or maintainer role, the hard limit), so a fee is never a way
// around them. soft reports a payer that would end beyond its soft limit.
func (a Area) CanPay(au *authority.Authority, signer string, p Payment) (soft bool, err error) {
	return a.Check(au, signer, TransferData{Currency: p.Currency, From: p.From, To: p.To, Amount: p.Amount, Reference: p.Reference})
}

// Handle applies a Payment another area's accepted event emitted (its
// Apply asked CanPay first). It counts as a transfer of both accounts.
func (a Area) Handle(idx int64, e area.Effect) {
	p, ok := e.(Payment)
	if !ok {
		return
	}
	s := a.State
	c := s.currencies[p.Currency]
	if c == nil {
		return // CanPay refused it: never reached
	}
	kind := func(id string) string {
		if a.Commons.Commons(id) != nil {
			return HolderCommons
		}
		return HolderAgent
	}
	from, to := s.open(c, p.From, kind(p.From), idx), s.open(c, p.To, kind(p.To), idx)
	s.move(c, from, to, p.Amount, idx)
	from.Bought += p.Amount
	from.Transfers++
	to.Sold += p.Amount
	to.Transfers++
	c.Transfers++
	c.Volume = min(c.Volume+p.Amount, 1<<62)
	c.Updated = idx
}

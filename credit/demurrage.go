package credit

import "math/bits"

// mulDiv returns floor(a·b/c) for a, b ≥ 0 and c > 0, exactly (the product
// may exceed int64; the quotient is capped at MaxBalance, far beyond any
// use here).
func mulDiv(a, b, c int64) int64 {
	if a <= 0 || b <= 0 {
		return 0
	}
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	if hi >= uint64(c) {
		return MaxBalance
	}
	q, _ := bits.Div64(hi, lo, uint64(c))
	if q > MaxBalance {
		return MaxBalance
	}
	return int64(q)
}

// Charge returns the demurrage one balance owes for one period: the part
// of the balance above grace, times ratePPM, divided by a million, rounded
// toward zero (down). A balance at or below grace, or negative, owes
// nothing. The rounding rule is documented in docs/solidarity.md: the
// fraction of a minor unit each account does not pay is not collected at
// all (it never existed as money), so charges are exact integers and no
// account ever pays more than the rate.
func Charge(balance, grace, ratePPM int64) int64 {
	if balance <= grace || ratePPM <= 0 {
		return 0
	}
	return mulDiv(balance-grace, ratePPM, PPM)
}

// Split divides what a period collected among n recipients equally:
// each gets share = debits / n (rounded down), and dust = debits - share·n
// (less than n minor units) goes to the dust account. With n = 0
// everything is dust.
func Split(debits, n int64) (share, dust int64) {
	if n <= 0 {
		return 0, debits
	}
	return debits / n, debits % n
}

// Outcome is what one period's demurrage does to a currency, computed
// without changing anything.
type Outcome struct {
	Charges    map[string]int64 // account ID → charge (only accounts charged)
	Recipients []string         // account IDs that get Share each, in order
	Debits     int64
	Share      int64
	Dust       int64
	To         string // holder of the single recipient, when the currency names one
	DustTo     string
}

// Preview computes the demurrage of the next period of a currency at the
// current balances, as credit.demurrage would apply it. The recipients
// of an equal share are the agents' accounts open now (not the commons'), in the
// order they were opened; accounts with a charge are in the same order.
func (s *State) Preview(code string) Outcome {
	c := s.currencies[code]
	if c == nil || c.Demurrage == nil {
		return Outcome{}
	}
	d := c.Demurrage
	out := Outcome{Charges: map[string]int64{}, To: d.To, DustTo: d.Dust}
	n := int64(0)
	for _, id := range s.order[code] {
		a := s.accounts[id]
		if ch := Charge(a.Balance, d.Grace, d.RatePPM); ch > 0 {
			out.Charges[id] = ch
			out.Debits += ch
		}
		if d.To == "" && a.Kind == HolderAgent {
			n++
		}
	}
	if d.To != "" {
		out.Recipients = []string{code + "/" + d.To}
		out.Share = out.Debits
		return out
	}
	out.Recipients = make([]string, 0, n)
	for _, id := range s.order[code] {
		if s.accounts[id].Kind == HolderAgent {
			out.Recipients = append(out.Recipients, id)
		}
	}
	out.Share, out.Dust = Split(out.Debits, n)
	return out
}

// Due returns what the account would be charged for the next period at
// its current balance: the figure a balance "after demurrage" subtracts.
func (s *State) Due(a *Account) int64 {
	c := s.currencies[a.Currency]
	if c == nil || c.Demurrage == nil {
		return 0
	}
	return Charge(a.Balance, c.Demurrage.Grace, c.Demurrage.RatePPM)
}

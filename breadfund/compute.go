package breadfund

import (
	"cmp"
	"slices"
	"strconv"

	"github.com/meent/meent/commons"
)

// Due is a gift a claim is due for a month, or why it is due none.
type Due struct {
	Gift
	Percent int    `json:"percent"`
	Level   int    `json:"level"`
	Why     string `json:"why,omitempty"` // set when no gift is due
}

// DueGifts returns the gifts a fund's claims are due for a month, by claim
// ID, as the policy gives them now, and for the claims due none, why.
// A claim is due a month's gift when its member is still a member, it
// was open on the month's first day, that day is past its waiting period,
// and it has had fewer than max_months of gifts; the gift is the level's
// times the percentage on that day, rounded down to the minor unit.
func (s *State) DueGifts(commonsID, period string) (due, none []Due, err error) {
	f := s.funds[commonsID]
	if f == nil {
		return nil, nil, refuse("no bread fund in commons %s", commonsID)
	}
	ps, err := ParsePeriod(period)
	if err != nil {
		return nil, nil, err
	}
	p := s.Policy(commonsID)
	for _, c := range s.Claims(commonsID, false) {
		d := Due{Gift: Gift{Claim: c.ID, Member: c.Member}, Level: c.Level, Percent: c.percentOn(ps)}
		m := s.members[commonsID+"/"+c.Member]
		switch {
		case c.startMs > ps:
			continue // begun after the month's first day: not this month's
		case c.endMs != 0 && c.endMs <= ps:
			continue // over by then
		case m == nil || m.Status != StatusMember:
			d.Why = "its member is no longer a member"
		case ps < c.waitMs:
			d.Why = "it is in its waiting period until " + c.WaitUntil
		case c.Months >= p.MaxMonths:
			d.Why = "it has had the maximum of " + itoa(p.MaxMonths) + " months of gifts"
		default:
			l, _ := p.Level(c.Level)
			d.Amount = l.Gift * int64(d.Percent) / 100
			due = append(due, d)
			continue
		}
		none = append(none, d)
	}
	return due, none, nil
}

func (c *Claim) percentOn(ms int64) int {
	pc := c.Steps[0].Percent
	for _, st := range c.Steps {
		if st.fromMs <= ms {
			pc = st.Percent
		}
	}
	return pc
}

// payers returns the fund's members other than except, weighted by their
// level's deposit under the current policy.
func (s *State) payers(commonsID, except string) []Share {
	p := s.Policy(commonsID)
	var out []Share
	for _, k := range s.byFund[commonsID] {
		m := s.members[k]
		if m.Status != StatusMember || m.Agent == except {
			continue
		}
		l, _ := p.Level(m.Level)
		out = append(out, Share{Member: m.Agent, Weight: l.Deposit})
	}
	return out
}

// GiftSplit returns how a gift of amount to a member is split over the
// other members' pots.
func (s *State) GiftSplit(commonsID, member string, amount int64) []Share {
	return Split(amount, s.payers(commonsID, member))
}

// DueSurplus returns the buffer refunds due for a year: what each member's
// pot holds above buffer_months deposits of its level, by member ID.
func (s *State) DueSurplus(commonsID string) []Refund {
	p := s.Policy(commonsID)
	if p == nil {
		return nil
	}
	var out []Refund
	for _, k := range s.byFund[commonsID] {
		m := s.members[k]
		if m.Status != StatusMember {
			continue
		}
		l, _ := p.Level(m.Level)
		if capped := int64(p.BufferMonths) * l.Deposit; m.Pot > capped {
			out = append(out, Refund{Member: m.Agent, Amount: m.Pot - capped})
		}
	}
	slices.SortFunc(out, func(a, b Refund) int { return cmp.Compare(a.Member, b.Member) })
	return out
}

// ExitRefund is what a member's pot returns on exit: its balance, or 0
// when it is empty or below 0 (then the deficit is written off over the
// other pots).
func ExitRefund(m *Member) int64 { return max(m.Pot, 0) }

// Solvency is a fund's health as aggregates, for anyone: how long the
// balance carries the current claims, and how many members at each level
// the monthly deposits carry at once.
type Solvency struct {
	Currency string `json:"currency"`
	Balance  int64  `json:"balance"`
	Members  int    `json:"members"`
	// MonthlyDeposits is what the members deposit a month at their levels.
	MonthlyDeposits int64 `json:"monthly_deposits"`
	OpenClaims      int   `json:"open_claims"`
	// MonthlyGifts is what the open claims receive a month at their
	// levels and current percentages (in their waiting period or not).
	MonthlyGifts int64 `json:"monthly_gifts"`
	// Months is how many months the balance and deposits carry the open
	// claims; -1 when the deposits alone carry them.
	Months int64 `json:"months"`
	// Carry lists, per level, how many members sick at once the deposits
	// alone carry for ever, and the balance and deposits for a year.
	Carry []Carry `json:"carry"`
}

// Carry is what a fund carries at one level.
type Carry struct {
	Level      int   `json:"level"`
	Gift       int64 `json:"gift"`
	FromIncome int64 `json:"from_deposits"`  // members sick at once, for as long as it lasts
	ForAYear   int64 `json:"for_a_year"`     // members sick at once for twelve months
	Months     int64 `json:"months_for_one"` // months the balance and deposits carry one claim at this level; -1: for ever
}

// Solvency computes a fund's Solvency at the moment ms.
func (s *State) Solvency(commonsID string, ms int64) Solvency {
	f, p := s.funds[commonsID], s.Policy(commonsID)
	if f == nil || p == nil {
		return Solvency{}
	}
	out := Solvency{Currency: f.Currency, Balance: f.Balance(), Members: f.Members, OpenClaims: f.OpenClaims, Months: -1}
	for _, k := range s.byFund[commonsID] {
		if m := s.members[k]; m.Status == StatusMember {
			l, _ := p.Level(m.Level)
			out.MonthlyDeposits += l.Deposit
		}
	}
	for _, c := range s.Claims(commonsID, true) {
		l, _ := p.Level(c.Level)
		out.MonthlyGifts += l.Gift * int64(c.percentOn(ms)) / 100
	}
	months := func(gifts int64) int64 {
		if burn := gifts - out.MonthlyDeposits; burn > 0 {
			return max(out.Balance, 0) / burn
		}
		return -1
	}
	out.Months = months(out.MonthlyGifts)
	for i, l := range p.Levels {
		out.Carry = append(out.Carry, Carry{Level: i + 1, Gift: l.Gift, FromIncome: out.MonthlyDeposits / l.Gift,
			ForAYear: (max(out.Balance, 0) + 12*out.MonthlyDeposits) / (12 * l.Gift), Months: months(l.Gift)})
	}
	return out
}

func money(amount int64, currency string) string {
	return commons.Money{Amount: amount, Currency: currency}.String()
}

func itoa(n int) string { return strconv.Itoa(n) }

func sortClaims(cs []*Claim) {
	slices.SortFunc(cs, func(a, b *Claim) int { return cmp.Or(cmp.Compare(a.Created, b.Created), cmp.Compare(a.ID, b.ID)) })
}

func sortPayouts(ps []*Payout) {
	slices.SortFunc(ps, func(a, b *Payout) int { return cmp.Or(cmp.Compare(a.Created, b.Created), cmp.Compare(a.ID, b.ID)) })
}

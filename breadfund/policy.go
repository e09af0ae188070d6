package breadfund

import (
	"slices"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/meent/meent"
)

// Policy is a fund's rules, as a JSON document in breadfund.policy.set.
// Evolution: members are only added, with a zero value that keeps the
// meaning of documents written before them.
type Policy struct {
	Currency string `json:"currency"` // ISO 4217; fixed once money has moved

	MinMembers int `json:"min_members"` // the fund starts paying gifts once this many are admitted
	MaxMembers int `json:"max_members"` // no one joins beyond this (at most MaxGroup)

	Levels []Level `json:"levels"` // members choose one; a claim keeps its level

	WaitingDays int `json:"waiting_days"` // no gift for a month that begins within this many days of the start
	MaxMonths   int `json:"max_months"`   // the most months of gifts one illness receives
	// RelapseDays: an illness that starts within this many days of the
	// end of the previous one continues it: its months count on, and no
	// new waiting period applies.
	RelapseDays int   `json:"relapse_days"`
	Percentages []int `json:"percentages"` // the partial incapacities a claim may state, e.g. [50, 100]

	BufferMonths int `json:"buffer_months"` // a pot holds at most this many deposits; the excess is refunded yearly

	ChangeMonths []int `json:"change_months"` // months (1-12) in which a member may change level
	ExitMonths   []int `json:"exit_months"`   // months (1-12) in which a member may leave

	ObjectionDays int `json:"objection_days"` // a candidate is admitted no sooner than this after joining

	CostsPerMember int64 `json:"costs_per_member"` // the most costs a year may charge, per member (minor units)

	Approvals int `json:"approvals"` // board members who must approve a payout
}

// Level is one gift level: the monthly gift a sick member receives and
// the monthly deposit into the member's pot.
type Level struct {
	Gift    int64 `json:"gift"`
	Deposit int64 `json:"deposit"`
}

// MaxGroup bounds a fund's size: a bread fund works because its members
// know each other, and the objects that list members stay small.
const MaxGroup = 100

// maxMoney bounds every amount so that sums and products stay far inside
// int64 (and inside what a JSON number holds exactly).
const maxMoney = 1_000_000_00

// DecodePolicy strictly decodes and checks a policy document.
func DecodePolicy(b jsontext.Value) (Policy, error) {
	var p Policy
	if err := json.Unmarshal(b, &p, json.RejectUnknownMembers(true)); err != nil {
		return p, meent.Errorf(meent.ERULE, "bread fund policy: %v", err)
	}
	return p, p.Check()
}

// Check reports the first rule a policy breaks.
func (p Policy) Check() error {
	bad := func(format string, args ...any) error {
		return meent.Errorf(meent.ERULE, "bread fund policy: "+format, args...)
	}
	switch {
	case !currencyCode(p.Currency):
		return bad("currency is a three-letter code such as EUR")
	case p.MinMembers < 2 || p.MaxMembers < p.MinMembers || p.MaxMembers > MaxGroup:
		return bad("min_members is at least 2 and max_members between it and %d", MaxGroup)
	case len(p.Levels) == 0 || len(p.Levels) > 20:
		return bad("a fund has 1 to 20 levels")
	case p.WaitingDays < 0 || p.WaitingDays > 366:
		return bad("waiting_days is 0 to 366")
	case p.MaxMonths < 1 || p.MaxMonths > 120:
		return bad("max_months is 1 to 120")
	case p.RelapseDays < 0 || p.RelapseDays > 3660:
		return bad("relapse_days is 0 to 3660")
	case len(p.Percentages) == 0:
		return bad("percentages lists the partial incapacities a claim may state, e.g. [50, 100]")
	case p.BufferMonths < 1 || p.BufferMonths > 240:
		return bad("buffer_months is 1 to 240")
	case p.ObjectionDays < 0 || p.ObjectionDays > 366:
		return bad("objection_days is 0 to 366")
	case p.CostsPerMember < 0 || p.CostsPerMember > maxMoney:
		return bad("costs_per_member is 0 to %d", maxMoney)
	case p.Approvals < 1 || p.Approvals > 10:
		return bad("approvals is 1 to 10")
	}
	for i, l := range p.Levels {
		if l.Gift <= 0 || l.Deposit <= 0 || l.Gift > maxMoney || l.Deposit > l.Gift {
			return bad("level %d: gift and deposit are above 0, at most %d, and the deposit is at most the gift", i+1, maxMoney)
		}
		if i > 0 && (l.Gift <= p.Levels[i-1].Gift || l.Deposit < p.Levels[i-1].Deposit) {
			return bad("level %d: levels rise: each gift above the one before, each deposit at least the one before", i+1)
		}
	}
	for i, pc := range p.Percentages {
		if pc < 1 || pc > 100 || i > 0 && pc <= p.Percentages[i-1] {
			return bad("percentages rise, each 1 to 100")
		}
	}
	if !slices.Contains(p.Percentages, 100) {
		return bad("percentages include 100 (fully unable to work)")
	}
	for _, ms := range [][]int{p.ChangeMonths, p.ExitMonths} {
		if len(ms) == 0 {
			return bad("change_months and exit_months each name at least one month")
		}
		for i, m := range ms {
			if m < 1 || m > 12 || i > 0 && m <= ms[i-1] {
				return bad("change_months and exit_months are rising months, 1 to 12")
			}
		}
	}
	return nil
}

// Level returns level n (1-based), or false.
func (p *Policy) Level(n int) (Level, bool) {
	if n < 1 || n > len(p.Levels) {
		return Level{}, false
	}
	return p.Levels[n-1], true
}

func currencyCode(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// Example is a policy with the Dutch broodfonds' published numbers: 8
// levels from 750 to 2,500 euro a month with deposits of 4.5% of the gift,
// a month's wait, two years at most, a buffer of 36 deposits, changes and
// exits in January and July, two weeks to object, two approvals.
func Example() Policy {
	gifts := []int64{75000, 100000, 125000, 150000, 175000, 200000, 225000, 250000}
	p := Policy{Currency: "EUR", MinMembers: 20, MaxMembers: 50, WaitingDays: 30, MaxMonths: 24, RelapseDays: 30,
		Percentages: []int{25, 50, 75, 100}, BufferMonths: 36, ChangeMonths: []int{1, 7}, ExitMonths: []int{1, 7},
		ObjectionDays: 14, CostsPerMember: 6000, Approvals: 2}
	for _, g := range gifts {
		p.Levels = append(p.Levels, Level{Gift: g, Deposit: g * 45 / 1000})
	}
	return p
}

// Marshal returns the policy as the JSON document an event carries.
func (p Policy) Marshal() jsontext.Value {
	b, err := json.Marshal(p, json.Deterministic(true))
	if err != nil {
		panic("breadfund: marshal policy: " + err.Error())
	}
	return b
}

package allot

import (
	"cmp"
	"errors"
	"fmt"
	"math/big"
	"slices"

	"github.com/meent/meent/value"
)

// Weight is one member's weight in a split: 1 each for equal allowances,
// or what they contributed.
type Weight struct {
	ID     string
	Weight int64
}

// Allowances splits pool (minor units) among members in proportion to
// their weights, exactly, with value.Allocate's largest remainder (ties:
// larger weight, then ID). The amounts sum to pool. Members with weight 0
// get nothing; an ID twice, a negative weight or a pool with nobody to
// split it among is an error.
func Allowances(pool int64, members []Weight) (map[string]int64, error) {
	shares := make([]value.Share, len(members))
	for i, m := range members {
		if m.Weight < 0 {
			return nil, fmt.Errorf("allot: %s has a negative weight", m.ID)
		}
		shares[i] = value.Share{Recipient: m.ID, Weight: big.NewInt(m.Weight)}
	}
	amounts, err := value.Allocate(pool, shares)
	if err != nil {
		return nil, fmt.Errorf("allot: %w", err)
	}
	out := make(map[string]int64, len(members))
	for i, m := range members {
		out[m.ID] = amounts[i]
	}
	return out, nil
}

// LeftoverRule says where the money of a round that no bucket took goes.
type LeftoverRule string

// Leftover rules.
const (
	// LeftoverRefund: back to the round's funders, in proportion to what
	// each put in (largest remainder).
	LeftoverRefund LeftoverRule = "refund"
	// LeftoverRollover: to the commons' next round.
	LeftoverRollover LeftoverRule = "rollover"
	// LeftoverCommons: to the commons' own pool.
	LeftoverCommons LeftoverRule = "commons"
)

// LeftoverRules lists the rules, for checking input.
var LeftoverRules = []LeftoverRule{LeftoverRefund, LeftoverRollover, LeftoverCommons}

// Funding is money put into a round's pool by one funder.
type Funding struct {
	Funder string
	Amount int64
}

// Gift is one standing allocation: what a giver gave a bucket out of
// their allowance (withdrawn and refunded ones are not gifts).
type Gift struct {
	Giver  string
	Bucket string
	Amount int64
}

// Goal is a bucket at the close: its minimum and maximum, and whether it
// was cancelled (a cancelled bucket has no gifts left: cancelling returned
// them).
type Goal struct {
	ID        string
	Min, Max  int64
	Cancelled bool
}

// Round is what Close needs of a round.
type Round struct {
	Fundings []Funding
	Goals    []Goal
	Gifts    []Gift
	Rule     LeftoverRule
	// Chosen, when not nil, are the buckets a collective choice funded
	// (Equal Shares over approvals, or a poll): each gets its minimum from
	// the pool, and Gifts must be empty. When nil, members spent
	// allowances: a bucket whose gifts reach its minimum gets them all.
	Chosen []string
}

// Funded is one funded bucket and what it gets.
type Funded struct {
	Bucket string
	Amount int64
}

// Outcome is a closed round: every unit of its pool accounted for.
// Pool = sum of Funded + Leftover; Leftover = sum of Refunds + Rollover +
// Commons; every gift is in Funded (through its bucket) or in Returned.
type Outcome struct {
	Pool     int64
	Funded   []Funded // by bucket ID
	Returned []Gift   // gifts to buckets that did not reach their minimum, back to their givers
	Leftover int64
	Refunds  []Funding // LeftoverRefund: to each funder, by funder ID
	Rollover int64     // LeftoverRollover
	Commons  int64     // LeftoverCommons
}

// Close closes a round: it decides which buckets are funded (see
// Round.Chosen), returns the gifts of the others to their givers, and
// applies the leftover rule to what the funded buckets did not take. The
// result does not depend on the order of the input.
//
// Errors: an unknown rule; a negative amount; a bucket twice; a gift to an
// unknown or cancelled bucket; a bucket whose gifts exceed its maximum; a
// chosen bucket that is unknown or cancelled, or gifts with a choice; more
// funded than the pool holds.
func Close(r Round) (Outcome, error) {
	if !slices.Contains(LeftoverRules, r.Rule) {
		return Outcome{}, fmt.Errorf("allot: unknown leftover rule %q", r.Rule)
	}
	var o Outcome
	byFunder := map[string]int64{}
	for _, f := range r.Fundings {
		if f.Amount < 0 {
			return Outcome{}, errors.New("allot: a negative funding")
		}
		o.Pool += f.Amount
		byFunder[f.Funder] += f.Amount
	}
	goals := map[string]Goal{}
	for _, g := range r.Goals {
		if _, dup := goals[g.ID]; dup {
			return Outcome{}, fmt.Errorf("allot: bucket %s appears twice", g.ID)
		}
		if g.Min < 0 || g.Max < g.Min {
			return Outcome{}, fmt.Errorf("allot: bucket %s has minimum %d and maximum %d", g.ID, g.Min, g.Max)
		}
		goals[g.ID] = g
	}
	given := map[string]int64{}
	for _, g := range r.Gifts {
		b, ok := goals[g.Bucket]
		if !ok || b.Cancelled {
			return Outcome{}, fmt.Errorf("allot: a gift to bucket %s, which is unknown or cancelled", g.Bucket)
		}
		if g.Amount <= 0 {
			return Outcome{}, errors.New("allot: a gift is not positive")
		}
		given[g.Bucket] += g.Amount
		if given[g.Bucket] > b.Max {
			return Outcome{}, fmt.Errorf("allot: bucket %s holds more than its maximum", g.Bucket)
		}
	}
	var spent int64
	if r.Chosen != nil {
		if len(r.Gifts) > 0 {
			return Outcome{}, errors.New("allot: a round funded by a choice has no gifts")
		}
		for _, id := range r.Chosen {
			b, ok := goals[id]
			if !ok || b.Cancelled {
				return Outcome{}, fmt.Errorf("allot: chosen bucket %s is unknown or cancelled", id)
			}
			if slices.ContainsFunc(o.Funded, func(f Funded) bool { return f.Bucket == id }) {
				return Outcome{}, fmt.Errorf("allot: bucket %s chosen twice", id)
			}
			o.Funded = append(o.Funded, Funded{id, b.Min})
			spent += b.Min
		}
	} else {
		for id, sum := range given {
			if sum >= goals[id].Min {
				o.Funded = append(o.Funded, Funded{id, sum})
				spent += sum
			}
		}
		for _, g := range r.Gifts {
			if given[g.Bucket] < goals[g.Bucket].Min {
				o.Returned = append(o.Returned, g)
			}
		}
	}
	if spent > o.Pool {
		return Outcome{}, fmt.Errorf("allot: the buckets take %d, the pool holds %d", spent, o.Pool)
	}
	slices.SortFunc(o.Funded, func(a, b Funded) int { return cmp.Compare(a.Bucket, b.Bucket) })
	slices.SortFunc(o.Returned, func(a, b Gift) int {
		return cmp.Or(cmp.Compare(a.Bucket, b.Bucket), cmp.Compare(a.Giver, b.Giver), cmp.Compare(a.Amount, b.Amount))
	})
	o.Leftover = o.Pool - spent
	switch r.Rule {
	case LeftoverRollover:
		o.Rollover = o.Leftover
	case LeftoverCommons:
		o.Commons = o.Leftover
	case LeftoverRefund:
		if o.Leftover == 0 {
			break
		}
		var ws []Weight
		for f, a := range byFunder {
			ws = append(ws, Weight{f, a})
		}
		slices.SortFunc(ws, func(a, b Weight) int { return cmp.Compare(a.ID, b.ID) })
		back, err := Allowances(o.Leftover, ws)
		if err != nil {
			return Outcome{}, err
		}
		for _, w := range ws {
			if back[w.ID] > 0 {
				o.Refunds = append(o.Refunds, Funding{w.ID, back[w.ID]})
			}
		}
	}
	return o, nil
}

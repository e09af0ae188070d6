package tally

import (
	"fmt"
	"math/big"
	"slices"
)

// The ranked count is the Weighted Inclusive Gregory Method (WIGM) with
// exact rational arithmetic, as Droop's generic "wigm" rule with rational
// values counts it (docs/governance.md, "Ranked choice"):
//
//   - The quota is the exact Droop quota, valid ballots / (seats + 1), a
//     fraction; an option is elected when its vote is strictly above it.
//   - Each round first elects every hopeful option above the quota, then
//     transfers the largest untransferred surplus: every ballot the option
//     holds moves to its next hopeful preference at its weight times
//     surplus/vote. Without a surplus to transfer, the hopeful option with
//     the fewest votes is excluded and its ballots move at their weight.
//   - A ballot whose ranking names no hopeful option any more is exhausted
//     (non-transferable). Options not ranked are below every ranked one.
//   - When the hopeful options are no more than the seats left, they are
//     all elected; when a round's elections fill the last seat, the count
//     ends there (no surplus is moved: nothing is left to fill).
//   - Ties (the fewest votes, the largest surplus) are broken by the most
//     recent earlier round at which the tied options had different votes,
//     and, when they never had, by the lot (LotOrder).
//
// With one seat this is the instant runoff: the quota is half the valid
// ballots, and the count goes on until an option holds more than half of
// them or is the last one left.

// RankedCount is the round-by-round table of a ranked count. Votes are
// exact fractions written as "n" or "n/d" (big.Rat's RatString).
type RankedCount struct {
	Seats  int      `json:"seats"`
	Valid  int64    `json:"valid"` // ballots with at least one ranked option
	Quota  string   `json:"quota"`
	Rounds []Round  `json:"rounds"`
	Winner []string `json:"elected"` // in the order elected
}

// Round is one step of a ranked count: round 0 counts first preferences;
// each later round elects the options above the quota, then transfers one
// surplus or excludes one option.
type Round struct {
	Number  int      `json:"number"`
	Elected []string `json:"elected,omitempty"`
	// Action is "first preferences", "surplus" (Option's surplus moved),
	// "exclude" (Option excluded, its ballots moved), "seats filled" (the
	// round's elections filled the last seat) or "remaining" (the options
	// left fill the seats left).
	Action string `json:"action"`
	Option string `json:"option,omitempty"`
	// Tie says how a tie for Option was broken, when there was one.
	Tie       string     `json:"tie,omitempty"`
	Transfers []Transfer `json:"transfers,omitempty"`
	// Votes is every option's vote at the end of the round, in the
	// poll's order of options, with its state then.
	Votes     []Standing `json:"votes"`
	Exhausted string     `json:"exhausted"` // all exhausted votes so far
	// Rounding is all the votes lost so far to truncated weights
	// (RankedInput.Decimals): options + exhausted + rounding = valid.
	Rounding string `json:"rounding,omitempty"`
}

// Transfer is what moved in a round to one option, or to "" (exhausted).
type Transfer struct {
	To      string `json:"to"`
	Ballots int64  `json:"ballots"`
	Votes   string `json:"votes"`
}

// Standing is an option's vote and state at the end of a round: hopeful,
// elected, excluded or withdrawn.
type Standing struct {
	Option string `json:"option"`
	Votes  string `json:"votes"`
	State  string `json:"state"`
}

// Ranking is one or more identical ballots: options by index into the
// options, most preferred first.
type Ranking struct {
	Weight int64
	Prefs  []int
}

// RankedInput is a ranked count's input: the options, the seats, the
// options withdrawn before the count (their preferences are skipped), the
// ballots, and the lot's seed.
type RankedInput struct {
	Options   []string
	Seats     int
	Withdrawn []int
	Ballots   []Ranking
	Seed      string
	// Decimals, when above 0, truncates every ballot weight to that many
	// decimals after each surplus transfer, and records what the
	// truncation loses (Round.Rounding). 0 counts with exact fractions,
	// whose size can grow exponentially with the number of surplus
	// transfers: only for trusted, small counts. Polls use PollDecimals.
	Decimals int
}

// PollDecimals is the precision of a poll's ranked count: ballot weights
// truncated to 9 decimals after each surplus transfer, as in the PR
// Foundation's reference WIGM rule, so that a count's work is bounded
// whatever the ballots. What the truncation loses is recorded per round.
const PollDecimals = 9

const (
	hopeful int8 = iota
	pending      // elected, surplus not yet transferred
	elected
	excluded
	withdrawn
)

var stateNames = [...]string{hopeful: "hopeful", pending: "elected", elected: "elected", excluded: "excluded", withdrawn: "withdrawn"}

// parcel is ballots that reached an option together and share a weight.
type parcel struct {
	weight  *big.Rat
	ballots []int32
	count   int64 // the sum of the ballots' weights
}

type counter struct {
	in      RankedInput
	pos     []int32 // each ballot's current preference
	state   []int8
	piles   [][]*parcel
	votes   []*big.Rat
	exh     *big.Rat
	lost    *big.Rat // to truncation
	unit    *big.Int // 10^Decimals, or nil
	quota   *big.Rat
	history [][]*big.Rat // every option's votes at the end of each round
	lot     map[string]int
	out     *RankedCount
}

// CountRanked counts ranked ballots by the rule above. Preferences must
// be valid indexes, each at most once per ballot; a ballot with none is
// not counted.
func CountRanked(in RankedInput) *RankedCount {
	n := len(in.Options)
	c := &counter{in: in, pos: make([]int32, len(in.Ballots)), state: make([]int8, n), piles: make([][]*parcel, n),
		votes: make([]*big.Rat, n), exh: new(big.Rat), lost: new(big.Rat), lot: LotOrder(in.Seed, in.Options)}
	if in.Decimals > 0 {
		c.unit = new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(in.Decimals)), nil)
	}
	for i := range c.votes {
		c.votes[i] = new(big.Rat)
	}
	for _, w := range in.Withdrawn {
		c.state[w] = withdrawn
	}
	c.out = &RankedCount{Seats: in.Seats}
	// Round 0: each ballot goes to its first preference that is not withdrawn.
	first := &parcel{weight: big.NewRat(1, 1)}
	for i, b := range in.Ballots {
		if len(b.Prefs) > 0 && b.Weight > 0 {
			c.out.Valid += b.Weight
			first.ballots = append(first.ballots, int32(i))
			first.count += b.Weight
		}
	}
	c.quota = big.NewRat(c.out.Valid, int64(in.Seats)+1)
	c.out.Quota = c.quota.RatString()
	r0 := Round{Action: "first preferences"}
	for _, m := range c.move(first, -1) {
		r0.Transfers = append(r0.Transfers, c.transferOf(m))
	}
	c.record(r0)

	for {
		left := in.Seats - c.count(pending) - c.count(elected)
		hope := c.count(hopeful)
		if !(hope > left && left > 0) {
			break
		}
		r := Round{Number: len(c.out.Rounds)}
		// Elect every hopeful option above the quota, most votes first.
		var above []int
		for o := range n {
			if c.state[o] == hopeful && c.votes[o].Cmp(c.quota) > 0 {
				above = append(above, o)
			}
		}
		for len(above) > 0 {
			o, _ := c.pick(above, false)
			c.state[o] = pending
			r.Elected = append(r.Elected, in.Options[o])
			c.out.Winner = append(c.out.Winner, in.Options[o])
			above = slices.DeleteFunc(above, func(x int) bool { return x == o })
		}
		if len(r.Elected) > 0 && c.count(pending)+c.count(elected) == in.Seats {
			r.Action = "seats filled" // no surplus moves: nothing is left to fill
			c.record(r)
			break
		}
		var surplus []int
		for o := range n {
			if c.state[o] == pending {
				surplus = append(surplus, o)
			}
		}
		if len(surplus) > 0 {
			o, tie := c.pick(surplus, false)
			r.Action, r.Option, r.Tie = "surplus", in.Options[o], tie
			r.Transfers = c.transfer(o, new(big.Rat).Sub(c.votes[o], c.quota))
			c.state[o] = elected
		} else {
			var low []int
			for o := range n {
				if c.state[o] == hopeful {
					low = append(low, o)
				}
			}
			o, tie := c.pick(low, true)
			r.Action, r.Option, r.Tie = "exclude", in.Options[o], tie
			c.state[o] = excluded
			r.Transfers = c.transfer(o, nil)
		}
		c.record(r)
	}
	// The options left fill the seats left, most votes first.
	left := in.Seats - c.count(pending) - c.count(elected)
	var rest []int
	for o := range n {
		if c.state[o] == hopeful {
			rest = append(rest, o)
		}
	}
	r := Round{Number: len(c.out.Rounds), Action: "remaining"}
	for len(rest) > 0 && left > 0 {
		o, tie := c.pick(rest, false)
		if tie != "" {
			r.Tie = tie
		}
		c.state[o] = elected
		r.Elected = append(r.Elected, in.Options[o])
		c.out.Winner = append(c.out.Winner, in.Options[o])
		rest = slices.DeleteFunc(rest, func(x int) bool { return x == o })
		left--
	}
	for o := range n {
		if c.state[o] == pending {
			c.state[o] = elected
		}
	}
	if len(r.Elected) > 0 {
		c.record(r)
	}
	return c.out
}

func (c *counter) count(st int8) int {
	k := 0
	for _, s := range c.state {
		if s == st {
			k++
		}
	}
	return k
}

// record closes a round: it snapshots every option's votes.
func (c *counter) record(r Round) {
	r.Number = len(c.out.Rounds)
	snap := make([]*big.Rat, len(c.votes))
	for o, v := range c.votes {
		snap[o] = new(big.Rat).Set(v)
		r.Votes = append(r.Votes, Standing{Option: c.in.Options[o], Votes: v.RatString(), State: stateNames[c.state[o]]})
	}
	r.Exhausted = c.exh.RatString()
	if c.unit != nil {
		r.Rounding = c.lost.RatString()
	}
	c.history = append(c.history, snap)
	c.out.Rounds = append(c.out.Rounds, r)
}

// transfer moves every ballot option o holds to its next hopeful
// preference: at its weight times surplus/vote when surplus is given, at
// its weight otherwise (an exclusion). o keeps the quota, or nothing.
func (c *counter) transfer(o int, surplus *big.Rat) []Transfer {
	pile := c.piles[o]
	c.piles[o] = nil
	var factor *big.Rat
	if surplus != nil {
		factor = new(big.Rat).Quo(surplus, c.votes[o])
		c.votes[o] = new(big.Rat).Set(c.quota)
	} else {
		c.votes[o] = new(big.Rat)
	}
	sum := map[int]*moved{}
	var order []int
	for _, p := range pile {
		if factor != nil {
			exact := new(big.Rat).Mul(p.weight, factor)
			p.weight = exact
			if c.unit != nil {
				// floor(w * 10^d) / 10^d
				q := new(big.Int).Mul(exact.Num(), c.unit)
				q.Quo(q, exact.Denom())
				p.weight = new(big.Rat).SetFrac(q, c.unit)
				d := new(big.Rat).Sub(exact, p.weight)
				c.lost.Add(c.lost, d.Mul(d, new(big.Rat).SetInt64(p.count)))
			}
		}
		for _, t := range c.move(p, o) {
			s := sum[t.to]
			if s == nil {
				s = &moved{to: t.to, votes: new(big.Rat)}
				sum[t.to] = s
				order = append(order, t.to)
			}
			s.ballots += t.ballots
			s.votes.Add(s.votes, t.votes)
		}
	}
	slices.Sort(order) // exhausted (-1) first, then options in order
	out := make([]Transfer, 0, len(order))
	for _, to := range order {
		out = append(out, c.transferOf(*sum[to]))
	}
	return out
}

// moved is what went from one parcel to one option (-1: exhausted).
type moved struct {
	to      int
	ballots int64
	votes   *big.Rat
}

func (c *counter) transferOf(m moved) Transfer {
	t := Transfer{Ballots: m.ballots, Votes: m.votes.RatString()}
	if m.to >= 0 {
		t.To = c.in.Options[m.to]
	}
	return t
}

// move sends each ballot of p to its next hopeful preference after the
// current one (from the first when from is -1), in new parcels of p's
// weight, and returns what went where.
func (c *counter) move(p *parcel, from int) []moved {
	dest := map[int]*parcel{}
	var order []int
	for _, b := range p.ballots {
		prefs := c.in.Ballots[b].Prefs
		i := c.pos[b]
		if from >= 0 {
			i++
		}
		for int(i) < len(prefs) && c.state[prefs[i]] != hopeful {
			i++
		}
		c.pos[b] = i
		to := -1
		if int(i) < len(prefs) {
			to = prefs[i]
		}
		q := dest[to]
		if q == nil {
			q = &parcel{weight: p.weight}
			dest[to] = q
			order = append(order, to)
		}
		q.ballots = append(q.ballots, b)
		q.count += c.in.Ballots[b].Weight
	}
	slices.Sort(order)
	out := make([]moved, 0, len(order))
	for _, to := range order {
		q := dest[to]
		v := new(big.Rat).Mul(q.weight, new(big.Rat).SetInt64(q.count))
		if to < 0 {
			c.exh.Add(c.exh, v)
		} else {
			c.piles[to] = append(c.piles[to], q)
			c.votes[to].Add(c.votes[to], v)
		}
		out = append(out, moved{to: to, ballots: q.count, votes: v})
	}
	return out
}

// pick chooses among options the one with the fewest votes (lowest) or
// the most, breaking a tie by the most recent earlier round at which they
// differed, then by the lot. It says how a tie was broken.
func (c *counter) pick(opts []int, lowest bool) (int, string) {
	better := func(a, b *big.Rat) bool { // a beats b for this pick
		if lowest {
			return a.Cmp(b) < 0
		}
		return a.Cmp(b) > 0
	}
	best := func(vs []*big.Rat, among []int) []int {
		var out []int
		for _, o := range among {
			switch {
			case len(out) == 0 || better(vs[o], vs[out[0]]):
				out = []int{o}
			case vs[o].Cmp(vs[out[0]]) == 0:
				out = append(out, o)
			}
		}
		return out
	}
	tied := best(c.votes, opts)
	if len(tied) == 1 {
		return tied[0], ""
	}
	names := func(os []int) string {
		s := ""
		for i, o := range os {
			if i > 0 {
				s += ", "
			}
			s += fmt.Sprintf("%q", c.in.Options[o])
		}
		return s
	}
	all := names(tied)
	for r := len(c.history) - 1; r >= 0; r-- {
		tied = best(c.history[r], tied)
		if len(tied) == 1 {
			return tied[0], fmt.Sprintf("%s tied; decided by the votes at round %d", all, r)
		}
	}
	// The lot: the lowest place is the lower option.
	o := tied[0]
	for _, x := range tied[1:] {
		if (c.lot[c.in.Options[x]] < c.lot[c.in.Options[o]]) == lowest {
			o = x
		}
	}
	return o, fmt.Sprintf("%s tied at every round; decided by the lot", all)
}

// countRanked counts a poll's rankings.
func countRanked(r Rule, res *Result, seed string) {
	idx := map[string]int{}
	for i, o := range r.Options {
		idx[o] = i
	}
	in := RankedInput{Options: r.Options, Seats: r.seats(), Seed: seed, Decimals: PollDecimals}
	first := make([]int64, len(r.Options))
	for _, c := range res.Casts {
		prefs := make([]int, len(c.Ballot.Ranking))
		for i, o := range c.Ballot.Ranking {
			prefs[i] = idx[o]
		}
		in.Ballots = append(in.Ballots, Ranking{Weight: 1, Prefs: prefs})
		first[prefs[0]]++
	}
	for i, o := range r.Options {
		res.Counts = append(res.Counts, Count{o, first[i]})
	}
	rc := CountRanked(in)
	res.Ranked = rc
	res.Winners = slices.Clone(rc.Winner)
	res.Passed = len(res.Winners) > 0 && rc.Valid > 0
	kind := "Instant runoff"
	if in.Seats > 1 {
		kind = fmt.Sprintf("Single transferable vote for %d seats", in.Seats)
	}
	res.Why = append(res.Why, fmt.Sprintf("%s (WIGM, weights to %d decimals): quota %s of %d valid ballots; %d rounds.", kind, PollDecimals, rc.Quota, rc.Valid, len(rc.Rounds)))
	for _, w := range rc.Winner {
		res.Why = append(res.Why, fmt.Sprintf("%q is elected.", w))
	}
}

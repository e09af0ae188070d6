package allot

import (
	"errors"
	"fmt"
	"math/bits"
	"slices"
	"strings"
)

// Project is one candidate of Equal Shares: a bucket, with the amount it
// costs when funded (minor units, > 0).
type Project struct {
	ID   string
	Cost int64
}

// Ballot is one voter's approvals: the IDs of the projects they support.
type Ballot struct {
	Voter     string
	Approvals []string
}

// Completion says what Equal Shares does with money its first pass leaves
// unspent.
type Completion string

// Completions.
const (
	// CompleteNone: Equal Shares with the budget as given, nothing more.
	CompleteNone Completion = "none"
	// CompleteAdd1: raise every voter's share by one unit of the currency
	// (Options.Increment minor units) as long as the outcome still fits the
	// budget and is not exhaustive, and take the last outcome that fits
	// (equalshares.net's "add1" with its "exhaustive" option).
	CompleteAdd1 Completion = "add1"
	// CompleteAdd1Utilitarian: CompleteAdd1, then the projects with most
	// approvals that still fit, one by one (equalshares.net's "add1u").
	CompleteAdd1Utilitarian Completion = "add1u"
	// CompleteUtilitarian: Equal Shares, then the projects with most
	// approvals that still fit.
	CompleteUtilitarian Completion = "utilitarian"
)

// Completions lists the completion rules, for checking input.
var Completions = []Completion{CompleteNone, CompleteAdd1, CompleteAdd1Utilitarian, CompleteUtilitarian}

// Scale is the number of share units in one minor unit: voters' virtual
// shares are kept as integers of 1/Scale of a minor unit.
const Scale = 1_000_000

// Options tune EqualShares. The zero value is add1u with an increment of
// one minor unit per voter and the start share B/n.
type Options struct {
	Completion Completion // default CompleteAdd1Utilitarian
	// Increment is how much every voter's share grows per add1 step, in
	// minor units (default 1). Pabulib instances count in whole units, so
	// 1 is equalshares.net's increment of one unit of the currency.
	Increment int64
	// Integral starts add1 from floor(B/n) whole units per voter instead
	// of B/n (equalshares.net's "integral" option).
	Integral bool
	// Exhaustive stops add1 as soon as no unchosen project fits what is
	// left of the budget (equalshares.net's "exhaustive" option, on in its
	// tool since 2024). Without it add1 goes on until the next step would
	// overspend, as Wieliczka counted in 2023.
	Exhaustive bool
	// Utility is what a voter gains from a bought project they approve:
	// UtilityCost (the default, as in the cities that use Equal Shares)
	// or UtilityApproval.
	Utility Utility
}

// Utility is the satisfaction model of Equal Shares.
type Utility string

// Utilities.
const (
	// UtilityCost: a voter values a project by its cost, so the method
	// buys the project with the lowest price per unit of cost, ρ/cost;
	// with untouched shares that is the one with most approvals. This is
	// the variant equalshares.net recommends and the cities in
	// testdata/pabulib used.
	UtilityCost Utility = "cost"
	// UtilityApproval: every approved project counts one, so the method
	// buys the project with the lowest ρ.
	UtilityApproval Utility = "approval"
)

// Result is the outcome of EqualShares.
type Result struct {
	Winners []string // in the order chosen: Equal Shares first, then completion
	// ByCompletion is how many of the last Winners the utilitarian
	// completion added.
	ByCompletion int
	Cost         int64 // the winners' total cost, at most the budget
	// Share is each voter's virtual share of the final Equal Shares pass,
	// in 1/Scale minor units (B*Scale/n, or raised by add1).
	Share int64
	// Rounds counts the Equal Shares passes add1 ran (1 without add1).
	Rounds int
}

// maxScaled bounds every scaled quantity so that sums of shares, costs
// and their products with voter counts stay exact in int64 and 128 bits.
const maxScaled = 1 << 62

// EqualShares runs the Method of Equal Shares (Peters and Skowron) for
// approval ballots: every voter gets an equal virtual share of the budget;
// a project can be bought when its approvers together still hold its
// cost; of those, the one whose cost can be split most equally (the
// smallest largest payment ρ, each approver paying min(share, ρ)) is
// bought next and its approvers pay; until no project can be bought. Then
// the completion rule (Options) spends what is left.
//
// Exact arithmetic and the one rounding rule: shares are integers of
// 1/Scale of a minor unit. The start share is floor(budget*Scale/n) (the
// remainder, less than n units of 1/Scale, is not handed out). Projects
// are compared by their exact ρ (a fraction, compared by cross
// multiplication in 128 bits), so the choice is exact for these shares; a
// bought project's approvers then pay ρ rounded up to the next 1/Scale
// unit (or all they hold, if less), so a project is always paid in full.
// The outcome can differ from Equal Shares over unbounded fractions only
// at a boundary one millionth of a minor unit wide: where two projects' ρ
// differ by less, or where a project is affordable only to the last
// millionth, as each rounded-up payment leaves its approvers up to that
// much less than exact fractions would (TestEqualSharesRoundingRule); the
// rule then buys less, never more.
//
// Ties (equal ρ) go to the project with more approvals, then the lower
// cost, then the smaller ID in byte order; utilitarian completion takes
// projects by most approvals, then lower cost, then ID. Voters' names only
// need to be unique: the result does not depend on the order of ballots,
// of their approvals or of projects.
//
// Errors: a budget below 0; a project with a cost below 1 or an ID used
// twice; a ballot naming an unknown project or one project twice, or a
// voter twice; amounts so large that scaled shares would not fit 2^62.
func EqualShares(budget int64, projects []Project, ballots []Ballot, opt Options) (Result, error) {
	if opt.Completion == "" {
		opt.Completion = CompleteAdd1Utilitarian
	}
	if !slices.Contains(Completions, opt.Completion) {
		return Result{}, fmt.Errorf("allot: unknown completion %q", opt.Completion)
	}
	if opt.Utility == "" {
		opt.Utility = UtilityCost
	}
	if opt.Utility != UtilityCost && opt.Utility != UtilityApproval {
		return Result{}, fmt.Errorf("allot: unknown utility %q", opt.Utility)
	}
	if opt.Increment == 0 {
		opt.Increment = 1
	}
	if opt.Increment < 0 {
		return Result{}, errors.New("allot: the add1 increment is negative")
	}
	if budget < 0 {
		return Result{}, errors.New("allot: the budget is negative")
	}
	in, err := newInstance(budget, projects, ballots)
	if err != nil {
		return Result{}, err
	}
	return in.run(opt)
}

// instance is an election in indexes: projects sorted by ID, voters
// grouped by identical ballots (voters with one ballot always hold equal
// shares, so a group is one share times its weight).
type instance struct {
	budget    int64
	ids       []string
	cost      []int64
	votes     []int64 // approvals per project
	groups    [][]int // group → projects
	weight    []int64 // group → voters
	approvers [][]int // project → groups
	n         int64
	byCost    bool // UtilityCost: compare ρ/cost
}

func newInstance(budget int64, projects []Project, ballots []Ballot) (*instance, error) {
	ps := slices.Clone(projects)
	slices.SortFunc(ps, func(a, b Project) int { return strings.Compare(a.ID, b.ID) })
	in := &instance{budget: budget}
	idx := make(map[string]int, len(ps))
	var total int64
	for i, p := range ps {
		if i > 0 && ps[i-1].ID == p.ID {
			return nil, fmt.Errorf("allot: project %q appears twice", p.ID)
		}
		if p.Cost < 1 {
			return nil, fmt.Errorf("allot: project %q costs %d; a cost is at least 1", p.ID, p.Cost)
		}
		if p.Cost > maxScaled/Scale || total > maxScaled/Scale-p.Cost {
			return nil, errors.New("allot: the projects cost too much to count exactly")
		}
		total += p.Cost
		idx[p.ID] = i
		in.ids = append(in.ids, p.ID)
		in.cost = append(in.cost, p.Cost)
	}
	in.votes = make([]int64, len(ps))
	in.approvers = make([][]int, len(ps))
	voters := make(map[string]bool, len(ballots))
	group := map[string]int{}
	var key []byte
	for _, b := range ballots {
		if voters[b.Voter] {
			return nil, fmt.Errorf("allot: voter %q votes twice", b.Voter)
		}
		voters[b.Voter] = true
		set := make([]int, 0, len(b.Approvals))
		for _, a := range b.Approvals {
			i, ok := idx[a]
			if !ok {
				return nil, fmt.Errorf("allot: voter %q approves unknown project %q", b.Voter, a)
			}
			set = append(set, i)
		}
		slices.Sort(set)
		for k := 1; k < len(set); k++ {
			if set[k] == set[k-1] {
				return nil, fmt.Errorf("allot: voter %q approves project %q twice", b.Voter, in.ids[set[k]])
			}
		}
		key = key[:0]
		for _, i := range set {
			key = fmt.Appendf(key, "%d,", i)
		}
		g, ok := group[string(key)]
		if !ok {
			g = len(in.groups)
			group[string(key)] = g
			in.groups = append(in.groups, set)
			in.weight = append(in.weight, 0)
			for _, i := range set {
				in.approvers[i] = append(in.approvers[i], g)
			}
		}
		in.weight[g]++
		for _, i := range set {
			in.votes[i]++
		}
	}
	in.n = int64(len(ballots))
	if in.n > 0 && (budget > maxScaled/Scale-total || in.n > 1<<31) {
		return nil, errors.New("allot: the budget or the number of voters is too large to count exactly")
	}
	return in, nil
}

func (in *instance) run(opt Options) (Result, error) {
	var res Result
	var winners []int
	in.byCost = opt.Utility == UtilityCost
	if in.n > 0 {
		share := in.budget * Scale / in.n
		everything := int64(0)
		for _, c := range in.cost {
			everything += c
		}
		add1 := opt.Completion == CompleteAdd1 || opt.Completion == CompleteAdd1Utilitarian
		if add1 && everything > in.budget {
			if opt.Integral {
				share = in.budget / in.n * Scale
			}
			winners = in.mes(share)
			res.Rounds = 1
			step := opt.Increment * Scale
			for !(opt.Exhaustive && in.exhaustive(winners)) {
				// Shares that hold the cost of everything have bought
				// every approved project: larger ones change nothing.
				if share*in.n >= everything*Scale || step > (maxScaled-share*in.n)/in.n {
					break
				}
				next := in.mes(share + step)
				res.Rounds++
				if in.total(next) > in.budget {
					break
				}
				share, winners = share+step, next
			}
		} else {
			winners = in.mes(share)
			res.Rounds = 1
		}
		res.Share = share
	}
	for _, w := range winners {
		res.Winners = append(res.Winners, in.ids[w])
	}
	if opt.Completion == CompleteUtilitarian || opt.Completion == CompleteAdd1Utilitarian {
		extra := in.utilitarian(winners)
		res.ByCompletion = len(extra)
		winners = append(winners, extra...)
		for _, w := range extra {
			res.Winners = append(res.Winners, in.ids[w])
		}
	}
	res.Cost = in.total(winners)
	return res, nil
}

func (in *instance) total(ws []int) int64 {
	var t int64
	for _, w := range ws {
		t += in.cost[w]
	}
	return t
}

// exhaustive reports whether no unchosen project fits what is left.
func (in *instance) exhaustive(ws []int) bool {
	chosen := make([]bool, len(in.cost))
	for _, w := range ws {
		chosen[w] = true
	}
	left := in.budget - in.total(ws)
	for p, c := range in.cost {
		if !chosen[p] && c <= left {
			return false
		}
	}
	return true
}

// utilitarian adds, by most approvals, then lower cost, then ID, every
// project that still fits the budget.
func (in *instance) utilitarian(ws []int) []int {
	chosen := make([]bool, len(in.cost))
	for _, w := range ws {
		chosen[w] = true
	}
	order := make([]int, len(in.cost))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		if in.votes[a] != in.votes[b] {
			return int(in.votes[b] - in.votes[a])
		}
		if in.cost[a] != in.cost[b] {
			if in.cost[a] < in.cost[b] {
				return -1
			}
			return 1
		}
		return a - b
	})
	left := in.budget - in.total(ws)
	var out []int
	for _, p := range order {
		if !chosen[p] && in.votes[p] > 0 && in.cost[p] <= left {
			out = append(out, p)
			left -= in.cost[p]
		}
	}
	return out
}

// rho is a project's price: its largest payment num/den units of 1/Scale,
// divided by per (the project's cost for UtilityCost, else 1).
type rho struct{ num, den, per int64 }

// cmpRho compares x.num/(x.den*x.per) with y's exactly (all positive):
// products of up to three factors below 2^63 fit 192 bits.
func cmpRho(x, y rho) int {
	return cmp192(mul3(x.num, y.den, y.per), mul3(y.num, x.den, x.per))
}

type u192 [3]uint64 // most significant first

func mul3(a, b, c int64) u192 {
	h, l := bits.Mul64(uint64(a), uint64(b))
	// (h*2^64 + l) * c
	h2, l2 := bits.Mul64(l, uint64(c))
	h3, l3 := bits.Mul64(h, uint64(c))
	mid, carry := bits.Add64(h2, l3, 0)
	return u192{h3 + carry, mid, l2}
}

func cmp192(a, b u192) int {
	for i := range a {
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	return 0
}

// mes is one pass of Equal Shares with the given start share per voter.
func (in *instance) mes(share int64) []int {
	budget := make([]int64, len(in.groups))
	for g := range budget {
		budget[g] = share
	}
	type cand struct {
		p     int
		bound rho // a lower bound of the project's ρ: shares only shrink
	}
	var cands []cand
	for p := range in.cost {
		if in.votes[p] > 0 {
			cands = append(cands, cand{p, rho{in.cost[p] * Scale, in.votes[p], in.per(p)}})
		}
	}
	var winners []int
	order := make([]int, 0, 64)
	for len(cands) > 0 {
		slices.SortStableFunc(cands, func(a, b cand) int {
			if c := cmpRho(a.bound, b.bound); c != 0 {
				return c
			}
			return a.p - b.p
		})
		best, bestAt := rho{}, -1
		kept := cands[:0]
		for i, c := range cands {
			if bestAt >= 0 && cmpRho(c.bound, best) > 0 {
				kept = append(kept, cands[i:]...)
				break
			}
			need := in.cost[c.p] * Scale
			var held int64
			for _, g := range in.approvers[c.p] {
				held += budget[g] * in.weight[g]
			}
			if held < need {
				continue // never affordable again: shares only shrink
			}
			order = order[:0]
			order = append(order, in.approvers[c.p]...)
			slices.SortFunc(order, func(a, b int) int { return cmpI(budget[a], budget[b]) })
			k := in.votes[c.p]
			r := rho{}
			for _, g := range order {
				// Can every remaining approver pay (need/k)? Those who
				// hold less pay all they hold.
				if need > budget[g]*k {
					need -= budget[g] * in.weight[g]
					k -= in.weight[g]
					continue
				}
				r = rho{need, k, in.per(c.p)}
				break
			}
			c.bound = r
			kept = append(kept, c)
			if bestAt < 0 || in.better(c.p, r, kept[bestAt].p, best) {
				best, bestAt = r, len(kept)-1
			}
		}
		cands = kept
		if bestAt < 0 {
			break
		}
		w := cands[bestAt].p
		winners = append(winners, w)
		pay := (best.num + best.den - 1) / best.den
		for _, g := range in.approvers[w] {
			budget[g] = max(0, budget[g]-pay)
		}
		cands = slices.Delete(cands, bestAt, bestAt+1)
	}
	return winners
}

// per is what a project's ρ is divided by before comparing.
func (in *instance) per(p int) int64 {
	if in.byCost {
		return in.cost[p]
	}
	return 1
}

// better reports whether project p with ρ r beats project q with ρ s.
func (in *instance) better(p int, r rho, q int, s rho) bool {
	if c := cmpRho(r, s); c != 0 {
		return c < 0
	}
	if in.votes[p] != in.votes[q] {
		return in.votes[p] > in.votes[q]
	}
	if in.cost[p] != in.cost[q] {
		return in.cost[p] < in.cost[q]
	}
	return p < q
}

func cmpI(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

package value

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-json-experiment/json"

	"github.com/meent/meent"
)

// Policy is a value policy: the versioned document a commons refers to
// (commons.Commons.ValuePolicy) that says how contributions turn into
// points and how every income is split. It is plain data, stored in events
// and changed only by events; Compile checks it and makes it runnable.
//
// Evolution: Format is 1. A later format may add members whose zero value
// keeps today's meaning; any change of meaning gets a new Format, and a
// node refuses formats it does not know. Decoding refuses unknown members,
// duplicate members and invalid UTF-8, so two nodes never read one policy
// differently.
type Policy struct {
	Format  int    `json:"format"`           // always 1 for now
	Version int64  `json:"version,omitzero"` // the author's version number; the rules that store policies may require it to grow
	Name    string `json:"name,omitempty"`

	// Equations give the points of a contribution by its kind (the keys
	// are contribution kinds such as "code" or "work_time"). Default
	// applies to every kind without its own equation; it is required
	// (write "0" to give other kinds nothing). Each is a CEL expression
	// over the variables documented in docs/value.md, of type int.
	Equations map[string]string `json:"equations,omitempty"`
	Default   string            `json:"default"`

	// HalfLifeDays, when not 0, halves the weight of a contribution every
	// that many days of age (see Decay for the exact integer formula).
	HalfLifeDays int64 `json:"half_life_days,omitzero"`

	// CapPoints, when not 0, is the most raw points one contributor earns
	// in one period of PeriodDays days; both are set or neither.
	CapPoints  int64 `json:"cap_points,omitzero"`
	PeriodDays int64 `json:"period_days,omitzero"`

	// Split says which fraction of every income goes where.
	Split Split `json:"split"`

	// MinPayout is the smallest open balance (minor units, in the
	// balance's currency) worth a bank transfer; smaller balances are
	// carried forward to a later payout run. 0: pay every open balance.
	MinPayout int64 `json:"min_payout,omitzero"`
	// Exclude lists authors whose contributions earn no points, whatever
	// the equations say: bots, or the commons' own automation. Each entry
	// is an author exactly (an agent ID, or an identity such as
	// "git:ci@example.org") or a pattern where "*" stands for any run of
	// characters ("git:*[bot]@users.noreply.github.com"); nothing else is
	// special. It was added after format 1 was first published; left out,
	// it keeps the policy's earlier meaning and canonical form.
	Exclude []string `json:"exclude,omitempty"`
}

// MaxExclude is the most entries a policy's exclude list may have.
const MaxExclude = 64

// checkExclude validates a policy's exclude list.
func checkExclude(ps []string) error {
	if len(ps) > MaxExclude {
		return meent.Errorf(meent.EINVALID, "value policy: exclude has more than %d entries", MaxExclude)
	}
	for i, p := range ps {
		if p == "" || len(p) > MaxIDLen || !utf8.ValidString(p) {
			return meent.Errorf(meent.EINVALID, "value policy: exclude[%d] must be 1 to %d bytes of UTF-8", i, MaxIDLen)
		}
		if strings.Trim(p, "*") == "" {
			return meent.Errorf(meent.EINVALID, "value policy: exclude[%d] %q would exclude every author", i, p)
		}
	}
	return nil
}

// matchAuthor reports whether author matches pattern, where "*" in the
// pattern matches any run of bytes (also none) and every other byte only
// itself. It runs in time linear in len(pattern)*len(author) at worst.
func matchAuthor(pattern, author string) bool {
	p, a := 0, 0
	star, mark := -1, 0
	for a < len(author) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, a
			p++
		case p < len(pattern) && pattern[p] == author[a]:
			p++
			a++
		case star >= 0:
			p = star + 1
			mark++
			a = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// Split is the income split: exact fractions written "n/d" that add up to
// exactly 1. Contributors is required; the other members may be left out
// (zero). The contributors' fraction is shared among contributors by
// their weights; each other fraction goes to one pool.
type Split struct {
	Contributors   string     `json:"contributors"`
	Infrastructure string     `json:"infrastructure,omitempty"` // the for-benefit association that keeps the commons' infrastructure
	Solidarity     string     `json:"solidarity,omitempty"`     // the solidarity (mutual-aid) fund
	CoBudget       string     `json:"co_budget,omitempty"`      // the pool the community spends in budget rounds
	Upstream       []Upstream `json:"upstream,omitempty"`       // commons this one depends on
}

// Upstream is the share of income that goes to a commons this one builds on.
type Upstream struct {
	Commons string `json:"commons"`
	Share   string `json:"share"`
}

// Pool names: the recipients of a split other than contributors. An
// upstream commons C is the pool "upstream:C".
const (
	PoolContributors   = "contributors"
	PoolInfrastructure = "infrastructure"
	PoolSolidarity     = "solidarity"
	PoolCoBudget       = "co_budget"
	PoolUpstreamPrefix = "upstream:"
)

// Limits of a policy. Points are whole numbers from 0 to MaxPoints per
// contribution; an equation that can give more (or less) is refused.
const (
	Format          = 1
	MaxPoints       = 1_000_000_000_000
	MaxEquations    = 64
	MaxEquationLen  = 4096 // bytes
	MaxKindLen      = 64   // bytes
	MaxNameLen      = 200  // bytes
	MaxHalfLifeDays = 3650
	MaxPeriodDays   = 3660
	MaxUpstream     = 32
	MaxMinPayout    = 1_000_000_000
	MaxPolicySize   = 64 << 10 // bytes of policy JSON
	maxFracDigits   = 18       // digits of a numerator or denominator: fits an int64
)

// strict refuses unknown members; the json/v2 defaults already refuse
// duplicate members and invalid UTF-8.
var strict = json.RejectUnknownMembers(true)

// DecodePolicy reads a policy from its JSON form, strictly. It returns
// *meent.Error with code EINVALID or ETOOLARGE. It does not check the
// policy's rules: Compile does.
func DecodePolicy(b []byte) (Policy, error) {
	var p Policy
	if len(b) > MaxPolicySize {
		return p, meent.Errorf(meent.ETOOLARGE, "value policy: larger than %d bytes", MaxPolicySize)
	}
	if err := json.Unmarshal(b, &p, strict); err != nil {
		return Policy{}, &meent.Error{Code: meent.EINVALID, Message: "value policy: not valid policy JSON: " + jsonReason(err), Err: err}
	}
	return p, nil
}

// jsonReason is a short, user-safe description of a decoding error.
func jsonReason(err error) string {
	s := err.Error()
	s = strings.TrimPrefix(s, "json: ")
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}

// Encode returns the policy's canonical JSON: members in the order of the
// struct, equations sorted by kind, no insignificant space. The digest of
// a distribution covers these bytes.
func (p Policy) Encode() ([]byte, error) {
	b, err := json.Marshal(p, json.Deterministic(true))
	if err != nil {
		return nil, &meent.Error{Code: meent.EINVALID, Message: "value policy: cannot be encoded: " + jsonReason(err), Err: err}
	}
	return b, nil
}

// parseFraction reads "n/d": decimal digits, n >= 0, d >= 1, at most 18
// digits each, no sign and no space. "2/4" is allowed and equals "1/2".
func parseFraction(s string) (*big.Rat, bool) {
	n, d, ok := strings.Cut(s, "/")
	if !ok || !digits(n) || !digits(d) {
		return nil, false
	}
	ni, err1 := strconv.ParseInt(n, 10, 64)
	di, err2 := strconv.ParseInt(d, 10, 64)
	if err1 != nil || err2 != nil || di == 0 {
		return nil, false
	}
	return big.NewRat(ni, di), true
}

func digits(s string) bool {
	if s == "" || len(s) > maxFracDigits {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// pool is one recipient of the income split with its exact fraction and
// its weight for Allocate: the fraction times the least common multiple
// of all the split's denominators.
type pool struct {
	name   string
	frac   *big.Rat
	weight *big.Int
}

// checkSplit validates a split and returns its pools with non-zero
// fractions, contributors first, then infrastructure, solidarity,
// co_budget and the upstream commons in the policy's order.
func checkSplit(s Split) ([]pool, error) {
	bad := func(format string, args ...any) error {
		return meent.Errorf(meent.EINVALID, "value policy: split: "+format, args...)
	}
	type entry struct {
		name, field, val string
		required         bool
	}
	entries := []entry{
		{PoolContributors, "contributors", s.Contributors, true},
		{PoolInfrastructure, "infrastructure", s.Infrastructure, false},
		{PoolSolidarity, "solidarity", s.Solidarity, false},
		{PoolCoBudget, "co_budget", s.CoBudget, false},
	}
	if len(s.Upstream) > MaxUpstream {
		return nil, bad("more than %d upstream commons", MaxUpstream)
	}
	seen := map[string]bool{}
	for i, u := range s.Upstream {
		if u.Commons == "" || len(u.Commons) > 200 || !utf8.ValidString(u.Commons) {
			return nil, bad("upstream[%d]: the commons must be named (at most 200 bytes of UTF-8)", i)
		}
		if seen[u.Commons] {
			return nil, bad("upstream commons %q appears twice", u.Commons)
		}
		seen[u.Commons] = true
		entries = append(entries, entry{PoolUpstreamPrefix + u.Commons, fmt.Sprintf("upstream[%d].share", i), u.Share, true})
	}
	sum := new(big.Rat)
	var pools []pool
	for _, e := range entries {
		if e.val == "" && !e.required {
			continue
		}
		f, ok := parseFraction(e.val)
		if !ok {
			return nil, bad("%s is %q, not a fraction written \"n/d\" (for example \"1/4\")", e.field, e.val)
		}
		sum.Add(sum, f)
		if f.Sign() > 0 {
			pools = append(pools, pool{name: e.name, frac: f})
		}
	}
	if sum.Cmp(big.NewRat(1, 1)) != 0 {
		return nil, bad("the fractions add up to %s, not to 1", sum.RatString())
	}
	lcm := big.NewInt(1)
	for _, p := range pools {
		d := p.frac.Denom()
		lcm.Mul(lcm, new(big.Int).Quo(d, new(big.Int).GCD(nil, nil, lcm, d)))
	}
	for i, p := range pools {
		pools[i].weight = new(big.Int).Mul(p.frac.Num(), new(big.Int).Quo(lcm, p.frac.Denom()))
	}
	return pools, nil
}

// FairShares is the split of the FairShares model (founders, funders,
// workers and users a quarter each), mapped onto the recipients meent
// knows:
//
//   - workers and funders (1/4 + 1/4) are the contributors (1/2): work
//     contributions and "funds" contributions earn points through their
//     equations, so the equations decide how the half is shared between
//     work and money;
//   - founders (1/4) go to the infrastructure pool: the for-benefit
//     association that holds what the founders set up and keeps it going;
//   - users (1/4) go to the co-budget pool, which the community of users
//     and members spends together in budget rounds.
func FairShares() Split {
	return Split{Contributors: "1/2", Infrastructure: "1/4", CoBudget: "1/4"}
}

// Cooperative is a split in the spirit of the Peer Production License and
// of cooperative surplus rules (a members' return, an indivisible reserve,
// an education and solidarity fund): 6/10 to the contributors, 2/10 to the
// infrastructure pool (the reserve, held by the for-benefit association),
// 1/10 to the solidarity fund and 1/10 to the co-budget pool. When upstream
// commons are named, half of the co-budget tenth (1/20) goes to them in
// equal parts instead, so a commons gives back to the commons it builds on.
func Cooperative(upstream ...string) Split {
	s := Split{Contributors: "6/10", Infrastructure: "2/10", Solidarity: "1/10", CoBudget: "1/10"}
	if len(upstream) > 0 {
		s.CoBudget = "1/20"
		for _, u := range upstream {
			s.Upstream = append(s.Upstream, Upstream{Commons: u, Share: fmt.Sprintf("1/%d", 20*len(upstream))})
		}
	}
	return s
}

// DefaultPolicy is a typical policy for a commons that has not written its
// own: an equation per contribution kind (work time in minutes, code by the
// square root of changed lines so bulk changes do not swamp careful ones,
// money at one point per 100 minor units), endorsements as a bonus, bounties
// of answered needs counted in, a one-year half-life, a cap of 20,000
// points per contributor per 30 days, and the Cooperative split.
func DefaultPolicy() Policy {
	const bonus = " + 5 * min(endorsements, 20) + need_bounty / 100"
	return Policy{
		Format:  Format,
		Version: 1,
		Name:    "default",
		Equations: map[string]string{
			"code":          "20 + 10 * isqrt(lines_added + lines_removed)" + bonus,
			"design":        "minutes + 10 * isqrt(lines_added)" + bonus,
			"documentation": "minutes + 10 * isqrt(lines_added + lines_removed)" + bonus,
			"translation":   "minutes + 5 * isqrt(lines_added)" + bonus,
			"review":        "15 + minutes" + bonus,
			"work_time":     "minutes" + bonus,
			"funds":         "amount / 100",
			"equipment_use": "amount / 200",
		},
		Default:      "minutes + 10 * isqrt(lines_added + lines_removed)" + bonus,
		HalfLifeDays: 365,
		CapPoints:    20000,
		PeriodDays:   30,
		Split:        Cooperative(),
	}
}

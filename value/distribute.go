package value

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"math/bits"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"cel.dev/cel-go/common/types"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/meent/meent"
	"github.com/meent/meent/commons"
)

// Contribution is what a distribution needs to know of one contribution.
// The caller chooses which contributions count (normally the accepted ones
// a commons recognises at the distribution's ledger position); FromCommons
// fills one in from the peer-production rules' view.
//
// Its JSON form is also its line in the canonical input that the digest
// covers: members in this order, zeros written out, the two recipient
// members left out when empty.
type Contribution struct {
	ID           string `json:"id"`
	Contributor  string `json:"contributor,omitempty"` // agent ID; empty for an unmapped identity
	Identity     string `json:"identity,omitempty"`    // an identity not yet mapped to an agent (e.g. a git author); its value is kept for it
	Kind         string `json:"kind"`
	Minutes      int64  `json:"minutes"`
	LinesAdded   int64  `json:"lines_added"`
	LinesRemoved int64  `json:"lines_removed"`
	Endorsements int64  `json:"endorsements"`
	Approvals    int64  `json:"approvals"`
	NeedBounty   int64  `json:"need_bounty"` // minor units of the answered need's bounty, 0 if none
	Amount       int64  `json:"amount"`      // minor units of funds given or equipment use, 0 if none
	Submitted    int64  `json:"submitted"`   // ms since the Unix epoch
}

// FromCommons returns the distribution's view of a contribution:
// endorsements and approvals are counted, the amount is taken from its
// quantities, and needBounty is the bounty (minor units) of the need it
// answered, or 0. It does not look at the status: the caller passes only
// the contributions that count.
func FromCommons(c *commons.Contribution, needBounty int64) Contribution {
	out := Contribution{
		ID:           c.ID,
		Contributor:  c.Contributor,
		Kind:         c.Kind,
		Minutes:      c.Quantities.Minutes,
		LinesAdded:   c.Quantities.LinesAdded,
		LinesRemoved: c.Quantities.LinesRemoved,
		Endorsements: int64(len(c.Endorsements)),
		Approvals:    int64(len(c.Approvals)),
		NeedBounty:   needBounty,
		Submitted:    c.SubmittedAt,
	}
	if c.Quantities.Amount != nil {
		out.Amount = c.Quantities.Amount.Amount
	}
	if c.Contributor == "" {
		out.Identity = c.Identity // an imported commit whose author has not been mapped to an agent yet
	}
	return out
}

// Input is what one distribution runs over.
type Input struct {
	Income        commons.Money  // the income to distribute, >= 0
	AsOf          int64          // ms since the Unix epoch; ages are measured to it
	Contributions []Contribution // in any order; IDs unique
}

// Limits of an input.
const (
	MaxContributions = 1 << 24
	MaxIDLen         = 200                 // bytes of a contribution ID, agent ID or identity
	MaxTime          = 253_402_300_799_999 // 9999-12-31T23:59:59.999Z, in ms
	dayMillis        = 86_400_000
)

// Recipient kinds.
const (
	RecipientAgent    = "agent"
	RecipientIdentity = "identity"
	RecipientPool     = "pool"
)

// Allocation is one recipient's exact amount.
type Allocation struct {
	Recipient string `json:"recipient"` // agent ID, unmapped identity, or pool name
	Kind      string `json:"kind"`      // agent, identity or pool
	Amount    int64  `json:"amount"`    // minor units of the income's currency
}

// Counted is one contribution as it counted for its contributor.
type Counted struct {
	ID        string `json:"id"`
	Kind      string `json:"kind"`
	Submitted int64  `json:"submitted"`
	Points    int64  `json:"points"`            // raw points from the equation
	Decay     uint64 `json:"decay"`             // decay factor for AgeDays, in units of 2^-52 (2^52 = no decay)
	AgeDays   int32  `json:"age_days"`          // whole days from Submitted to the as-of time (0 if after it)
	Clamped   bool   `json:"clamped,omitzero"`  // a quantity was above its maximum and was clamped
	Excluded  bool   `json:"excluded,omitzero"` // its author matches the policy's exclude list: 0 points
	Capped    bool   `json:"capped,omitzero"`   // its period went over the cap (see Explanation.Capped)
}

// CappedPeriod is a period in which a contributor's raw points went over
// the policy's cap, so that period's decayed weight was scaled down by
// Cap/Points.
type CappedPeriod struct {
	Period  int64    `json:"period"`  // index: the period covers [Period, Period+1) * period_days days since the Unix epoch
	Start   int64    `json:"start"`   // ms
	Points  *big.Int `json:"points"`  // raw points in the period
	Decayed *big.Int `json:"decayed"` // sum of points * decay in the period
	Counted *big.Int `json:"counted"` // floor(Decayed * cap / Points)
}

// Explanation shows one contributor how their amount was derived. Their
// weight is the sum, over their contributions not in a capped period, of
// Points * Decay, plus Counted for each capped period. The contributors'
// pool is then split over all weights by the largest remainder method.
type Explanation struct {
	Recipient     string         `json:"recipient"`
	Kind          string         `json:"kind"`          // agent or identity
	Contributions []Counted      `json:"contributions"` // by submission time, then ID
	Capped        []CappedPeriod `json:"capped,omitempty"`
	Weight        *big.Int       `json:"weight"` // in units of 2^-52 points
	Share         string         `json:"share"`  // Weight / TotalWeight as a percentage, truncated to 6 decimals
	Amount        int64          `json:"amount"`
	// ExtraUnit says the amount includes one of the units left over after
	// every contributor got the floor of their exact share.
	ExtraUnit bool `json:"extra_unit,omitzero"`
}

// Result is a distribution: who gets what, and why.
type Result struct {
	// Digest is the SHA-256 (hex) of the canonical input: the policy, the
	// income, the as-of time and the contributions sorted by ID. Anyone
	// with the same input gets the same result and digest.
	Digest      string        `json:"digest"`
	Income      commons.Money `json:"income"`
	AsOf        int64         `json:"as_of"`
	Allocations []Allocation  `json:"allocations"` // pools in the policy's order, then contributors by kind and ID
	// Pools are the split of the income, including the contributors' pool,
	// in the policy's order.
	Pools        []Allocation  `json:"pools"`
	TotalWeight  *big.Int      `json:"total_weight"`
	Explanations []Explanation `json:"explanations"` // agents by ID, then identities
}

// Amount returns what one recipient gets (0 if it gets nothing).
func (r *Result) Amount(kind, recipient string) int64 {
	for _, a := range r.Allocations {
		if a.Kind == kind && a.Recipient == recipient {
			return a.Amount
		}
	}
	return 0
}

// u128 is an unsigned 128-bit integer: weights are points (< 2^40) times
// decay factors (<= 2^52), summed over at most 2^24 contributions.
type u128 struct{ hi, lo uint64 }

func (a u128) add(b u128) u128 {
	lo, c := bits.Add64(a.lo, b.lo, 0)
	hi, _ := bits.Add64(a.hi, b.hi, c)
	return u128{hi, lo}
}

func mul64(a, b uint64) u128 {
	hi, lo := bits.Mul64(a, b)
	return u128{hi, lo}
}

func (a u128) big() *big.Int {
	z := new(big.Int).SetUint64(a.hi)
	return z.Lsh(z, 64).Or(z, new(big.Int).SetUint64(a.lo))
}

func (a u128) isZero() bool { return a.hi == 0 && a.lo == 0 }

// Distribute splits in.Income by the policy: first among the pools by the
// split's exact fractions, then the contributors' pool among contributors
// by their weights, both with Allocate, so every minor unit of the income
// is allocated exactly once. Per contribution: points from its kind's
// equation (on quantities clamped to their maxima), times the decay factor
// of its age; per contributor and period, raw points over the cap scale
// that period down. The result does not depend on the order of
// in.Contributions. It returns *meent.Error with code EINVALID for a bad
// input, an equation that fails or goes out of range on a contribution
// (naming it), or a contributors' share with nobody to give it to.
func Distribute(c *Compiled, in Input) (Result, error) {
	d, err := newRun(c, in)
	if err != nil {
		return Result{}, err
	}
	return d.result()
}

// run is one distribution in progress. Per-contribution slices are
// indexed like in.Contributions: walking the input in its own order keeps
// memory access sequential; only the ID order (ord, rank) is needed for
// the digest and for tie-breaks.
type run struct {
	c    *Compiled
	in   Input
	cs   []Contribution
	ord  []int32 // ord[k]: index in cs of the k-th contribution by ID
	rank []int32 // rank[i]: position of cs[i] by ID

	rec      []int32 // recipient index
	recs     []recipient
	raw      []int64 // raw points
	age      []int32 // whole days
	clamped  []bool
	excluded []bool              // the author matches the policy's exclude list
	leaves   [][sha256.Size]byte // leaves[k]: SHA-256 of the k-th contribution's canonical JSON by ID
	digest   string
}

type recipient struct {
	id, kind string
	key      string // for Allocate's tie-break: "agent:<id>" or "identity:<id>"
}

func invalid(format string, args ...any) error {
	return meent.Errorf(meent.EINVALID, "distribution: "+format, args...)
}

func newRun(c *Compiled, in Input) (*run, error) {
	r, err := prepare(c, in)
	if err != nil {
		return nil, err
	}
	r.mapRecipients()
	if err := r.evaluate(); err != nil {
		return nil, err
	}
	r.digest, r.leaves = r.digestHex(), nil
	return r, nil
}

// prepare checks the input and sorts it by ID.
func prepare(c *Compiled, in Input) (*run, error) {
	if c == nil {
		return nil, invalid("no policy")
	}
	if in.Income.Amount < 0 {
		return nil, invalid("the income must not be negative")
	}
	if !currencyCode(in.Income.Currency) {
		return nil, invalid("the currency %q is not a three-letter code", in.Income.Currency)
	}
	if in.AsOf < 0 || in.AsOf > MaxTime {
		return nil, invalid("the as-of time %d is out of range", in.AsOf)
	}
	n := len(in.Contributions)
	if n > MaxContributions {
		return nil, invalid("more than %d contributions", MaxContributions)
	}
	r := &run{c: c, in: in, cs: in.Contributions}
	if dup, ok := r.sortByID(); ok {
		return nil, invalid("contribution %q appears twice", dup)
	}
	if err := r.scan(func(_, i int) error { return checkContribution(&r.cs[i]) }); err != nil {
		return nil, err
	}
	return r, nil
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

// workers is how many goroutines share per-item work over n items.
func workers(n int) int {
	return max(1, min(runtime.GOMAXPROCS(0), n/4096))
}

// parallel runs f over [0, n) in contiguous chunks, one per worker.
func parallel(n int, f func(lo, hi int)) {
	w := workers(n)
	var wg sync.WaitGroup
	for i := range w {
		lo, hi := n*i/w, n*(i+1)/w
		wg.Go(func() { f(lo, hi) })
	}
	wg.Wait()
}

// scan runs f on every contribution, f(x, i) in worker x, and, if any
// fail, returns the error of the one with the smallest ID, so the error
// does not depend on the input's order or on scheduling.
func (r *run) scan(f func(x, i int) error) error {
	w := workers(len(r.cs))
	type failure struct {
		i   int
		err error
	}
	fails := make([]failure, w)
	var wg sync.WaitGroup
	for x := range w {
		lo, hi := len(r.cs)*x/w, len(r.cs)*(x+1)/w
		wg.Go(func() {
			best := failure{i: -1}
			for i := lo; i < hi; i++ {
				if err := f(x, i); err != nil && (best.i < 0 || r.rank[i] < r.rank[best.i]) {
					best = failure{i, err}
				}
			}
			fails[x] = best
		})
	}
	wg.Wait()
	best := failure{i: -1}
	for _, f := range fails {
		if f.i >= 0 && (best.i < 0 || r.rank[f.i] < r.rank[best.i]) {
			best = f
		}
	}
	return best.err
}

// sortByID fills r.ord and r.rank, and returns the smallest ID that
// appears more than once, if any. It sorts (prefix, ID, index) keys, the
// prefix being the ID's first 8 bytes as a big-endian number, so most
// comparisons never leave the key array; two halves are sorted at once
// and merged.
func (r *run) sortByID() (dup string, found bool) {
	n := len(r.cs)
	type key struct {
		pre uint64
		id  string
		i   int32
	}
	keys := make([]key, n)
	for i := range r.cs {
		id := r.cs[i].ID
		var pre uint64
		for j := range 8 {
			pre <<= 8
			if j < len(id) {
				pre |= uint64(id[j])
			}
		}
		keys[i] = key{pre, id, int32(i)}
	}
	compare := func(a, b key) int {
		if a.pre != b.pre {
			return cmp.Compare(a.pre, b.pre)
		}
		return strings.Compare(a.id, b.id)
	}
	mid := n
	if workers(n) > 1 {
		mid = n / 2
		var wg sync.WaitGroup
		wg.Go(func() { slices.SortFunc(keys[:mid], compare) })
		slices.SortFunc(keys[mid:], compare)
		wg.Wait()
	} else {
		slices.SortFunc(keys, compare)
	}
	r.ord = make([]int32, n)
	r.rank = make([]int32, n)
	a, b := keys[:mid], keys[mid:]
	var prev key
	for k := range r.ord {
		var next key
		if len(b) == 0 || (len(a) > 0 && compare(a[0], b[0]) <= 0) {
			next, a = a[0], a[1:]
		} else {
			next, b = b[0], b[1:]
		}
		if k > 0 && !found && next.pre == prev.pre && next.id == prev.id {
			dup, found = next.id, true
		}
		r.ord[k], r.rank[next.i], prev = next.i, int32(k), next
	}
	return dup, found
}

func checkContribution(c *Contribution) error {
	bad := func(format string, args ...any) error {
		name := c.ID
		if len(name) > 64 {
			name = name[:64] + "..."
		}
		return invalid("contribution %q: "+format, append([]any{name}, args...)...)
	}
	switch {
	case c.ID == "" || len(c.ID) > MaxIDLen || !utf8.ValidString(c.ID):
		return bad("the ID must be 1 to %d bytes of UTF-8", MaxIDLen)
	case (c.Contributor == "") == (c.Identity == ""):
		return bad("exactly one of contributor and identity must be set")
	case len(c.Contributor) > MaxIDLen || len(c.Identity) > MaxIDLen || !utf8.ValidString(c.Contributor) || !utf8.ValidString(c.Identity):
		return bad("the contributor or identity must be at most %d bytes of UTF-8", MaxIDLen)
	case c.Kind == "" || len(c.Kind) > MaxKindLen || !utf8.ValidString(c.Kind):
		return bad("the kind must be 1 to %d bytes of UTF-8", MaxKindLen)
	case c.Minutes < 0 || c.LinesAdded < 0 || c.LinesRemoved < 0 || c.Endorsements < 0 || c.Approvals < 0 || c.NeedBounty < 0 || c.Amount < 0:
		return bad("quantities must not be negative")
	case c.Submitted < 0 || c.Submitted > MaxTime:
		return bad("the submission time %d is out of range", c.Submitted)
	}
	return nil
}

// mapRecipients numbers the recipients (in input order; the numbering
// never shows, results are sorted by key).
func (r *run) mapRecipients() {
	r.rec = make([]int32, len(r.cs))
	agents := map[string]int32{}
	identities := map[string]int32{}
	for i := range r.cs {
		c := &r.cs[i]
		m, id, kind := agents, c.Contributor, RecipientAgent
		if id == "" {
			m, id, kind = identities, c.Identity, RecipientIdentity
		}
		j, ok := m[id]
		if !ok {
			j = int32(len(r.recs))
			m[id] = j
			r.recs = append(r.recs, recipient{id: id, kind: kind, key: kind + ":" + id})
		}
		r.rec[i] = j
	}
}

// evaluate computes every contribution's raw points and age.
func (r *run) evaluate() error {
	n := len(r.cs)
	r.raw = make([]int64, n)
	r.age = make([]int32, n)
	r.clamped = make([]bool, n)
	r.excluded = make([]bool, n)
	r.leaves = make([][sha256.Size]byte, n)
	type worker struct {
		a        activation
		lastKind string
		eq       *equation
		buf      []byte
	}
	ws := make([]*worker, workers(n)) // apart, so workers do not share cache lines
	for x := range ws {
		ws[x] = new(worker)
	}
	return r.scan(func(x, i int) error {
		w := ws[x]
		c := &r.cs[i]
		w.buf = appendContribution(w.buf[:0], c)
		r.leaves[r.rank[i]] = sha256.Sum256(w.buf)
		age := int64(0)
		if r.in.AsOf > c.Submitted {
			age = (r.in.AsOf - c.Submitted) / dayMillis
		}
		r.age[i] = int32(age) // at most MaxTime / dayMillis
		if w.eq == nil || c.Kind != w.lastKind {
			w.lastKind, w.eq = c.Kind, r.c.byKind[c.Kind]
			if w.eq == nil {
				w.eq = r.c.def
			}
			w.a.kind = types.String(c.Kind)
		}
		author := c.Contributor
		if author == "" {
			author = c.Identity
		}
		w.a.author = types.String(author)
		if r.c.excluded(author) {
			// Excluded by the policy: no points, whatever the equation.
			r.excluded[i] = true
			r.raw[i] = 0
			return nil
		}
		q := [numInts]int64{c.Minutes, c.LinesAdded, c.LinesRemoved, c.Endorsements, c.Approvals, age, c.NeedBounty, c.Amount}
		clamped := false
		for j, v := range q {
			if m := variables[j].max; v > m {
				v = m
				if j != vAgeDays {
					clamped = true
				}
			}
			w.a.ints[j] = types.Int(v)
		}
		r.clamped[i] = clamped
		p, err := w.eq.points(&w.a)
		if err != nil {
			return invalid("contribution %q: %v", c.ID, err)
		}
		r.raw[i] = p
		return nil
	})
}

// result groups the contributions by recipient, applies decay and caps,
// and splits the income.
func (r *run) result() (Result, error) {
	n, nr := len(r.cs), len(r.recs)
	// Group by recipient with a counting sort.
	start := make([]int32, nr+1)
	for _, j := range r.rec {
		start[j+1]++
	}
	for j := range nr {
		start[j+1] += start[j]
	}
	byRec := make([]int32, n)
	next := slices.Clone(start[:nr])
	for i, j := range r.rec {
		byRec[next[j]] = int32(i)
		next[j]++
	}
	next = nil
	counted := make([]Counted, n)
	exps := make([]Explanation, nr)
	weights := make([]u128, nr)
	capPoints := r.c.policy.CapPoints
	periodMs := r.c.policy.PeriodDays * dayMillis
	parallel(nr, func(lo, hi int) {
		for j := lo; j < hi; j++ {
			is := byRec[start[j]:start[j+1]]
			// By submission time, then ID.
			slices.SortFunc(is, func(a, b int32) int {
				if c := cmp.Compare(r.cs[a].Submitted, r.cs[b].Submitted); c != 0 {
					return c
				}
				return cmp.Compare(r.rank[a], r.rank[b])
			})
			out := counted[start[j]:start[j+1]:start[j+1]]
			var w u128
			var capped []CappedPeriod
			for x := 0; x < len(is); {
				// One period (or, without caps, everything): [x, e).
				e := len(is)
				var period int64
				if capPoints > 0 {
					period = r.cs[is[x]].Submitted / periodMs
					for e = x + 1; e < len(is) && r.cs[is[e]].Submitted/periodMs == period; e++ {
					}
				}
				var pts, dec u128
				for y := x; y < e; y++ {
					i := is[y]
					c := &r.cs[i]
					f := r.c.decay.factor(int64(r.age[i]))
					out[y] = Counted{ID: c.ID, Kind: c.Kind, Submitted: c.Submitted, AgeDays: r.age[i], Points: r.raw[i], Decay: f, Clamped: r.clamped[i], Excluded: r.excluded[i]}
					pts = pts.add(u128{0, uint64(r.raw[i])})
					dec = dec.add(mul64(uint64(r.raw[i]), f))
				}
				if capPoints > 0 && (pts.hi > 0 || pts.lo > uint64(capPoints)) {
					pb, db := pts.big(), dec.big()
					cnt := new(big.Int).Mul(db, big.NewInt(capPoints))
					cnt.Quo(cnt, pb)
					capped = append(capped, CappedPeriod{Period: period, Start: period * periodMs, Points: pb, Decayed: db, Counted: cnt})
					for y := x; y < e; y++ {
						out[y].Capped = true
					}
					w = w.add(u128{new(big.Int).Rsh(cnt, 64).Uint64(), cnt.Uint64()})
				} else {
					w = w.add(dec)
				}
				x = e
			}
			weights[j] = w
			rc := r.recs[j]
			exps[j] = Explanation{Recipient: rc.id, Kind: rc.kind, Contributions: out, Capped: capped, Weight: w.big()}
		}
	})

	// The income split among pools, by the exact fractions.
	res := Result{Digest: r.digest, Income: r.in.Income, AsOf: r.in.AsOf}
	pools := r.c.pools
	shares := make([]Share, len(pools))
	for i, p := range pools {
		shares[i] = Share{Recipient: p.name, Weight: p.weight}
	}
	amounts, err := Allocate(r.in.Income.Amount, shares)
	if err != nil {
		return Result{}, meent.Errorf(meent.EINTERNAL, "distribution: split: %v", err)
	}
	var contributorsPool int64
	for i, p := range pools {
		res.Pools = append(res.Pools, Allocation{Recipient: p.name, Kind: RecipientPool, Amount: amounts[i]})
		if p.name == PoolContributors {
			contributorsPool = amounts[i]
			continue
		}
		res.Allocations = append(res.Allocations, Allocation{Recipient: p.name, Kind: RecipientPool, Amount: amounts[i]})
	}

	// The contributors' pool among contributors, by their weights.
	var total u128
	for _, w := range weights {
		total = total.add(w)
	}
	res.TotalWeight = total.big()
	if contributorsPool > 0 && total.isZero() {
		return Result{}, invalid("the contributors' share is %d but no contribution has any weight", contributorsPool)
	}
	// Recipients in a fixed order: agents by ID, then identities.
	order := make([]int, nr)
	for j := range order {
		order[j] = j
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(r.recs[a].key, r.recs[b].key) })
	cshares := make([]Share, nr)
	for x, j := range order {
		cshares[x] = Share{Recipient: r.recs[j].key, Weight: exps[j].Weight}
	}
	camounts := make([]int64, nr)
	if nr > 0 {
		camounts, err = Allocate(contributorsPool, cshares)
		if err != nil {
			return Result{}, meent.Errorf(meent.EINTERNAL, "distribution: contributors: %v", err)
		}
	}
	res.Explanations = make([]Explanation, nr)
	tb, pb := res.TotalWeight, big.NewInt(contributorsPool)
	for x, j := range order {
		e := exps[j]
		e.Amount = camounts[x]
		if tb.Sign() > 0 {
			e.Share = percent(e.Weight, tb)
			floor := new(big.Int).Mul(pb, e.Weight)
			floor.Quo(floor, tb)
			e.ExtraUnit = e.Amount > floor.Int64()
		} else {
			e.Share = zeroPercent
		}
		res.Explanations[x] = e
		res.Allocations = append(res.Allocations, Allocation{Recipient: e.Recipient, Kind: e.Kind, Amount: e.Amount})
	}
	return res, nil
}

// percent is num/den as a percentage truncated to 6 decimals.
func percent(num, den *big.Int) string {
	q := new(big.Int).Mul(num, big.NewInt(100_000_000))
	q.Quo(q, den)
	s := q.String()
	if len(s) < 7 {
		s = strings.Repeat("0", 7-len(s)) + s
	}
	return s[:len(s)-6] + "." + s[len(s)-6:] + "%"
}

// digestHex is the digest (see Canonical) in hex.
func (r *run) digestHex() string {
	h := sha256.New()
	h.Write(r.appendHead(nil))
	for k := range r.leaves {
		h.Write(r.leaves[k][:])
	}
	return hex.EncodeToString(h.Sum(nil))
}

// appendHead appends the head of the canonical input.
func (r *run) appendHead(b []byte) []byte {
	b = append(b, `{"format":1,"policy":`...)
	b = append(b, r.c.encoded...)
	b = append(b, `,"income":{"amount":`...)
	b = strconv.AppendInt(b, r.in.Income.Amount, 10)
	b = append(b, `,"currency":`...)
	b = appendString(b, r.in.Income.Currency)
	b = append(b, `},"as_of":`...)
	b = strconv.AppendInt(b, r.in.AsOf, 10)
	b = append(b, `,"contributions":`...)
	b = strconv.AppendInt(b, int64(len(r.cs)), 10)
	return append(b, '}')
}

// appendContribution appends c's canonical JSON, the same bytes as
// json.Marshal from github.com/go-json-experiment/json gives.
func appendContribution(b []byte, c *Contribution) []byte {
	b = append(b, `{"id":`...)
	b = appendString(b, c.ID)
	if c.Contributor != "" {
		b = append(b, `,"contributor":`...)
		b = appendString(b, c.Contributor)
	}
	if c.Identity != "" {
		b = append(b, `,"identity":`...)
		b = appendString(b, c.Identity)
	}
	b = append(b, `,"kind":`...)
	b = appendString(b, c.Kind)
	for _, f := range [...]struct {
		name string
		v    int64
	}{
		{`,"minutes":`, c.Minutes}, {`,"lines_added":`, c.LinesAdded}, {`,"lines_removed":`, c.LinesRemoved},
		{`,"endorsements":`, c.Endorsements}, {`,"approvals":`, c.Approvals}, {`,"need_bounty":`, c.NeedBounty},
		{`,"amount":`, c.Amount}, {`,"submitted":`, c.Submitted},
	} {
		b = append(b, f.name...)
		b = strconv.AppendInt(b, f.v, 10)
	}
	return append(b, '}')
}

// appendString appends s as a JSON string the way jsontext does by
// default: only '"', '\\' and control characters are escaped. Strings
// were checked to be valid UTF-8.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= 0x80 {
			out, err := jsontext.AppendQuote(b, s)
			if err != nil {
				panic("value: invalid UTF-8 reached the digest") // checked before
			}
			return out
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// Canonical returns the canonical input of a distribution, the bytes its
// digest is computed from, as JSON lines. The first line is the head:
//
//	{"format":1,"policy":<policy>,"income":{"amount":A,"currency":"C"},"as_of":T,"contributions":N}
//
// with the policy's canonical JSON (Policy.Encode). Then comes one line per
// contribution, sorted by ID in byte order, each the contribution's JSON
// (see Contribution). There is no insignificant space; every line ends in
// "\n". The digest is
//
//	SHA-256( head || SHA-256(line 1) || SHA-256(line 2) || ... )
//
// where head and the lines are without their "\n" and each inner hash is
// its 32 raw bytes. Hashing each line on its own lets a node hash the
// lines in parallel and in the order it holds them; an auditor rebuilds
// the lines from the log and recomputes the digest in a few lines of code
// (docs/value.md has one).
func Canonical(c *Compiled, in Input) ([]byte, error) {
	r, err := prepare(c, in)
	if err != nil {
		return nil, err
	}
	b := append(r.appendHead(nil), '\n')
	for _, i := range r.ord {
		b = append(appendContribution(b, &r.cs[i]), '\n')
	}
	return b, nil
}

// Preview runs the same input under the current and a proposed policy,
// for "saving this version changes your share from ... to ...". It returns
// every recipient of either run: pools first, then agents by ID, then
// identities.
func Preview(old, next *Compiled, in Input) ([]Change, error) {
	before, err := Distribute(old, in)
	if err != nil {
		return nil, prefixError("with the current policy: ", err)
	}
	after, err := Distribute(next, in)
	if err != nil {
		return nil, prefixError("with the new policy: ", err)
	}
	type key struct{ kind, id string }
	m := map[key]*Change{}
	var keys []key
	get := func(kind, id string) *Change {
		k := key{kind, id}
		ch := m[k]
		if ch == nil {
			ch = &Change{Recipient: id, Kind: kind, Before: Portion{Share: zeroPercent}, After: Portion{Share: zeroPercent}}
			m[k] = ch
			keys = append(keys, k)
		}
		return ch
	}
	fill := func(c *Compiled, res Result, side func(*Change) *Portion) {
		contributors := new(big.Rat)
		for _, p := range c.pools {
			if p.name == PoolContributors {
				contributors = p.frac
			}
			*side(get(RecipientPool, p.name)) = Portion{Share: ratPercent(p.frac)}
		}
		for _, a := range res.Allocations {
			side(get(a.Kind, a.Recipient)).Amount = a.Amount
		}
		if res.TotalWeight.Sign() == 0 {
			return
		}
		for _, e := range res.Explanations {
			share := new(big.Rat).SetFrac(e.Weight, res.TotalWeight)
			side(get(e.Kind, e.Recipient)).Share = ratPercent(share.Mul(share, contributors))
		}
	}
	fill(old, before, func(c *Change) *Portion { return &c.Before })
	fill(next, after, func(c *Change) *Portion { return &c.After })
	kindOrder := map[string]int{RecipientPool: 0, RecipientAgent: 1, RecipientIdentity: 2}
	slices.SortFunc(keys, func(a, b key) int {
		if c := cmp.Compare(kindOrder[a.kind], kindOrder[b.kind]); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	})
	out := make([]Change, len(keys))
	for i, k := range keys {
		out[i] = *m[k]
	}
	return out, nil
}

// Change is what one recipient gets before and after a policy change.
type Change struct {
	Recipient string  `json:"recipient"`
	Kind      string  `json:"kind"` // agent, identity or pool
	Before    Portion `json:"before"`
	After     Portion `json:"after"`
}

// Portion is a recipient's part of an income under one policy.
type Portion struct {
	Amount int64  `json:"amount"` // of the previewed income
	Share  string `json:"share"`  // of every income, as a percentage truncated to 6 decimals
}

const zeroPercent = "0.000000%"

func ratPercent(r *big.Rat) string { return percent(r.Num(), r.Denom()) }

// prefixError puts context in front of an error's user message.
func prefixError(prefix string, err error) error {
	var e *meent.Error
	if errors.As(err, &e) {
		return &meent.Error{Code: e.Code, Message: prefix + e.Message, Err: e.Err}
	}
	return fmt.Errorf("%s%w", prefix, err)
}

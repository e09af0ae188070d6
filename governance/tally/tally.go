package tally

import (
	"cmp"
	"crypto/sha256"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
)

// The counting methods.
const (
	Consent    = "consent"     // consent, objection, block, abstain; a block stops it unless overridden
	Majority   = "majority"    // yes, no, abstain against a threshold
	Approval   = "approval"    // approve any number of options; most approvals win
	Score      = "score"       // score each option 0..MaxScore; highest total wins
	Dots       = "dots"        // spread at most Dots dots over the options; most dots win
	Ranked     = "ranked"      // rank options; instant runoff (one seat) or STV (several)
	SenseCheck = "sense_check" // pick one option; counted, decides nothing
)

// Methods lists every method, sorted.
var Methods = []string{Approval, Consent, Dots, Majority, Ranked, Score, SenseCheck}

// The choices of a consent ballot.
const (
	ChoiceConsent   = "consent"
	ChoiceObjection = "objection" // a stated concern; does not stop the decision
	ChoiceBlock     = "block"     // stops the decision unless the override rule is met
	ChoiceAbstain   = "abstain"
)

// The choices of a majority ballot (ChoiceAbstain too).
const (
	ChoiceYes = "yes"
	ChoiceNo  = "no"
)

// The kinds of majority.
const (
	MajoritySimple   = "simple"   // yes > 1/2 of yes+no unless Threshold says otherwise
	MajorityAbsolute = "absolute" // yes > 1/2 of the whole electorate
	MajoritySuper    = "super"    // yes against Threshold (required) of yes+no
)

// Threshold is an exact share: Num/Den, met by a share strictly above it,
// or at least equal to it when Inclusive.
type Threshold struct {
	Num       int64 `json:"num"`
	Den       int64 `json:"den"`
	Inclusive bool  `json:"inclusive,omitzero"`
}

// Check reports whether Threshold is a share in [0, 1].
func (t Threshold) Check() error {
	if t.Den <= 0 || t.Num < 0 || t.Num > t.Den {
		return fmt.Errorf("threshold %d/%d is not a share between 0 and 1", t.Num, t.Den)
	}
	return nil
}

// Met reports whether part/whole meets the threshold, in integers:
// part*Den > Num*whole (or >= when Inclusive). A whole of 0 meets nothing
// but a threshold of 0 that is inclusive.
func (t Threshold) Met(part, whole int64) bool {
	if whole == 0 {
		return t.Num == 0 && t.Inclusive
	}
	l := new(big.Int).Mul(big.NewInt(part), big.NewInt(t.Den))
	r := new(big.Int).Mul(big.NewInt(t.Num), big.NewInt(whole))
	c := l.Cmp(r)
	return c > 0 || (c == 0 && t.Inclusive)
}

// String writes the threshold as people read it: "more than 1/2",
// "at least 3/4".
func (t Threshold) String() string {
	if t.Inclusive {
		return fmt.Sprintf("at least %d/%d", t.Num, t.Den)
	}
	return fmt.Sprintf("more than %d/%d", t.Num, t.Den)
}

// Rule is how a poll is counted: its method and the method's parameters.
// Options are the option names (a consent or majority poll has none: its
// choices are fixed).
type Rule struct {
	Method  string   `json:"method"`
	Options []string `json:"options,omitempty"`
	// Seats is how many options win (approval, score, dots, ranked);
	// 0 means 1.
	Seats int `json:"seats,omitzero"`
	// Majority is the kind of majority (MajoritySimple when empty).
	Majority string `json:"majority,omitempty"`
	// Threshold is the share of yes a majority needs (defaults: more than
	// 1/2), or the share of consents that overrides a block in a consent
	// poll (none: any block stops it).
	Threshold *Threshold `json:"threshold,omitempty"`
	// Quorum is the share of the electorate that must be counted (abstentions
	// count); none: no quorum.
	Quorum   *Threshold `json:"quorum,omitempty"`
	MaxScore int        `json:"max_score,omitzero"` // score: the highest score
	Dots     int        `json:"dots,omitzero"`      // dots: how many dots each voter has
}

// Limits on a rule, so that a poll cannot ask the rules for unbounded work.
const (
	MaxOptions = 100
	MaxOption  = 200 // bytes in an option's name
	MaxPoints  = 1000
)

// seats returns the number of winners.
func (r Rule) seats() int {
	if r.Seats <= 0 {
		return 1
	}
	return r.Seats
}

// Check reports what is wrong with a rule, in a sentence a user can read.
func (r Rule) Check() error {
	switch r.Method {
	case Consent, Majority:
		if len(r.Options) > 0 {
			return fmt.Errorf("a %s poll has fixed choices; give no options", r.Method)
		}
	case Approval, Score, Dots, Ranked, SenseCheck:
		if len(r.Options) < 2 {
			return fmt.Errorf("a %s poll needs at least 2 options", r.Method)
		}
		if len(r.Options) > MaxOptions {
			return fmt.Errorf("a poll has at most %d options", MaxOptions)
		}
		seen := map[string]bool{}
		for _, o := range r.Options {
			if strings.TrimSpace(o) == "" || len(o) > MaxOption {
				return fmt.Errorf("an option is a name of 1 to %d bytes", MaxOption)
			}
			if seen[o] {
				return fmt.Errorf("option %q is given twice", o)
			}
			seen[o] = true
		}
	default:
		return fmt.Errorf("unknown method %q (one of %s)", r.Method, strings.Join(Methods, ", "))
	}
	if r.Seats < 0 || r.Seats > 1 && r.Seats >= len(r.Options) {
		return fmt.Errorf("seats must be at least 1 and fewer than the options")
	}
	if r.Seats > 1 && r.Method != Approval && r.Method != Score && r.Method != Dots && r.Method != Ranked {
		return fmt.Errorf("a %s poll has no seats", r.Method)
	}
	switch r.Method {
	case Majority:
		switch r.Majority {
		case "", MajoritySimple, MajorityAbsolute:
		case MajoritySuper:
			if r.Threshold == nil {
				return fmt.Errorf("a super-majority needs its threshold (for example 2/3, inclusive)")
			}
		default:
			return fmt.Errorf("unknown majority %q (simple, absolute or super)", r.Majority)
		}
	case Consent:
		if r.Majority != "" {
			return fmt.Errorf("a consent poll has no kind of majority")
		}
	default:
		if r.Threshold != nil || r.Majority != "" {
			return fmt.Errorf("a %s poll has no threshold", r.Method)
		}
	}
	if r.Threshold != nil {
		if err := r.Threshold.Check(); err != nil {
			return err
		}
	}
	if r.Quorum != nil {
		if err := r.Quorum.Check(); err != nil {
			return fmt.Errorf("quorum: %w", err)
		}
	}
	if (r.MaxScore != 0) != (r.Method == Score) || r.MaxScore < 0 || r.MaxScore > MaxPoints {
		return fmt.Errorf("a score poll, and only one, has a highest score from 1 to %d", MaxPoints)
	}
	if (r.Dots != 0) != (r.Method == Dots) || r.Dots < 0 || r.Dots > MaxPoints {
		return fmt.Errorf("a dots poll, and only one, gives each voter 1 to %d dots", MaxPoints)
	}
	return nil
}

// Mark is one option's mark on a ballot: 1 for an approval, the score, or
// the number of dots.
type Mark struct {
	Option string `json:"option"`
	N      int    `json:"n"`
}

// Ballot is what one voter chose. Which field is used depends on the
// method: Choice for consent, majority and the sense check; Ranking for
// ranked choice (most preferred first); Marks for approval, score and dots.
type Ballot struct {
	Choice  string   `json:"choice,omitempty"`
	Ranking []string `json:"ranking,omitempty"`
	Marks   []Mark   `json:"marks,omitempty"`
}

// Check reports what is wrong with a ballot under the rule.
func (r Rule) CheckBallot(b Ballot) error {
	known := func(o string) bool { return slices.Contains(r.Options, o) }
	only := func(choice, ranking, marks bool) error {
		if !choice && b.Choice != "" || !ranking && len(b.Ranking) > 0 || !marks && len(b.Marks) > 0 {
			return fmt.Errorf("a %s ballot has only %s", r.Method, map[string]string{Consent: "a choice", Majority: "a choice", SenseCheck: "a choice", Ranked: "a ranking", Approval: "marks", Score: "marks", Dots: "marks"}[r.Method])
		}
		return nil
	}
	switch r.Method {
	case Consent:
		if err := only(true, false, false); err != nil {
			return err
		}
		switch b.Choice {
		case ChoiceConsent, ChoiceObjection, ChoiceBlock, ChoiceAbstain:
			return nil
		}
		return fmt.Errorf("a consent ballot is consent, objection, block or abstain, not %q", b.Choice)
	case Majority:
		if err := only(true, false, false); err != nil {
			return err
		}
		switch b.Choice {
		case ChoiceYes, ChoiceNo, ChoiceAbstain:
			return nil
		}
		return fmt.Errorf("a majority ballot is yes, no or abstain, not %q", b.Choice)
	case SenseCheck:
		if err := only(true, false, false); err != nil {
			return err
		}
		if !known(b.Choice) && b.Choice != ChoiceAbstain {
			return fmt.Errorf("%q is not an option of this poll", b.Choice)
		}
		return nil
	case Ranked:
		if err := only(false, true, false); err != nil {
			return err
		}
		if len(b.Ranking) == 0 {
			return errors.New("a ranking names at least one option")
		}
		seen := map[string]bool{}
		for _, o := range b.Ranking {
			if !known(o) {
				return fmt.Errorf("%q is not an option of this poll", o)
			}
			if seen[o] {
				return fmt.Errorf("option %q is ranked twice", o)
			}
			seen[o] = true
		}
		return nil
	case Approval, Score, Dots:
		if err := only(false, false, true); err != nil {
			return err
		}
		seen := map[string]bool{}
		total := 0
		for _, m := range b.Marks {
			if !known(m.Option) {
				return fmt.Errorf("%q is not an option of this poll", m.Option)
			}
			if seen[m.Option] {
				return fmt.Errorf("option %q is marked twice", m.Option)
			}
			seen[m.Option] = true
			switch r.Method {
			case Approval:
				if m.N != 1 {
					return fmt.Errorf("an approval is 1, not %d", m.N)
				}
			case Score:
				if m.N < 0 || m.N > r.MaxScore {
					return fmt.Errorf("a score is from 0 to %d, not %d", r.MaxScore, m.N)
				}
			case Dots:
				if m.N < 1 {
					return fmt.Errorf("an option gets at least 1 dot, not %d", m.N)
				}
			}
			total += m.N
		}
		if r.Method == Dots && total > r.Dots {
			return fmt.Errorf("%d dots given; each voter has %d", total, r.Dots)
		}
		return nil
	}
	return fmt.Errorf("unknown method %q", r.Method)
}

// Cast is a ballot as counted: the voter it counts for, and the delegate
// whose ballot it is when the voter did not vote themselves.
type Cast struct {
	Voter  string `json:"voter"`
	Via    string `json:"via,omitempty"`
	Ballot Ballot `json:"ballot"`
}

// Count is one option's total: approvals, score points, dots or
// choices, or first preferences of a ranked count.
type Count struct {
	Option string `json:"option"`
	Votes  int64  `json:"votes"`
}

// Result is a count and its explanation.
type Result struct {
	Method     string `json:"method"`
	Electorate int    `json:"electorate"`
	// Counted is the number of ballots counted (abstentions included).
	Counted   int  `json:"counted"`
	QuorumMet bool `json:"quorum_met"`
	// Decides is false for a sense check: its outcome binds nobody.
	Decides bool     `json:"decides"`
	Passed  bool     `json:"passed"`
	Winners []string `json:"winners,omitempty"`
	Counts  []Count  `json:"counts"`
	// Ranked is the round-by-round table of a ranked count.
	Ranked *RankedCount `json:"ranked,omitempty"`
	// Why says, in sentences, how the outcome follows from the counts.
	Why []string `json:"why"`
	// Casts is every counted ballot, by voter. A poll stores them as its
	// votes' children, not inside the result.
	Casts []Cast `json:"-"`
}

// Tally counts the casts of a poll with electorate members under rule r.
// Seed makes the lot that breaks a last tie (see LotOrder): the poll's ID.
// The result is the same whatever the order of casts. The casts must
// have passed CheckBallot and name each voter once.
func Tally(r Rule, electorate int, casts []Cast, seed string) (*Result, error) {
	if err := r.Check(); err != nil {
		return nil, err
	}
	casts = slices.Clone(casts)
	slices.SortFunc(casts, func(a, b Cast) int { return strings.Compare(a.Voter, b.Voter) })
	for i, c := range casts {
		if i > 0 && casts[i-1].Voter == c.Voter {
			return nil, fmt.Errorf("voter %s is counted twice", c.Voter)
		}
		if err := r.CheckBallot(c.Ballot); err != nil {
			return nil, fmt.Errorf("ballot of %s: %w", c.Voter, err)
		}
	}
	res := &Result{Method: r.Method, Electorate: electorate, Counted: len(casts), Decides: r.Method != SenseCheck, Casts: casts}
	res.QuorumMet = r.Quorum == nil || r.Quorum.Met(int64(len(casts)), int64(electorate))
	if r.Quorum != nil {
		verdict := "met"
		if !res.QuorumMet {
			verdict = "not met"
		}
		res.Why = append(res.Why, fmt.Sprintf("Quorum %s of %d members: %d counted, %s.", r.Quorum, electorate, len(casts), verdict))
	}
	switch r.Method {
	case Consent:
		countConsent(r, res)
	case Majority:
		countMajority(r, res)
	case SenseCheck:
		countChoices(r, res, append(slices.Clone(r.Options), ChoiceAbstain))
		res.Why = append(res.Why, "A sense check decides nothing: it shows where the members stand.")
	case Approval, Score, Dots:
		countMarks(r, res, seed)
	case Ranked:
		countRanked(r, res, seed)
	}
	if !res.QuorumMet {
		res.Passed = false
	}
	return res, nil
}

// countChoices fills res.Counts with how many casts chose each of choices.
func countChoices(r Rule, res *Result, choices []string) map[string]int64 {
	n := map[string]int64{}
	for _, c := range res.Casts {
		n[c.Ballot.Choice]++
	}
	for _, ch := range choices {
		res.Counts = append(res.Counts, Count{ch, n[ch]})
	}
	return n
}

func countConsent(r Rule, res *Result) {
	n := countChoices(r, res, []string{ChoiceConsent, ChoiceObjection, ChoiceBlock, ChoiceAbstain})
	voiced := n[ChoiceConsent] + n[ChoiceObjection] + n[ChoiceBlock]
	switch {
	case n[ChoiceConsent] == 0:
		res.Why = append(res.Why, "Nobody consented.")
	case n[ChoiceBlock] == 0:
		res.Passed = true
		res.Why = append(res.Why, fmt.Sprintf("No block: %d consents, %d objections (recorded, they do not stop it).", n[ChoiceConsent], n[ChoiceObjection]))
	case r.Threshold == nil:
		res.Why = append(res.Why, fmt.Sprintf("%d blocks, and this poll has no override: a block stops it.", n[ChoiceBlock]))
	case r.Threshold.Met(n[ChoiceConsent], voiced):
		res.Passed = true
		res.Why = append(res.Why, fmt.Sprintf("%d blocks overridden: %d of %d who consented, objected or blocked consented, %s.", n[ChoiceBlock], n[ChoiceConsent], voiced, r.Threshold))
	default:
		res.Why = append(res.Why, fmt.Sprintf("%d blocks stand: %d of %d consented, the override needs %s.", n[ChoiceBlock], n[ChoiceConsent], voiced, r.Threshold))
	}
}

func countMajority(r Rule, res *Result) {
	n := countChoices(r, res, []string{ChoiceYes, ChoiceNo, ChoiceAbstain})
	t := Threshold{Num: 1, Den: 2}
	if r.Threshold != nil {
		t = *r.Threshold
	}
	whole, of := n[ChoiceYes]+n[ChoiceNo], "yes and no votes"
	if r.Majority == MajorityAbsolute {
		whole, of = int64(res.Electorate), "members of the electorate"
	}
	res.Passed = t.Met(n[ChoiceYes], whole)
	verdict := "passed"
	if !res.Passed {
		verdict = "not passed"
	}
	kind := r.Majority
	if kind == "" {
		kind = MajoritySimple
	}
	res.Why = append(res.Why, fmt.Sprintf("%s majority: %d yes of %d %s, needs %s: %s.", kind, n[ChoiceYes], whole, of, t, verdict))
}

func countMarks(r Rule, res *Result, seed string) {
	n := map[string]int64{}
	for _, c := range res.Casts {
		for _, m := range c.Ballot.Marks {
			n[m.Option] += int64(m.N)
		}
	}
	for _, o := range r.Options {
		res.Counts = append(res.Counts, Count{o, n[o]})
	}
	order := slices.Clone(res.Counts)
	lot := LotOrder(seed, r.Options)
	slices.SortStableFunc(order, func(a, b Count) int {
		if a.Votes != b.Votes {
			return cmp.Compare(b.Votes, a.Votes)
		}
		return cmp.Compare(lot[b.Option], lot[a.Option])
	})
	for i, c := range order {
		if i == r.seats() || c.Votes == 0 {
			break
		}
		res.Winners = append(res.Winners, c.Option)
		if i+1 < len(order) && order[i+1].Votes == c.Votes && i+1 == r.seats() {
			res.Why = append(res.Why, fmt.Sprintf("%q and %q tie at %d; the lot (docs/governance.md) puts %q first.", c.Option, order[i+1].Option, c.Votes, c.Option))
		}
	}
	res.Passed = len(res.Winners) > 0
	unit := map[string]string{Approval: "approvals", Score: "points", Dots: "dots"}[r.Method]
	for _, w := range res.Winners {
		res.Why = append(res.Why, fmt.Sprintf("%q wins with %d %s.", w, n[w], unit))
	}
	if !res.Passed {
		res.Why = append(res.Why, "No option has any "+unit+".")
	}
}

// LotOrder returns each option's place in the lot that breaks a tie no
// count separates: options ordered by SHA-256 of seed, a zero byte and
// the option's name, ascending. The option with the lower place is the
// lower in a tie: excluded first, elected last. The seed is the poll's
// ID, fixed before any vote.
func LotOrder(seed string, options []string) map[string]int {
	type h struct {
		o string
		d [32]byte
	}
	hs := make([]h, len(options))
	for i, o := range options {
		hs[i] = h{o, sha256.Sum256([]byte(seed + "\x00" + o))}
	}
	slices.SortFunc(hs, func(a, b h) int { return strings.Compare(string(a.d[:]), string(b.d[:])) })
	out := make(map[string]int, len(options))
	for i, x := range hs {
		out[x.o] = i
	}
	return out
}

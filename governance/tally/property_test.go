package tally

import (
	"fmt"
	"math/big"
	"reflect"
	"slices"
	"testing"

	"pgregory.net/rapid"
)

var propOptions = []string{"a", "b", "c", "d", "e"}

// genPoll draws a rule and valid casts for it.
func genPoll(t *rapid.T) (Rule, []Cast) {
	method := rapid.SampledFrom(Methods).Draw(t, "method")
	r := Rule{Method: method}
	if method != Consent && method != Majority {
		r.Options = propOptions[:rapid.IntRange(2, len(propOptions)).Draw(t, "options")]
	}
	switch method {
	case Score:
		r.MaxScore = rapid.IntRange(1, 10).Draw(t, "max")
	case Dots:
		r.Dots = rapid.IntRange(1, 10).Draw(t, "dots")
	case Consent:
		if rapid.Bool().Draw(t, "override") {
			r.Threshold = &Threshold{3, 4, true}
		}
	}
	if (method == Ranked || method == Approval || method == Score || method == Dots) && len(r.Options) > 2 {
		r.Seats = rapid.IntRange(1, len(r.Options)-1).Draw(t, "seats")
	}
	n := rapid.IntRange(0, 40).Draw(t, "voters")
	var casts []Cast
	for i := range n {
		var b Ballot
		switch method {
		case Consent:
			b.Choice = rapid.SampledFrom([]string{ChoiceConsent, ChoiceObjection, ChoiceBlock, ChoiceAbstain}).Draw(t, "c")
		case Majority:
			b.Choice = rapid.SampledFrom([]string{ChoiceYes, ChoiceNo, ChoiceAbstain}).Draw(t, "c")
		case SenseCheck:
			b.Choice = rapid.SampledFrom(r.Options).Draw(t, "c")
		case Ranked:
			perm := rapid.Permutation(r.Options).Draw(t, "perm")
			b.Ranking = perm[:rapid.IntRange(1, len(perm)).Draw(t, "len")]
		default:
			left := r.Dots
			for _, o := range rapid.Permutation(r.Options).Draw(t, "perm") {
				if !rapid.Bool().Draw(t, "mark") {
					continue
				}
				n := 1
				switch method {
				case Score:
					n = rapid.IntRange(0, r.MaxScore).Draw(t, "n")
				case Dots:
					if left == 0 {
						continue
					}
					n = rapid.IntRange(1, left).Draw(t, "n")
					left -= n
				}
				b.Marks = append(b.Marks, Mark{o, n})
			}
		}
		casts = append(casts, Cast{Voter: fmt.Sprintf("v%02d", i), Ballot: b})
	}
	return r, casts
}

// TestTallyOrderFree: the order in which votes arrive changes nothing.
func TestTallyOrderFree(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		r, casts := genPoll(t)
		a, err := Tally(r, 50, casts, "seed")
		if err != nil {
			t.Fatal(err)
		}
		b, err := Tally(r, 50, rapid.Permutation(casts).Draw(t, "shuffled"), "seed")
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("the order changed the result:\n%+v\n%+v", a, b)
		}
	})
}

// TestRankedConserves: at the end of every round of a ranked count, the
// options' votes and the exhausted votes add up to the valid ballots,
// with what truncated weights lost, exactly; the seats are filled when
// there are enough options.
func TestRankedConserves(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		r, casts := genPoll(t)
		if r.Method != Ranked {
			r = Rule{Method: Ranked, Options: propOptions, Seats: 2}
			casts = nil
			for i := range rapid.IntRange(0, 30).Draw(t, "n") {
				perm := rapid.Permutation(propOptions).Draw(t, "perm")
				casts = append(casts, Cast{Voter: fmt.Sprint(i), Ballot: Ballot{Ranking: perm[:rapid.IntRange(1, 5).Draw(t, "len")]}})
			}
		}
		res, err := Tally(r, 50, casts, "seed")
		if err != nil {
			t.Fatal(err)
		}
		valid := big.NewRat(int64(len(casts)), 1)
		for _, round := range res.Ranked.Rounds {
			sum, _ := new(big.Rat).SetString(round.Exhausted)
			lost, _ := new(big.Rat).SetString(round.Rounding)
			sum.Add(sum, lost)
			for _, s := range round.Votes {
				v, _ := new(big.Rat).SetString(s.Votes)
				sum.Add(sum, v)
			}
			if sum.Cmp(valid) != 0 {
				t.Fatalf("round %d holds %s of %s votes", round.Number, sum.RatString(), valid.RatString())
			}
		}
		if len(casts) > 0 && len(res.Winners) != r.seats() {
			t.Fatalf("%d seats, elected %q", r.seats(), res.Winners)
		}
		if len(res.Winners) != len(slices.Compact(slices.Sorted(slices.Values(res.Winners)))) {
			t.Fatalf("elected twice: %q", res.Winners)
		}
	})
}

// TestDelegationNeverTwice: whatever the delegations (chains, cycles,
// delegates outside the electorate), every member is counted at most once,
// a member who voted is counted with their own ballot, and a delegated
// cast carries exactly the ballot of the agent it names.
func TestDelegationNeverTwice(t *testing.T) {
	agents := []string{"a", "b", "c", "d", "e", "f", "g", "x", "y"}
	rapid.Check(t, func(t *rapid.T) {
		electorate := rapid.SliceOfDistinct(rapid.SampledFrom(agents), rapid.ID[string]).Draw(t, "electorate")
		votes := map[string]Ballot{}
		delegations := map[string]string{}
		for _, a := range agents {
			if rapid.Bool().Draw(t, "votes "+a) {
				votes[a] = Ballot{Choice: rapid.SampledFrom([]string{"yes", "no"}).Draw(t, "choice")}
			}
			if rapid.Bool().Draw(t, "delegates "+a) {
				delegations[a] = rapid.SampledFrom(agents).Draw(t, "to")
			}
		}
		got := Resolve(electorate, votes, delegations)
		seen := map[string]bool{}
		for _, c := range got {
			if seen[c.Voter] {
				t.Fatalf("%s counted twice", c.Voter)
			}
			seen[c.Voter] = true
			if !slices.Contains(electorate, c.Voter) {
				t.Fatalf("%s is not in the electorate", c.Voter)
			}
			from := c.Voter
			if c.Via != "" {
				from = c.Via
				if _, voted := votes[c.Voter]; voted {
					t.Fatalf("%s voted but was counted through %s", c.Voter, c.Via)
				}
			}
			if b, ok := votes[from]; !ok || b.Choice != c.Ballot.Choice {
				t.Fatalf("%s counted with a ballot %s did not cast", c.Voter, from)
			}
		}
		for _, m := range electorate {
			if _, voted := votes[m]; voted && !seen[m] {
				t.Fatalf("%s voted and was not counted", m)
			}
		}
		if len(got) > len(electorate) {
			t.Fatalf("%d casts from %d members", len(got), len(electorate))
		}
	})
}

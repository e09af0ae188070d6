package tally

import (
	"math/big"
	"os"
	"slices"
	"testing"
)

func readBLT(t testing.TB, name string) *Election {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	e, err := ParseBLT(data)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// d12 writes an exact vote as Droop's dumps do: 12 decimals, rounded.
func d12(t *testing.T, s string) string {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		t.Fatalf("not a fraction: %q", s)
	}
	return r.FloatString(12)
}

// TestGPUS2005 counts a real election and compares every figure with
// Droop's independent count (testdata/README.md).
func TestGPUS2005(t *testing.T) {
	e := readBLT(t, "SC.blt")
	if len(e.Ballots) != 94 || e.Seats != 4 || len(e.Candidates) != 13 {
		t.Fatalf("parsed %d ballots, %d seats, %d candidates", len(e.Ballots), e.Seats, len(e.Candidates))
	}
	c := e.Count("SC")
	if got := d12(t, c.Quota); got != "18.800000000000" {
		t.Errorf("quota %s", got)
	}
	// Droop's SC-wigm-rational-d12.txt: the votes after each round's
	// transfer ("transfer" lines), and the non-transferable total.
	want := map[int]map[string]string{
		0: {"Budd Dickinson": "6.000000000000", "Kirit Mookerjee": "3.000000000000", "Tom Sevigny": "8.000000000000", "Pat LaMarche": "22.000000000000",
			"Michael Piacsek": "2.000000000000", "Rebecca Rotzler": "33.000000000000", "Kristen Olsen": "1.000000000000", "Jason Jones": "1.000000000000",
			"Steve Kramer": "18.000000000000", "": "0.000000000000"},
		1: {"Budd Dickinson": "6.860606060606", "Kirit Mookerjee": "3.430303030303", "Tom Sevigny": "8.430303030303", "Pat LaMarche": "22.000000000000",
			"Michael Piacsek": "2.430303030303", "Rebecca Rotzler": "18.800000000000", "Kristen Olsen": "12.618181818182", "Jason Jones": "1.430303030303",
			"Steve Kramer": "18.000000000000", "": "0.000000000000"},
		2: {"Budd Dickinson": "7.878787878788", "Kirit Mookerjee": "3.575757575758", "Tom Sevigny": "9.303030303030", "Pat LaMarche": "18.800000000000",
			"Michael Piacsek": "2.721212121212", "Kristen Olsen": "12.909090909091", "Steve Kramer": "18.581818181818"},
		7:  {"Kristen Olsen": "14.339393939394", "Jason Jones": "0.000000000000"},
		8:  {"Budd Dickinson": "8.878787878788", "Kirit Mookerjee": "3.721212121212", "Kristen Olsen": "14.769696969697", "Steve Kramer": "19.727272727273", "Michael Piacsek": "0.000000000000"},
		9:  {"": "0.006837033934", "Budd Dickinson": "9.160815528557", "Kirit Mookerjee": "4.070755481078", "Tom Sevigny": "9.591894986734", "Steve Kramer": "18.800000000000"},
		10: {"": "1.443977098171", "Budd Dickinson": "9.601971791649", "Tom Sevigny": "10.737349532188", "Kristen Olsen": "15.816701577992"},
		11: {"": "3.871459293395", "Tom Sevigny": "16.898941488619", "Kristen Olsen": "16.829599217986"},
		12: {"": "18.688937299260", "Tom Sevigny": "18.911062700740", "Kristen Olsen": "0.000000000000"},
	}
	for r, vs := range want {
		round := c.Rounds[r]
		for name, v := range vs {
			got := round.Exhausted
			if name != "" {
				i := slices.IndexFunc(round.Votes, func(s Standing) bool { return s.Option == name })
				got = round.Votes[i].Votes
			}
			if d12(t, got) != v {
				t.Errorf("round %d, %q: %s, Droop %s", r, name, d12(t, got), v)
			}
		}
	}
	excluded := []string{}
	for _, r := range c.Rounds {
		if r.Action == "exclude" {
			excluded = append(excluded, r.Option)
		}
	}
	// The four with no votes go first in an order only the lot sets.
	slices.Sort(excluded[:4])
	if !slices.Equal(excluded, []string{"Jimmy Leas", "Steve Greenfield", "Write-In 1", "Write-In 2", "Jason Jones", "Michael Piacsek", "Kirit Mookerjee", "Budd Dickinson", "Kristen Olsen"}) {
		t.Errorf("excluded %q", excluded)
	}
	if !slices.Equal(c.Winner, []string{"Rebecca Rotzler", "Pat LaMarche", "Steve Kramer", "Tom Sevigny"}) {
		t.Errorf("elected %q", c.Winner)
	}
	if last := c.Rounds[len(c.Rounds)-1]; last.Action != "remaining" || len(c.Rounds) != 14 {
		t.Errorf("%d rounds, the last %q", len(c.Rounds), last.Action)
	}
}

// TestDroopTies: Droop's tie cases, where Pollux and Helen tie after the
// first surplus; Droop defeats Pollux in both, as our backwards rule does
// (Pollux had fewer first preferences).
func TestDroopTies(t *testing.T) {
	for _, tc := range []struct {
		file, quota, exhausted string
	}{{"42.blt", "2.000000000000", "2.000000000000"}, {"513.blt", "3.000000000000", "3.000000000000"}} {
		c := readBLT(t, tc.file).Count(tc.file)
		if d12(t, c.Quota) != tc.quota {
			t.Errorf("%s: quota %s", tc.file, c.Quota)
		}
		if !slices.Equal(c.Winner, []string{"Castor", "Helen"}) {
			t.Errorf("%s: elected %q", tc.file, c.Winner)
		}
		r := c.Rounds[2]
		if r.Action != "exclude" || r.Option != "Pollux" || r.Tie == "" || d12(t, r.Exhausted) != tc.exhausted {
			t.Errorf("%s: round 2 %+v", tc.file, r)
		}
	}
}

// TestInstantRunoff is the classic Tennessee example of instant runoff
// (42% Memphis, 26% Nashville, 15% Chattanooga, 17% Knoxville; each voter
// ranks by distance), whose instant-runoff winner, Knoxville, is worked out
// by hand in Wikipedia's "Instant-runoff voting" article.
func TestInstantRunoff(t *testing.T) {
	opts := []string{"Memphis", "Nashville", "Chattanooga", "Knoxville"}
	rank := func(n int64, p ...int) Ranking { return Ranking{Weight: n, Prefs: p} }
	c := CountRanked(RankedInput{Options: opts, Seats: 1, Seed: "tn", Ballots: []Ranking{
		rank(42, 0, 1, 2, 3), rank(26, 1, 2, 3, 0), rank(15, 2, 3, 1, 0), rank(17, 3, 2, 1, 0),
	}})
	if !slices.Equal(c.Winner, []string{"Knoxville"}) {
		t.Fatalf("winner %q", c.Winner)
	}
	// Chattanooga (15) goes first, to Knoxville (32); then Nashville (26)
	// goes, to Knoxville (58), which has more than half of 100.
	if r := c.Rounds[1]; r.Option != "Chattanooga" || r.Transfers[0] != (Transfer{To: "Knoxville", Ballots: 15, Votes: "15"}) {
		t.Errorf("round 1 %+v", r)
	}
	if r := c.Rounds[2]; r.Option != "Nashville" || r.Transfers[0] != (Transfer{To: "Knoxville", Ballots: 26, Votes: "26"}) {
		t.Errorf("round 2 %+v", r)
	}
}

// TestGPUS2005Truncated: the poll's precision (9 decimals) elects the same
// four, loses less than a millionth of a vote, and says how much.
func TestGPUS2005Truncated(t *testing.T) {
	e := readBLT(t, "SC.blt")
	c := CountRanked(RankedInput{Options: e.Candidates, Seats: e.Seats, Ballots: e.Ballots, Seed: "SC", Decimals: PollDecimals})
	if !slices.Equal(c.Winner, []string{"Rebecca Rotzler", "Pat LaMarche", "Steve Kramer", "Tom Sevigny"}) {
		t.Errorf("elected %q", c.Winner)
	}
	lost, _ := new(big.Rat).SetString(c.Rounds[len(c.Rounds)-1].Rounding)
	if lost.Sign() <= 0 || lost.Cmp(big.NewRat(1, 1_000_000)) >= 0 {
		t.Errorf("lost %s to rounding", lost.RatString())
	}
	if got := d12(t, c.Rounds[1].Votes[7].Votes); got != "12.618181810000" { // 1 + 27 × 0.430303030 (14.2/33 truncated)
		t.Errorf("Olsen after round 1: %s", got)
	}
}

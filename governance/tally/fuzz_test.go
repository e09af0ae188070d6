package tally

import (
	"bytes"
	"math/big"
	"os"
	"testing"
)

// FuzzParseBLT feeds arbitrary bytes to ParseBLT: it never panics; an
// accepted election writes back to a file that reads as the same
// election, and counts without losing a vote.
func FuzzParseBLT(f *testing.F) {
	for _, name := range []string{"SC.blt", "42.blt", "513.blt"} {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		"4 2\n-2\n3 1 3 4 0\n4 1 3 2 0\n2 4 1 3 0\n1 2 0\n2 2 4 3 1 0\n1 3 4 2 0\n0\n\"Adam\"\n\"Basil\"\n\"Charlotte\"\n\"Donald\"\n\"Title\"\n",
		"2 1 # comment\n1 1 2 0 0 \"a\" \"b\" \"t\" \"source\" \"comment\"",
		"2 1\n1 1=2 0\n0\n\"a\"\n\"b\"\n\"t\"",
		"2 1\n1 1 1 0\n0\n\"a\"\n\"b\"\n\"t\"",
		"2 3\n0\n\"a\"\n\"b\"\n\"t\"",
		"1 1\n0\n\"a\n\"\n\"t\"",
		"99999999999999999999 1",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := ParseBLT(data)
		if err != nil {
			return
		}
		again, err := ParseBLT(e.WriteBLT())
		if err != nil {
			t.Fatalf("written back, refused: %v\n%s", err, e.WriteBLT())
		}
		if !bytes.Equal(again.WriteBLT(), e.WriteBLT()) {
			t.Fatalf("written back, read differently")
		}
		if len(e.Ballots) > 200 {
			return
		}
		c := CountRanked(RankedInput{Options: e.Candidates, Seats: e.Seats, Withdrawn: e.Withdrawn, Ballots: e.Ballots, Seed: "fuzz", Decimals: PollDecimals})
		valid := new(big.Rat).SetInt64(c.Valid)
		last := c.Rounds[len(c.Rounds)-1]
		sum, _ := new(big.Rat).SetString(last.Exhausted)
		lost, _ := new(big.Rat).SetString(last.Rounding)
		sum.Add(sum, lost)
		for _, s := range last.Votes {
			v, _ := new(big.Rat).SetString(s.Votes)
			sum.Add(sum, v)
		}
		if sum.Cmp(valid) != 0 {
			t.Fatalf("the count holds %s of %s votes", sum.RatString(), valid.RatString())
		}
	})
}

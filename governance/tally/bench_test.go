package tally

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkRanked100k counts 100,000 ranked ballots over 20 options, each
// ranking a random number (1 to 20) of options in random order, for one
// seat (instant runoff) and for five seats (STV). The target: under
// 1 s (docs/benchmarks.md).
func BenchmarkRanked100k(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	opts := make([]string, 20)
	for i := range opts {
		opts[i] = fmt.Sprintf("option %d", i+1)
	}
	ballots := make([]Ranking, 100_000)
	for i := range ballots {
		p := rng.Perm(20)
		ballots[i] = Ranking{Weight: 1, Prefs: p[:1+rng.IntN(20)]}
	}
	for _, seats := range []int{1, 5} {
		b.Run(fmt.Sprintf("seats=%d", seats), func(b *testing.B) {
			for b.Loop() {
				c := CountRanked(RankedInput{Options: opts, Seats: seats, Ballots: ballots, Seed: "bench"})
				if len(c.Winner) != seats {
					b.Fatal(c.Winner)
				}
			}
		})
	}
}

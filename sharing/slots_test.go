package sharing

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestSlotsAgainstBruteForce: thousands of random adds (only of free
// spans, as the rules do), removals and shrinks, across many chunk splits
// and merges; Conflict and Between always answer as a scan of a plain
// list does.
func TestSlotsAgainstBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	var x Slots
	plain := map[string][2]int64{}
	conflict := func(s, u int64) bool {
		for _, p := range plain {
			if p[0] < u && s < p[1] {
				return true
			}
		}
		return false
	}
	for k := range 20000 {
		s := int64(r.IntN(200000))
		u := s + 1 + int64(r.IntN(30))
		got := x.Conflict(s, u)
		if (got != "") != conflict(s, u) {
			t.Fatalf("step %d: Conflict(%d, %d) = %q, brute force %v", k, s, u, got, conflict(s, u))
		}
		if got != "" {
			if p := plain[got]; !(p[0] < u && s < p[1]) {
				t.Fatalf("step %d: Conflict names %s %v, which does not meet [%d, %d)", k, got, p, s, u)
			}
		}
		switch op := r.IntN(10); {
		case op < 7 && got == "":
			id := fmt.Sprint(k)
			x.add(s, u, id)
			plain[id] = [2]int64{s, u}
		case op < 9 && len(plain) > 0:
			for id, p := range plain {
				x.remove(p[0], id)
				delete(plain, id)
				break
			}
		case len(plain) > 0:
			for id, p := range plain {
				if p[1]-p[0] > 1 {
					x.shrink(p[0], id, p[1]-1)
					plain[id] = [2]int64{p[0], p[1] - 1}
				}
				break
			}
		}
		if x.Len() != len(plain) {
			t.Fatalf("step %d: Len %d, want %d", k, x.Len(), len(plain))
		}
	}
	if len(x.chunks) < 10 {
		t.Fatalf("only %d chunks: the test did not split", len(x.chunks))
	}
	// Between lists exactly the spans that meet a window, in order.
	for range 200 {
		from := int64(r.IntN(200000))
		to := from + int64(r.IntN(5000))
		var got []string
		last := int64(-1)
		x.Between(from, to, func(id string) bool {
			if plain[id][0] < last {
				t.Fatal("Between out of order")
			}
			last = plain[id][0]
			got = append(got, id)
			return true
		})
		want := 0
		for _, p := range plain {
			if p[0] < to && from < p[1] {
				want++
			}
		}
		if len(got) != want {
			t.Fatalf("Between(%d, %d): %d spans, want %d", from, to, len(got), want)
		}
	}
}

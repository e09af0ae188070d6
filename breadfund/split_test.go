package breadfund_test

import (
	"fmt"
	"testing"

	"pgregory.net/rapid"

	"github.com/meent/meent/breadfund"
)

func TestSplit(t *testing.T) {
	for _, c := range []struct {
		total int64
		w     []int64
		want  []int64
	}{
		{100, []int64{1, 1, 1}, []int64{34, 33, 33}},
		{50000, []int64{3375, 3375, 11250}, []int64{9375, 9375, 31250}},
		{1, []int64{2, 1}, []int64{1, 0}},
		{0, []int64{5, 7}, []int64{0, 0}},
		{10, []int64{3, 3, 3}, []int64{4, 3, 3}},
	} {
		var parts []breadfund.Share
		for i, w := range c.w {
			parts = append(parts, breadfund.Share{Member: fmt.Sprint("m", i), Weight: w})
		}
		got := breadfund.Split(c.total, parts)
		for i := range got {
			if got[i].Amount != c.want[i] {
				t.Errorf("Split(%d, %v) = %v, want %v", c.total, c.w, got, c.want)
				break
			}
		}
	}
}

// TestSplitProperties: the amounts add up to the total, each is the floor
// or the ceiling of its exact share, and the order of the input does not
// matter.
func TestSplitProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		total := rapid.Int64Range(0, 1_000_000_000).Draw(t, "total")
		n := rapid.IntRange(1, 100).Draw(t, "n")
		var parts []breadfund.Share
		var sum int64
		for i := range n {
			w := rapid.Int64Range(1, 1_000_000).Draw(t, "w")
			parts = append(parts, breadfund.Share{Member: fmt.Sprintf("m%03d", i), Weight: w})
			sum += w
		}
		got := breadfund.Split(total, parts)
		var added int64
		for _, s := range got {
			added += s.Amount
			floor := total * s.Weight / sum // fits: total ≤ 1e9, weight ≤ 1e6
			if s.Amount != floor && s.Amount != floor+1 {
				t.Fatalf("%s gets %d, its share is %d/%d", s.Member, s.Amount, total*s.Weight, sum)
			}
		}
		if added != total {
			t.Fatalf("the shares add up to %d, not %d", added, total)
		}
		rev := make([]breadfund.Share, len(parts))
		for i := range parts {
			rev[i] = parts[len(parts)-1-i]
		}
		again := breadfund.Split(total, rev)
		for i := range got {
			if got[i] != again[i] {
				t.Fatalf("the split depends on the order of its input")
			}
		}
	})
}

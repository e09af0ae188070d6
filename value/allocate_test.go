package value

import (
	"fmt"
	"math/big"
	"slices"
	"testing"

	"pgregory.net/rapid"
)

func shares(ws ...int64) []Share {
	out := make([]Share, len(ws))
	for i, w := range ws {
		out[i] = Share{Recipient: fmt.Sprintf("r%02d", i), Weight: big.NewInt(w)}
	}
	return out
}

func TestAllocate(t *testing.T) {
	cases := []struct {
		total int64
		ws    []int64
		want  []int64
	}{
		{100, []int64{1, 1, 1}, []int64{34, 33, 33}},  // tie on remainder: by name
		{100, []int64{1, 2}, []int64{33, 67}},         // 33.33 / 66.67
		{10, []int64{0, 5, 5}, []int64{0, 5, 5}},      // zero weight gets nothing
		{1, []int64{1, 1, 1, 1}, []int64{1, 0, 0, 0}}, // one cent among four
		{7, []int64{3, 3, 1}, []int64{3, 3, 1}},       // exact
		{5, []int64{1, 2, 2}, []int64{1, 2, 2}},       // exact
		{2, []int64{1, 3, 3}, []int64{0, 1, 1}},       // 0.29/0.86/0.86: larger remainders win
		{0, []int64{1, 2}, []int64{0, 0}},             // nothing to split
		{1000000, []int64{1, 1, 1, 1, 1, 1}, []int64{166667, 166667, 166667, 166667, 166666, 166666}},
	}
	for _, c := range cases {
		got, err := Allocate(c.total, shares(c.ws...))
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("Allocate(%d, %v) = %v, %v; want %v", c.total, c.ws, got, err, c.want)
		}
	}
	for _, bad := range []struct {
		total int64
		s     []Share
	}{
		{-1, shares(1)},
		{10, shares(0, 0)},
		{10, shares(-1, 2)},
		{10, []Share{{"a", big.NewInt(1)}, {"a", big.NewInt(1)}}},
		{10, []Share{{"a", nil}}},
	} {
		if _, err := Allocate(bad.total, bad.s); err == nil {
			t.Errorf("Allocate(%d, %v) accepted", bad.total, bad.s)
		}
	}
}

// TestAllocateProperties: the total is conserved to the unit; nobody is
// more than one unit from their exact share; the result does not depend on
// input order; a larger weight never gets less.
func TestAllocateProperties(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		total := rapid.Int64Range(0, 1<<50).Draw(rt, "total")
		n := rapid.IntRange(1, 40).Draw(rt, "n")
		ws := make([]int64, n)
		for i := range ws {
			ws[i] = rapid.Int64Range(0, 1<<40).Draw(rt, "w")
		}
		ws[rapid.IntRange(0, n-1).Draw(rt, "nonzero")] |= 1
		s := shares(ws...)
		got, err := Allocate(total, s)
		if err != nil {
			rt.Fatal(err)
		}
		var sum int64
		W := new(big.Int)
		for _, w := range ws {
			W.Add(W, big.NewInt(w))
		}
		for i, g := range got {
			sum += g
			exact := new(big.Rat).SetFrac(new(big.Int).Mul(big.NewInt(total), big.NewInt(ws[i])), W)
			diff := new(big.Rat).Sub(new(big.Rat).SetInt64(g), exact)
			if diff.Cmp(big.NewRat(1, 1)) >= 0 || diff.Cmp(big.NewRat(-1, 1)) <= 0 {
				rt.Fatalf("recipient %d got %d, exact %s", i, g, exact.FloatString(3))
			}
			if ws[i] == 0 && g != 0 {
				rt.Fatal("zero weight got something")
			}
		}
		if sum != total {
			rt.Fatalf("allocated %d of %d", sum, total)
		}
		for i := range ws {
			for j := range ws {
				if ws[i] > ws[j] && got[i] < got[j] {
					rt.Fatalf("weight %d got %d but weight %d got %d", ws[i], got[i], ws[j], got[j])
				}
			}
		}
		perm := rapid.Permutation(s).Draw(rt, "perm")
		again, _ := Allocate(total, perm)
		byName := map[string]int64{}
		for i, sh := range perm {
			byName[sh.Recipient] = again[i]
		}
		for i, sh := range s {
			if byName[sh.Recipient] != got[i] {
				rt.Fatal("result depends on input order")
			}
		}
	})
}

func BenchmarkAllocate10k(b *testing.B) {
	ws := make([]int64, 10000)
	for i := range ws {
		ws[i] = int64(i*7919%1000 + 1)
	}
	s := shares(ws...)
	for b.Loop() {
		if _, err := Allocate(123456789, s); err != nil {
			b.Fatal(err)
		}
	}
}

package value

import (
	"math"
	"math/big"
	"testing"
)

// TestDecayGolden pins decay factors, computed independently with the
// Python in docs/value.md.
func TestDecayGolden(t *testing.T) {
	tb := newDecayTable(365)
	for _, c := range []struct {
		d    int64
		want uint64
	}{
		{-5, 4503599627370496}, {0, 4503599627370496}, {1, 4495055256976781}, {30, 4254196863877809},
		{100, 3724652865676932}, {182, 3187551032690208}, {364, 2256080119612386},
		{365, 2251799813685248}, {366, 2247527628488390}, {730, 1125899906842624},
		{1000, 674248610892406}, {3650, 4398046511104}, {365 * 52, 1}, {365 * 53, 0}, {365 * 64, 0}, {1 << 40, 0},
	} {
		if got := tb.factor(c.d); got != c.want {
			t.Errorf("f(%d) = %d, want %d", c.d, got, c.want)
		}
	}
	want7 := []uint64{4503599627370496, 4079016756879570, 3694462003634840, 3346161663415921, 3030697803008476, 2744974719417408, 2486188561182523}
	for r, w := range want7 {
		if got := newDecayTable(7).phi[r]; got != w {
			t.Errorf("h=7: phi[%d] = %d, want %d", r, got, w)
		}
	}
	var none *decayTable
	if none.factor(1000) != decayOne {
		t.Error("no decay table must mean no decay")
	}
}

// TestDecayProperties: g is the exact root of its definition; a factor
// halves every half-life exactly, never grows with age, and stays within
// 1e-12 (relative) of 2^(-d/h) while it is large enough to measure.
func TestDecayProperties(t *testing.T) {
	for _, h := range []int64{1, 2, 3, 7, 30, 100, 365, 1000, MaxHalfLifeDays} {
		g := decayRoot(h)
		limit := new(big.Int).Lsh(big.NewInt(1), uint(DecayBits*h-1))
		pow := func(x uint64) *big.Int { return new(big.Int).Exp(new(big.Int).SetUint64(x), big.NewInt(h), nil) }
		if pow(g).Cmp(limit) > 0 || pow(g+1).Cmp(limit) <= 0 {
			t.Errorf("h=%d: g=%d is not the largest with g^h <= 2^(52h-1)", h, g)
		}
		tb := newDecayTable(h)
		prev := uint64(math.MaxUint64)
		for d := int64(0); d < 4*h+3; d++ {
			f := tb.factor(d)
			if f > prev {
				t.Fatalf("h=%d: f(%d) = %d > f(%d) = %d", h, d, f, d-1, prev)
			}
			prev = f
			if d%h == 0 && f != decayOne>>(d/h) {
				t.Errorf("h=%d: f(%d) = %d, want exactly 2^52 / 2^%d", h, d, f, d/h)
			}
			exact := math.Exp2(DecayBits - float64(d)/float64(h))
			if rel := math.Abs(float64(f)-exact) / exact; exact > 1e6 && rel > 1e-12 {
				t.Errorf("h=%d: f(%d) = %d, 2^(52-d/h) = %.1f (relative error %g)", h, d, f, exact, rel)
			}
		}
	}
}

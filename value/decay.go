package value

import (
	"math/big"
	"math/bits"
)

// DecayBits is the precision of decay factors: a factor is an integer in
// units of 2^-52, so 1 (no decay) is 2^52. It stays below 2^53, so every
// factor is exact in a JSON number read as a double.
const DecayBits = 52

const decayOne = uint64(1) << DecayBits

// decayTable holds the decay factors of one half-life h (days):
//
//	g      = the largest integer with g^h <= 2^(52h - 1), i.e. floor(2^52 * 2^(-1/h))
//	phi[0] = 2^52
//	phi[r] = floor(phi[r-1] * g / 2^52)          for 0 < r < h
//	f(d)   = floor(phi[d mod h] / 2^(d div h))   for an age of d >= 0 whole days
//
// So a contribution weighs exactly half after h days, a quarter after 2h,
// and in between follows 2^(-d/h) to within about r * 2^-52 (relative).
// Only integers are involved: anyone can recompute the table, and every
// machine gets the same bits.
type decayTable struct {
	h   int64
	phi []uint64
}

// newDecayTable returns the table for a half-life of h days; nil (no
// decay) for h <= 0.
func newDecayTable(h int64) *decayTable {
	if h <= 0 {
		return nil
	}
	g := decayRoot(h)
	t := &decayTable{h: h, phi: make([]uint64, h)}
	t.phi[0] = decayOne
	for r := int64(1); r < h; r++ {
		hi, lo := bits.Mul64(t.phi[r-1], g)
		t.phi[r] = hi<<(64-DecayBits) | lo>>DecayBits
	}
	return t
}

// decayRoot returns the largest g with g^h <= 2^(52h-1), by bisection on
// exact integers. g lies in [2^51, 2^52).
func decayRoot(h int64) uint64 {
	limit := new(big.Int).Lsh(big.NewInt(1), uint(DecayBits*h-1))
	lo, hi := uint64(1)<<(DecayBits-1), decayOne // lo^h <= limit < hi^h
	x, p, e := new(big.Int), new(big.Int), big.NewInt(h)
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		x.SetUint64(mid)
		if p.Exp(x, e, nil).Cmp(limit) <= 0 {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo
}

// factor returns f(d) in units of 2^-52; 2^52 without decay.
func (t *decayTable) factor(d int64) uint64 {
	if t == nil || d <= 0 {
		return decayOne
	}
	q, r := d/t.h, d%t.h
	if q >= 64 {
		return 0
	}
	return t.phi[r] >> q
}

// Package value holds the pure rules of the value cycle: value policies
// (CEL equations that turn contributions into points, decay, caps and the
// income split), and distributions that split an income exactly among
// pools and contributors and explain every amount. Allocate is the one
// primitive every distribution, split and refund uses. Nothing here does
// I/O or reads a clock: the same input gives the same result and digest on
// every machine. docs/value.md describes the policy format and the exact
// arithmetic.
package value

import (
	"errors"
	"math/big"
	"sort"
)

// Share is one recipient's claim on an amount: a non-negative weight
// (points, a fraction's numerator, ...). Weights are exact integers of any
// size, so no rounding happens before the one documented below.
type Share struct {
	Recipient string
	Weight    *big.Int
}

// Allocate splits total (minor units, >= 0) among shares in proportion to
// their weights, exactly: the results are integers that sum to total.
//
// The method is the largest remainder (Hamilton) method. Each recipient
// first gets floor(total * w / W). The units left over (fewer than the
// number of recipients) go one each to the recipients with the largest
// remainders (total * w mod W). Ties are broken by the larger weight
// first, then by Recipient in ascending byte order, so the result never
// depends on the order of the input. Recipients with weight zero get
// nothing. Recipient names must be unique.
func Allocate(total int64, shares []Share) ([]int64, error) {
	if total < 0 {
		return nil, errors.New("value: cannot allocate a negative total")
	}
	W := new(big.Int)
	seen := make(map[string]bool, len(shares))
	for _, s := range shares {
		if s.Weight == nil || s.Weight.Sign() < 0 {
			return nil, errors.New("value: weights must be non-negative")
		}
		if seen[s.Recipient] {
			return nil, errors.New("value: recipient " + s.Recipient + " appears twice")
		}
		seen[s.Recipient] = true
		W.Add(W, s.Weight)
	}
	out := make([]int64, len(shares))
	if total == 0 {
		return out, nil
	}
	if W.Sign() == 0 {
		return nil, errors.New("value: nothing to allocate by: every weight is zero")
	}
	T := big.NewInt(total)
	rems := make([]*big.Int, len(shares))
	var given int64
	for i, s := range shares {
		q, r := new(big.Int).QuoRem(new(big.Int).Mul(T, s.Weight), W, new(big.Int))
		out[i] = q.Int64() // q <= total, so it fits
		rems[i] = r
		given += out[i]
	}
	left := total - given
	if left == 0 {
		return out, nil
	}
	order := make([]int, 0, len(shares))
	for i, s := range shares {
		if s.Weight.Sign() > 0 {
			order = append(order, i)
		}
	}
	sort.Slice(order, func(a, b int) bool {
		i, j := order[a], order[b]
		if c := rems[i].Cmp(rems[j]); c != 0 {
			return c > 0
		}
		if c := shares[i].Weight.Cmp(shares[j].Weight); c != 0 {
			return c > 0
		}
		return shares[i].Recipient < shares[j].Recipient
	})
	// left < number of positive weights: each remainder is < W, and the
	// remainders sum to left*W.
	for k := int64(0); k < left; k++ {
		out[order[k]]++
	}
	return out, nil
}

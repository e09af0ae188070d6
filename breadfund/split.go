package breadfund

import (
	"cmp"
	"math/bits"
	"slices"
)

// Share is one part of a split.
type Share struct {
	Member string
	Weight int64
	Amount int64
}

// Split divides total (≥ 0) over parts in proportion to their weights (each
// > 0), exactly: each part gets the floor of total×weight/Σweights, and the
// cents left over go one each to the parts with the largest remainders;
// equal remainders go to the larger weight, then to the smaller member ID.
// The amounts add up to total. Parts are returned in member order.
//
// The products are computed in 128 bits, so no total or weight the rules
// accept overflows.
func Split(total int64, parts []Share) []Share {
	out := slices.Clone(parts)
	slices.SortFunc(out, func(a, b Share) int { return cmp.Compare(a.Member, b.Member) })
	if len(out) == 0 || total == 0 {
		for i := range out {
			out[i].Amount = 0
		}
		return out
	}
	var sum uint64
	for _, p := range out {
		sum += uint64(p.Weight)
	}
	rem := make([]uint64, len(out))
	left := total
	for i, p := range out {
		hi, lo := bits.Mul64(uint64(total), uint64(p.Weight))
		q, r := bits.Div64(hi, lo, sum)
		out[i].Amount = int64(q)
		rem[i] = r
		left -= int64(q)
	}
	order := make([]int, len(out))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Or(cmp.Compare(rem[b], rem[a]), cmp.Compare(out[b].Weight, out[a].Weight), cmp.Compare(out[a].Member, out[b].Member))
	})
	for k := 0; left > 0; k++ {
		out[order[k%len(order)]].Amount++
		left--
	}
	return out
}

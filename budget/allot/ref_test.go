package allot

import (
	"math/big"
	"slices"
	"sort"
)

// refMES is Equal Shares written from its definition with unbounded
// fractions, voter by voter and without any shortcut: the reference the
// property tests hold the fast EqualShares to. Ties as EqualShares. With
// unit set, a bought project's approvers pay ρ rounded up to the next
// multiple of unit (or all they hold), EqualShares' one rounding rule;
// with unit nil they pay ρ exactly.
func refMES(budget *big.Rat, projects []Project, ballots []Ballot, byCost bool, unit *big.Rat) []string {
	n := len(ballots)
	if n == 0 {
		return nil
	}
	share := make([]*big.Rat, n)
	for i := range share {
		share[i] = new(big.Rat).Quo(budget, big.NewRat(int64(n), 1))
	}
	approvers := map[string][]int{}
	for i, b := range ballots {
		for _, a := range b.Approvals {
			approvers[a] = append(approvers[a], i)
		}
	}
	cost := map[string]int64{}
	for _, p := range projects {
		cost[p.ID] = p.Cost
	}
	chosen := map[string]bool{}
	var winners []string
	for {
		var best *big.Rat
		bestID := ""
		for _, p := range projects {
			ap := approvers[p.ID]
			if chosen[p.ID] || len(ap) == 0 {
				continue
			}
			held := new(big.Rat)
			for _, i := range ap {
				held.Add(held, share[i])
			}
			c := big.NewRat(p.Cost, 1)
			if held.Cmp(c) < 0 {
				continue
			}
			sorted := slices.Clone(ap)
			sort.SliceStable(sorted, func(x, y int) bool { return share[sorted[x]].Cmp(share[sorted[y]]) < 0 })
			need := new(big.Rat).Set(c)
			k := int64(len(sorted))
			var r *big.Rat
			for _, i := range sorted {
				q := new(big.Rat).Quo(need, big.NewRat(k, 1))
				if q.Cmp(share[i]) > 0 {
					need.Sub(need, share[i])
					k--
					continue
				}
				r = q
				if byCost {
					r = new(big.Rat).Quo(q, c)
				}
				break
			}
			better := best == nil
			if !better {
				switch r.Cmp(best) {
				case -1:
					better = true
				case 0:
					bv, pv := len(approvers[bestID]), len(ap)
					better = pv > bv || pv == bv && (p.Cost < cost[bestID] || p.Cost == cost[bestID] && p.ID < bestID)
				}
			}
			if better {
				best, bestID = r, p.ID
			}
		}
		if best == nil {
			return winners
		}
		chosen[bestID] = true
		winners = append(winners, bestID)
		pay := best
		if byCost {
			pay = new(big.Rat).Mul(best, big.NewRat(cost[bestID], 1))
		}
		if unit != nil {
			q := new(big.Rat).Quo(pay, unit)
			units := new(big.Int).Quo(q.Num(), q.Denom())
			if !q.IsInt() {
				units.Add(units, big.NewInt(1))
			}
			pay = new(big.Rat).Mul(new(big.Rat).SetInt(units), unit)
		}
		for _, i := range approvers[bestID] {
			if share[i].Cmp(pay) > 0 {
				share[i].Sub(share[i], pay)
			} else {
				share[i].SetInt64(0)
			}
		}
	}
}

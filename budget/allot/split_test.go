package allot

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"pgregory.net/rapid"
)

func TestCloseWorked(t *testing.T) {
	// docs/budget.md's worked example.
	o, err := Close(Round{
		Fundings: []Funding{{"gemeente", 60000}, {"maya", 30000}, {"joost", 10000}},
		Goals:    []Goal{{ID: "repair", Min: 20000, Max: 40000}, {ID: "party", Min: 50000, Max: 60000}, {ID: "docs", Min: 5000, Max: 10000, Cancelled: true}},
		Gifts:    []Gift{{"maya", "repair", 25000}, {"joost", "repair", 10000}, {"amina", "party", 20001}},
		Rule:     LeftoverRefund,
	})
	if err != nil {
		t.Fatal(err)
	}
	want := Outcome{
		Pool:     100000,
		Funded:   []Funded{{"repair", 35000}},
		Returned: []Gift{{"amina", "party", 20001}},
		Leftover: 65000,
		Refunds:  []Funding{{"gemeente", 39000}, {"joost", 6500}, {"maya", 19500}},
	}
	if !reflect.DeepEqual(want, o) {
		t.Errorf("got %+v\nwant %+v", o, want)
	}
}

func TestCloseRefuses(t *testing.T) {
	goal := []Goal{{ID: "b", Min: 10, Max: 20}}
	for name, r := range map[string]Round{
		"rule":          {Rule: "burn"},
		"above max":     {Rule: LeftoverRefund, Goals: goal, Gifts: []Gift{{"a", "b", 21}}, Fundings: []Funding{{"f", 100}}},
		"unknown":       {Rule: LeftoverRefund, Goals: goal, Gifts: []Gift{{"a", "c", 1}}},
		"cancelled":     {Rule: LeftoverRefund, Goals: []Goal{{ID: "b", Max: 5, Cancelled: true}}, Gifts: []Gift{{"a", "b", 1}}},
		"overspent":     {Rule: LeftoverRefund, Goals: goal, Gifts: []Gift{{"a", "b", 15}}, Fundings: []Funding{{"f", 10}}},
		"choice+gifts":  {Rule: LeftoverRefund, Goals: goal, Gifts: []Gift{{"a", "b", 15}}, Chosen: []string{"b"}},
		"chosen twice":  {Rule: LeftoverRefund, Goals: goal, Chosen: []string{"b", "b"}, Fundings: []Funding{{"f", 100}}},
		"bad goal":      {Rule: LeftoverRefund, Goals: []Goal{{ID: "b", Min: 5, Max: 4}}},
		"negative fund": {Rule: LeftoverRefund, Fundings: []Funding{{"f", -1}}},
	} {
		if _, err := Close(r); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestCloseConserves: for random rounds, every unit of the pool is in a
// funded bucket or the leftover, the leftover is exactly what the rule
// hands out, every gift is funded or returned to its giver, and the order
// of the input changes nothing.
func TestCloseConserves(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var r Round
		r.Rule = rapid.SampledFrom(LeftoverRules).Draw(t, "rule")
		nb := rapid.IntRange(0, 6).Draw(t, "buckets")
		for i := range nb {
			lo := rapid.Int64Range(1, 1000).Draw(t, "min")
			r.Goals = append(r.Goals, Goal{ID: fmt.Sprintf("b%d", i), Min: lo, Max: lo + rapid.Int64Range(0, 1000).Draw(t, "extra"), Cancelled: rapid.IntRange(0, 5).Draw(t, "c") == 0})
		}
		for i := range rapid.IntRange(1, 6).Draw(t, "funders") {
			r.Fundings = append(r.Fundings, Funding{fmt.Sprintf("f%d", i%3), rapid.Int64Range(0, 5000).Draw(t, "fund")})
		}
		var pool int64
		for _, f := range r.Fundings {
			pool += f.Amount
		}
		left := pool
		held := map[string]int64{}
		for i := range rapid.IntRange(0, 20).Draw(t, "gifts") {
			if nb == 0 {
				break
			}
			g := r.Goals[rapid.IntRange(0, nb-1).Draw(t, "bucket")]
			a := rapid.Int64Range(1, 400).Draw(t, "gift")
			if g.Cancelled || held[g.ID]+a > g.Max || a > left {
				continue
			}
			held[g.ID] += a
			left -= a
			r.Gifts = append(r.Gifts, Gift{fmt.Sprintf("m%d", i%4), g.ID, a})
		}
		o, err := Close(r)
		if err != nil {
			t.Fatal(err)
		}
		var funded, returned, gifts, refunds int64
		for _, f := range o.Funded {
			funded += f.Amount
		}
		for _, g := range o.Returned {
			returned += g.Amount
		}
		for _, g := range r.Gifts {
			gifts += g.Amount
		}
		for _, f := range o.Refunds {
			refunds += f.Amount
		}
		if o.Pool != pool || funded+o.Leftover != pool {
			t.Fatalf("pool %d: funded %d + leftover %d", pool, funded, o.Leftover)
		}
		if refunds+o.Rollover+o.Commons != o.Leftover {
			t.Fatalf("leftover %d handed out as %d + %d + %d", o.Leftover, refunds, o.Rollover, o.Commons)
		}
		if funded+returned != gifts {
			t.Fatalf("gifts %d: funded %d + returned %d", gifts, funded, returned)
		}
		rnd := rand.New(rand.NewPCG(rapid.Uint64().Draw(t, "seed"), 2))
		rnd.Shuffle(len(r.Gifts), func(i, j int) { r.Gifts[i], r.Gifts[j] = r.Gifts[j], r.Gifts[i] })
		rnd.Shuffle(len(r.Goals), func(i, j int) { r.Goals[i], r.Goals[j] = r.Goals[j], r.Goals[i] })
		rnd.Shuffle(len(r.Fundings), func(i, j int) { r.Fundings[i], r.Fundings[j] = r.Fundings[j], r.Fundings[i] })
		o2, err := Close(r)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(o, o2) {
			t.Fatalf("order changed the outcome: %+v / %+v", o, o2)
		}
	})
}

func TestAllowances(t *testing.T) {
	got, err := Allowances(1000, []Weight{{"a", 1}, {"b", 1}, {"c", 1}})
	if err != nil || got["a"]+got["b"]+got["c"] != 1000 || got["a"] != 334 {
		t.Errorf("equal: %v %v", got, err)
	}
	got, _ = Allowances(1000, []Weight{{"a", 3}, {"b", 1}})
	if got["a"] != 750 || got["b"] != 250 {
		t.Errorf("by contribution: %v", got)
	}
	if _, err := Allowances(10, []Weight{{"a", -1}}); err == nil {
		t.Error("negative weight accepted")
	}
}

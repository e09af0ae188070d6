package allot

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"os"
	"slices"
	"testing"

	"pgregory.net/rapid"
)

func drawInstance(t *rapid.T) (int64, []Project, []Ballot) {
	np := rapid.IntRange(1, 8).Draw(t, "projects")
	nv := rapid.IntRange(1, 30).Draw(t, "voters")
	var ps []Project
	for i := range np {
		ps = append(ps, Project{ID: fmt.Sprintf("p%d", i), Cost: rapid.Int64Range(1, 60).Draw(t, "cost")})
	}
	var bs []Ballot
	for v := range nv {
		b := Ballot{Voter: fmt.Sprintf("v%d", v)}
		for _, p := range ps {
			if rapid.Bool().Draw(t, "approve") {
				b.Approvals = append(b.Approvals, p.ID)
			}
		}
		bs = append(bs, b)
	}
	// A budget that every voter's share holds exactly.
	budget := int64(nv) * rapid.Int64Range(0, 20).Draw(t, "per voter")
	return budget, ps, bs
}

// TestEqualSharesMatchesDefinition holds the fast EqualShares (grouped
// voters, lazy bounds, integer shares) to refMES, the method written from
// its definition with unbounded fractions and EqualShares' one rounding
// rule (a payment rounded up to the next 1/Scale of a minor unit), on
// small random elections, for both utilities.
func TestEqualSharesMatchesDefinition(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		budget, ps, bs := drawInstance(t)
		for _, u := range []Utility{UtilityCost, UtilityApproval} {
			res, err := EqualShares(budget, ps, bs, Options{Completion: CompleteNone, Utility: u})
			if err != nil {
				t.Fatal(err)
			}
			want := refMES(big.NewRat(budget, 1), ps, bs, u == UtilityCost, big.NewRat(1, Scale))
			if !slices.Equal(res.Winners, want) {
				t.Fatalf("%s: got %v, definition %v", u, res.Winners, want)
			}
		}
	})
}

// TestEqualSharesRoundingRule pins where the one rounding rule parts
// from Equal Shares over unbounded fractions: three voters of eleven
// (one euro each) approve p1 (1) and p3 (2). Each pays a third of p1,
// rounded up to 0.333334; the 0.666666 each keeps is a millionth short of
// the two thirds p3 needs, which exact fractions would fund. The rule
// never lets a project be underpaid, so at such a boundary it funds
// less, never more, and never by more than a millionth of a minor unit
// per approver per project bought.
func TestEqualSharesRoundingRule(t *testing.T) {
	ps := []Project{{ID: "p0", Cost: 1}, {ID: "p1", Cost: 1}, {ID: "p2", Cost: 1}, {ID: "p3", Cost: 2}, {ID: "p4", Cost: 1}}
	var bs []Ballot
	for v := range 11 {
		b := Ballot{Voter: fmt.Sprintf("v%d", v)}
		if v >= 8 {
			b.Approvals = []string{"p1", "p3"}
		}
		bs = append(bs, b)
	}
	res, err := EqualShares(11, ps, bs, Options{Completion: CompleteNone, Utility: UtilityCost})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Winners, []string{"p1"}) {
		t.Errorf("EqualShares: %v, want [p1] (the rounding rule)", res.Winners)
	}
	if exact := refMES(big.NewRat(11, 1), ps, bs, true, nil); !slices.Equal(exact, []string{"p1", "p3"}) {
		t.Errorf("unbounded fractions: %v, want [p1 p3]", exact)
	}
}

// TestEqualSharesOrderFree: shuffling projects, ballots and approvals
// changes nothing; the winners never cost more than the budget.
func TestEqualSharesOrderFree(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		budget, ps, bs := drawInstance(t)
		budget += rapid.Int64Range(0, 50).Draw(t, "extra")
		comp := rapid.SampledFrom(Completions).Draw(t, "completion")
		a, err := EqualShares(budget, ps, bs, Options{Completion: comp})
		if err != nil {
			t.Fatal(err)
		}
		r := rand.New(rand.NewPCG(rapid.Uint64().Draw(t, "seed"), 1))
		r.Shuffle(len(ps), func(i, j int) { ps[i], ps[j] = ps[j], ps[i] })
		r.Shuffle(len(bs), func(i, j int) { bs[i], bs[j] = bs[j], bs[i] })
		for _, b := range bs {
			r.Shuffle(len(b.Approvals), func(i, j int) { b.Approvals[i], b.Approvals[j] = b.Approvals[j], b.Approvals[i] })
		}
		b, err := EqualShares(budget, ps, bs, Options{Completion: comp})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(a.Winners, b.Winners) || a.Cost != b.Cost {
			t.Fatalf("order changed the outcome: %v / %v", a.Winners, b.Winners)
		}
		if a.Cost > budget {
			t.Fatalf("cost %d above budget %d", a.Cost, budget)
		}
	})
}

func TestEqualSharesRefuses(t *testing.T) {
	ok := []Project{{"a", 10}, {"b", 20}}
	for name, c := range map[string]struct {
		budget int64
		ps     []Project
		bs     []Ballot
	}{
		"negative budget":  {-1, ok, nil},
		"zero cost":        {10, []Project{{"a", 0}}, nil},
		"project twice":    {10, []Project{{"a", 1}, {"a", 2}}, nil},
		"unknown approval": {10, ok, []Ballot{{"v", []string{"c"}}}},
		"approval twice":   {10, ok, []Ballot{{"v", []string{"a", "a"}}}},
		"voter twice":      {10, ok, []Ballot{{"v", nil}, {"v", nil}}},
		"too large":        {1 << 61, ok, []Ballot{{"v", nil}}},
	} {
		if _, err := EqualShares(c.budget, c.ps, c.bs, Options{}); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// BenchmarkEqualShares10000x100: 10,000 voters, 100 projects, each voter
// approving 1 to 10 projects with a popularity skew, add1u completion
// (every add1 pass is a full Equal Shares run). docs/benchmarks.md.
func BenchmarkEqualShares10000x100(b *testing.B) {
	r := rand.New(rand.NewPCG(12, 1))
	var ps []Project
	var total int64
	for i := range 100 {
		c := 5_000 + r.Int64N(95_000)
		ps = append(ps, Project{ID: fmt.Sprintf("p%03d", i), Cost: c})
		total += c
	}
	var bs []Ballot
	for v := range 10_000 {
		bl := Ballot{Voter: fmt.Sprintf("v%05d", v)}
		seen := map[int]bool{}
		for range 1 + r.IntN(10) {
			p := int(float64(100) * r.Float64() * r.Float64()) // popular projects first
			if !seen[p] {
				seen[p] = true
				bl.Approvals = append(bl.Approvals, ps[p].ID)
			}
		}
		bs = append(bs, bl)
	}
	budget := total / 3
	b.ResetTimer()
	for b.Loop() {
		res, err := EqualShares(budget, ps, bs, Options{})
		if err != nil || res.Cost > budget {
			b.Fatal(err, res.Cost)
		}
		b.ReportMetric(float64(res.Rounds), "passes")
	}
}

// BenchmarkEqualSharesWieliczka: the real Wieliczka 2023 election (6,586
// voters, 64 projects) with add1, as the city counted it.
func BenchmarkEqualSharesWieliczka(b *testing.B) {
	fh, err := os.Open("testdata/pabulib/Poland_Wieliczka_2023_Green_Budget.pb")
	if err != nil {
		b.Fatal(err)
	}
	pb, err := ParsePabulib(fh)
	fh.Close()
	if err != nil {
		b.Fatal(err)
	}
	budget, ps, bs := pb.Instance()
	b.ResetTimer()
	for b.Loop() {
		if _, err := EqualShares(budget, ps, bs, Options{Completion: CompleteAdd1}); err != nil {
			b.Fatal(err)
		}
	}
}

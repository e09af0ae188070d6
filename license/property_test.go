package license_test

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/meent/meent"
	"github.com/meent/meent/license"
)

// genSchedule draws a valid schedule: boundaries strictly increasing from
// 0, the last band open.
func genSchedule(t *rapid.T) license.Schedule {
	n := rapid.IntRange(1, 8).Draw(t, "bands")
	s := license.Schedule{
		Currency: rapid.SampledFrom([]string{"EUR", "USD", "JPY", "KWD", "XYZ"}).Draw(t, "currency"),
		Basis:    rapid.SampledFrom([]string{license.Employees, license.Revenue}).Draw(t, "basis"),
	}
	var from int64
	for i := 0; i < n; i++ {
		b := license.Band{From: from, PricePerYear: rapid.Int64Range(1, license.MaxPrice).Draw(t, "price")}
		if i < n-1 {
			b.To = from + rapid.Int64Range(1, 1_000_000).Draw(t, "width")
			from = b.To
		}
		s.Bands = append(s.Bands, b)
	}
	return s
}

// genPolicy draws a valid policy: some free rules in any order.
func genPolicy(t *rapid.T) license.Policy {
	p := license.Policy{Format: 1, License: rapid.SampledFrom([]string{"PPL", "AGPL-3.0-only", "LicenseRef-Copyfair"}).Draw(t, "license"), Price: genSchedule(t)}
	kinds := rapid.Permutation([]string{license.NonCommercial, license.Contributor, license.Cooperative, license.Nonprofit, license.SmallOrganisation, license.Member}).Draw(t, "order")
	kinds = kinds[:rapid.IntRange(0, len(kinds)).Draw(t, "rules")]
	for _, k := range kinds {
		r := license.Rule{Kind: k}
		switch k {
		case license.Contributor:
			r.MinAccepted = rapid.Int64Range(1, 5).Draw(t, "min_accepted")
			r.WindowDays = rapid.Int64Range(1, 730).Draw(t, "window_days")
		case license.SmallOrganisation:
			r.MaxEmployees = rapid.Int64Range(1, 100).Draw(t, "max_employees")
		case license.Member:
			p.JoinAlternative = rapid.Bool().Draw(t, "join")
		}
		p.Free = append(p.Free, r)
	}
	p.TrialDays = rapid.SampledFrom([]int64{0, 1, 30, 365}).Draw(t, "trial_days")
	for i := range rapid.IntRange(0, 3).Draw(t, "attestors") {
		p.Attestors = append(p.Attestors, fmt.Sprintf("%064x", i+1))
	}
	return p
}

func genFacts(t *rapid.T) license.Facts {
	f := license.Facts{
		Name:       "Acme",
		AgentKnown: true,
		Kind:       rapid.SampledFrom([]string{"", license.OrgIndividual, license.OrgCooperative, license.OrgWorkerOwned, license.OrgNonprofit, license.OrgAssociation, license.OrgCompany, license.OrgPublicBody}).Draw(t, "kind"),
		Attested:   rapid.Bool().Draw(t, "attested"),
		Employees:  rapid.OneOf(rapid.Int64Range(0, 300), rapid.Int64Range(0, 1<<62)).Draw(t, "employees"),
		Revenue:    rapid.OneOf(rapid.Int64Range(0, 10_000_000), rapid.Int64Range(0, 1<<62)).Draw(t, "revenue"),
		Member:     rapid.Bool().Draw(t, "member"),
		HadTrial:   rapid.Bool().Draw(t, "had_trial"),
	}
	f.AcceptedContributions = rapid.SliceOfN(contributionTime(), 0, 8).Draw(t, "contributions")
	return f
}

// contributionTime is a time around now, often near a window edge.
func contributionTime() *rapid.Generator[int64] {
	return rapid.Custom(func(t *rapid.T) int64 {
		days := rapid.Int64Range(-800, 2).Draw(t, "days")
		ms := rapid.SampledFrom([]int64{-1, 0, 1, day / 2}).Draw(t, "ms")
		return max(0, now+days*day+ms)
	})
}

func genUse(t *rapid.T) license.Use {
	return license.Use{Commercial: rapid.Bool().Draw(t, "commercial"), Scope: "s"}
}

func evaluate(t *rapid.T, p license.Policy, f license.Facts, u license.Use) license.Decision {
	d, err := license.Evaluate(&p, f, u, now)
	if err != nil {
		t.Fatalf("Evaluate: %v", err)
	}
	return d
}

func size(p license.Policy, f license.Facts) int64 {
	if p.Price.Basis == license.Revenue {
		return f.Revenue
	}
	return f.Employees
}

func TestPropertyDecisions(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p, f, u := genPolicy(t), genFacts(t), genUse(t)
		d := evaluate(t, p, f, u)

		// Deterministic, and the order of the contributions does not matter.
		f2 := f
		f2.AcceptedContributions = slices.Clone(f.AcceptedContributions)
		slices.Reverse(f2.AcceptedContributions)
		if d2 := evaluate(t, p, f2, u); !reflect.DeepEqual(d, d2) {
			t.Fatalf("two answers:\n%#v\n%#v", d, d2)
		}

		if d.Reason == "" || d.Rule == "" {
			t.Fatalf("unexplained decision %#v", d)
		}
		if d.Free {
			if d.Price.Amount != 0 || d.Price.Currency != "" {
				t.Fatalf("free decision with a price: %#v", d)
			}
			if d.Term < 0 {
				t.Fatalf("negative term: %#v", d)
			}
			return
		}
		// Paid: the price of the one band that holds the requester's size,
		// for a year.
		var in []int
		for i, b := range p.Price.Bands {
			if b.Contains(size(p, f)) {
				in = append(in, i)
			}
		}
		if len(in) != 1 {
			t.Fatalf("size %d is in bands %v", size(p, f), in)
		}
		b := p.Price.Bands[in[0]]
		if d.Rule != fmt.Sprintf("price.bands[%d]", in[0]) || d.Price.Amount != b.PricePerYear || d.Price.Currency != p.Price.Currency || d.Term != license.Year {
			t.Fatalf("paid %#v, want band %d %+v", d, in[0], b)
		}
		if p.TrialDays > 0 && !f.HadTrial {
			t.Fatalf("paid without the trial: %#v", d)
		}
	})
}

// TestPropertyMonotonic: an accepted contribution more, or an attestation,
// never turns a free decision into a paid one.
func TestPropertyMonotonic(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p, f, u := genPolicy(t), genFacts(t), genUse(t)
		d := evaluate(t, p, f, u)
		more := f
		if rapid.Bool().Draw(t, "attest") {
			more.Attested = true
		} else {
			more.AcceptedContributions = append(slices.Clone(f.AcceptedContributions), contributionTime().Draw(t, "new"))
		}
		d2 := evaluate(t, p, more, u)
		if d.Free && !d2.Free {
			t.Fatalf("free became paid:\n%#v\n%#v", d, d2)
		}
	})
}

// TestPropertyBands: exactly one band of a valid schedule holds any size.
func TestPropertyBands(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := genSchedule(t)
		var n int64
		switch rapid.IntRange(0, 2).Draw(t, "where") {
		case 0:
			b := s.Bands[rapid.IntRange(0, len(s.Bands)-1).Draw(t, "band")]
			n = max(0, b.From+rapid.Int64Range(-1, 1).Draw(t, "delta"))
		case 1:
			n = rapid.Int64Range(0, 10_000_000).Draw(t, "n")
		default:
			n = rapid.Int64Range(0, 1<<63-1).Draw(t, "n")
		}
		count := 0
		for _, b := range s.Bands {
			if b.Contains(n) {
				count++
			}
		}
		if count != 1 {
			t.Fatalf("size %d is in %d bands of %+v", n, count, s.Bands)
		}
	})
}

// TestPropertySchedules: valid schedules pass Check and survive encoding;
// moving one boundary to make a gap or an overlap fails Check and names the
// band.
func TestPropertySchedules(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := genPolicy(t)
		if err := p.Check(); err != nil {
			t.Fatalf("valid policy refused: %v", err)
		}
		b, err := p.Encode()
		if err != nil {
			t.Fatal(err)
		}
		p2, err := license.DecodePolicy(b)
		if err != nil {
			t.Fatalf("canonical form refused: %v\n%s", err, b)
		}
		if b2, _ := p2.Encode(); string(b) != string(b2) {
			t.Fatalf("round trip changed:\n%s\n%s", b, b2)
		}

		if len(p.Price.Bands) < 2 {
			return
		}
		i := rapid.IntRange(1, len(p.Price.Bands)-1).Draw(t, "band")
		delta := rapid.Int64Range(1, 1000).Draw(t, "delta")
		bands := slices.Clone(p.Price.Bands)
		p.Price.Bands = bands
		gap := rapid.Bool().Draw(t, "gap")
		want := fmt.Sprintf("price.bands[%d].from: ", i)
		if gap {
			bands[i].From += delta
			want += "is " + fmt.Sprint(bands[i].From) + ", but the band before ends at " + fmt.Sprint(bands[i-1].To) + ": the sizes in between have no price (a gap)"
		} else {
			bands[i].From -= delta
			want += "is " + fmt.Sprint(bands[i].From) + ", but the band before ends at " + fmt.Sprint(bands[i-1].To) + ": the sizes in between have two prices (an overlap)"
		}
		err = p.Check()
		if meent.ErrorCode(err) != meent.EINVALID || !strings.Contains(meent.ErrorMessage(err), want) {
			t.Fatalf("broken schedule %+v: got %v, want %q", bands, err, want)
		}
	})
}

// TestPropertyUnstatedFacts: a decision made without a fact does not
// depend on it. Evaluating with a fact unstated either refuses, naming
// that fact, or gives exactly the decision it gives for any value of the
// fact; and whenever it refuses, stating the fact makes it decide.
func TestPropertyUnstatedFacts(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p, f, u := genPolicy(t), genFacts(t), genUse(t)
		fact := rapid.SampledFrom([]string{license.Employees, license.Revenue}).Draw(t, "unstated")
		blind := f
		blind.Unstated = []string{fact}
		d, err := license.Evaluate(&p, blind, u, now)
		if err != nil {
			if meent.ErrorCode(err) != meent.EINVALID || !strings.Contains(meent.ErrorMessage(err), "state it ("+fact+")") {
				t.Fatalf("refusal %v does not name %s", err, fact)
			}
			evaluate(t, p, f, u) // stated, it decides
			return
		}
		for _, v := range []int64{0, 1, 9, 10, 249, 250, 1 << 40} {
			g := f
			if fact == license.Employees {
				g.Employees = v
			} else {
				g.Revenue = v
			}
			if d2 := evaluate(t, p, g, u); !reflect.DeepEqual(d, d2) {
				t.Fatalf("decided without %s, yet %s = %d changes it:\n%#v\n%#v", fact, fact, v, d, d2)
			}
		}
	})
}

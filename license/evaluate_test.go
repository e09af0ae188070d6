package license_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/meent/meent"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/license"
)

const (
	day       = license.Day
	now int64 = 20_000 * day // 2024-10-04
)

// acme is a company with 100 employees that already had its trial.
func acme() license.Facts {
	return license.Facts{Name: "Acme", AgentKnown: true, Kind: license.OrgCompany, Employees: 100, HadTrial: true}
}

var commercial = license.Use{Commercial: true, Scope: "hosted service"}

func TestEvaluate(t *testing.T) {
	eur := func(a int64) commons.Money { return commons.Money{Amount: a, Currency: "EUR"} }
	join := "join the cooperative: membership grants the license for as long as it lasts"
	for _, tc := range []struct {
		name   string
		policy func(*license.Policy)
		facts  func(*license.Facts)
		use    license.Use
		want   license.Decision
	}{
		{
			name: "non-commercial use",
			use:  license.Use{Scope: "teaching"},
			want: license.Decision{Free: true, Rule: "non_commercial", Reason: "Non-commercial use of this commons is free."},
		},
		{
			name:   "non-commercial use without the rule pays",
			policy: func(p *license.Policy) { p.Free = p.Free[1:] },
			use:    license.Use{},
			want: license.Decision{Rule: "price.bands[1]", Price: eur(240000), Term: license.Year,
				Reason: "No free rule applies. Acme has 100 employees, in price.bands[1] (from 50 to less than 250 employees): the license costs 2400.00 EUR a year.",
				Alternatives: []string{
					"have 2 more contributions accepted within 365 days (2 are needed; Acme has 0)",
					join,
				}},
		},
		{
			name:  "contributor: threshold exactly met",
			facts: func(f *license.Facts) { f.AcceptedContributions = []int64{now - 100*day, now - 10*day} },
			use:   commercial,
			want: license.Decision{Free: true, Rule: "contributor", Term: 265 * day,
				Reason: "Acme has 2 accepted contributions in the last 365 days; 2 are needed."},
		},
		{
			name:  "contributor: above the threshold, term from the 2nd most recent",
			facts: func(f *license.Facts) { f.AcceptedContributions = []int64{now - 10*day, now - 300*day, now - 100*day} },
			use:   commercial,
			want: license.Decision{Free: true, Rule: "contributor", Term: 265 * day,
				Reason: "Acme has 3 accepted contributions in the last 365 days; 2 are needed."},
		},
		{
			name:  "contributor: one short",
			facts: func(f *license.Facts) { f.AcceptedContributions = []int64{now - 10*day} },
			use:   commercial,
			want: license.Decision{Rule: "price.bands[1]", Price: eur(240000), Term: license.Year,
				Reason: "No free rule applies. Acme has 100 employees, in price.bands[1] (from 50 to less than 250 employees): the license costs 2400.00 EUR a year.",
				Alternatives: []string{
					"have 1 more contribution accepted within 365 days (2 are needed; Acme has 1)",
					join,
				}},
		},
		{
			name:  "contributor: window start is excluded",
			facts: func(f *license.Facts) { f.AcceptedContributions = []int64{now - 365*day, now} },
			use:   commercial,
			want: license.Decision{Rule: "price.bands[1]", Price: eur(240000), Term: license.Year,
				Reason: "No free rule applies. Acme has 100 employees, in price.bands[1] (from 50 to less than 250 employees): the license costs 2400.00 EUR a year.",
				Alternatives: []string{
					"have 1 more contribution accepted within 365 days (2 are needed; Acme has 1)",
					join,
				}},
		},
		{
			name:  "contributor: one ms inside the window, now included",
			facts: func(f *license.Facts) { f.AcceptedContributions = []int64{now - 365*day + 1, now} },
			use:   commercial,
			want: license.Decision{Free: true, Rule: "contributor", Term: 1,
				Reason: "Acme has 2 accepted contributions in the last 365 days; 2 are needed."},
		},
		{
			name:  "contributor: the future does not count",
			facts: func(f *license.Facts) { f.AcceptedContributions = []int64{now + 1, now - day} },
			use:   commercial,
			want: license.Decision{Rule: "price.bands[1]", Price: eur(240000), Term: license.Year,
				Reason: "No free rule applies. Acme has 100 employees, in price.bands[1] (from 50 to less than 250 employees): the license costs 2400.00 EUR a year.",
				Alternatives: []string{
					"have 1 more contribution accepted within 365 days (2 are needed; Acme has 1)",
					join,
				}},
		},
		{
			name:  "attested cooperative",
			facts: func(f *license.Facts) { f.Kind, f.Attested = license.OrgCooperative, true },
			use:   commercial,
			want: license.Decision{Free: true, Rule: "cooperative", Term: license.Year,
				Reason: "Acme is an attested cooperative; cooperatives and worker-owned enterprises use this commons free."},
		},
		{
			name:  "attested worker-owned enterprise",
			facts: func(f *license.Facts) { f.Kind, f.Attested = license.OrgWorkerOwned, true },
			use:   commercial,
			want: license.Decision{Free: true, Rule: "cooperative", Term: license.Year,
				Reason: "Acme is an attested worker-owned enterprise; cooperatives and worker-owned enterprises use this commons free."},
		},
		{
			name:  "unattested cooperative pays",
			facts: func(f *license.Facts) { f.Kind = license.OrgCooperative },
			use:   commercial,
			want: license.Decision{Rule: "price.bands[1]", Price: eur(240000), Term: license.Year,
				Reason: "No free rule applies. Acme has 100 employees, in price.bands[1] (from 50 to less than 250 employees): the license costs 2400.00 EUR a year.",
				Alternatives: []string{
					"have 2 more contributions accepted within 365 days (2 are needed; Acme has 0)",
					"have Acme's status as a cooperative attested by a maintainer of this commons, a node admin or an attestor its license policy names",
					join,
				}},
		},
		{
			name:  "attested company is no cooperative",
			facts: func(f *license.Facts) { f.Attested = true },
			use:   commercial,
			want: license.Decision{Rule: "price.bands[1]", Price: eur(240000), Term: license.Year,
				Reason: "No free rule applies. Acme has 100 employees, in price.bands[1] (from 50 to less than 250 employees): the license costs 2400.00 EUR a year.",
				Alternatives: []string{
					"have 2 more contributions accepted within 365 days (2 are needed; Acme has 0)",
					join,
				}},
		},
		{
			name:  "attested non-profit",
			facts: func(f *license.Facts) { f.Kind, f.Attested = license.OrgNonprofit, true },
			use:   commercial,
			want: license.Decision{Free: true, Rule: "nonprofit", Term: license.Year,
				Reason: "Acme is an attested non-profit; non-profits and associations use this commons free."},
		},
		{
			name:  "attested association",
			facts: func(f *license.Facts) { f.Kind, f.Attested = license.OrgAssociation, true },
			use:   commercial,
			want: license.Decision{Free: true, Rule: "nonprofit", Term: license.Year,
				Reason: "Acme is an attested association; non-profits and associations use this commons free."},
		},
		{
			name:  "unattested association pays",
			facts: func(f *license.Facts) { f.Kind = license.OrgAssociation },
			use:   commercial,
			want: license.Decision{Rule: "price.bands[1]", Price: eur(240000), Term: license.Year,
				Reason: "No free rule applies. Acme has 100 employees, in price.bands[1] (from 50 to less than 250 employees): the license costs 2400.00 EUR a year.",
				Alternatives: []string{
					"have 2 more contributions accepted within 365 days (2 are needed; Acme has 0)",
					"have Acme's status as an association attested by a maintainer of this commons, a node admin or an attestor its license policy names",
					join,
				}},
		},
		{
			name:  "small organisation at the limit",
			facts: func(f *license.Facts) { f.Employees = 10 },
			use:   commercial,
			want: license.Decision{Free: true, Rule: "small_organisation", Term: license.Year,
				Reason: "Acme has 10 employees; organisations with at most 10 use this commons free."},
		},
		{
			name:  "one employee",
			facts: func(f *license.Facts) { f.Employees, f.Kind = 1, license.OrgIndividual },
			use:   commercial,
			want: license.Decision{Free: true, Rule: "small_organisation", Term: license.Year,
				Reason: "Acme has 1 employee; organisations with at most 10 use this commons free."},
		},
		{
			name:  "one over the small limit",
			facts: func(f *license.Facts) { f.Employees = 11 },
			use:   commercial,
			want: license.Decision{Rule: "price.bands[0]", Price: eur(60000), Term: license.Year,
				Reason: "No free rule applies. Acme has 11 employees, in price.bands[0] (from 0 to less than 50 employees): the license costs 600.00 EUR a year.",
				Alternatives: []string{
					"have 2 more contributions accepted within 365 days (2 are needed; Acme has 0)",
					join,
				}},
		},
		{
			name:  "member",
			facts: func(f *license.Facts) { f.Member = true },
			use:   commercial,
			want: license.Decision{Free: true, Rule: "member", WhileMember: true,
				Reason: "Acme is a member of the cooperative; membership grants the license for as long as it lasts."},
		},
		{
			name:   "no join alternative offered",
			policy: func(p *license.Policy) { p.JoinAlternative = false },
			use:    commercial,
			want: license.Decision{Rule: "price.bands[1]", Price: eur(240000), Term: license.Year,
				Reason: "No free rule applies. Acme has 100 employees, in price.bands[1] (from 50 to less than 250 employees): the license costs 2400.00 EUR a year.",
				Alternatives: []string{
					"have 2 more contributions accepted within 365 days (2 are needed; Acme has 0)",
				}},
		},
		{
			name:  "trial first",
			facts: func(f *license.Facts) { f.HadTrial = false },
			use:   commercial,
			want: license.Decision{Free: true, Rule: "trial", Term: 30 * day,
				Reason: "Acme may use this commons free for a 30-day trial. After that the license costs 2400.00 EUR a year: Acme has 100 employees, in price.bands[1] (from 50 to less than 250 employees).",
				Alternatives: []string{
					"have 2 more contributions accepted within 365 days (2 are needed; Acme has 0)",
					join,
				}},
		},
		{
			name:   "no trial in the policy",
			policy: func(p *license.Policy) { p.TrialDays = 0 },
			facts:  func(f *license.Facts) { f.HadTrial = false },
			use:    commercial,
			want: license.Decision{Rule: "price.bands[1]", Price: eur(240000), Term: license.Year,
				Reason: "No free rule applies. Acme has 100 employees, in price.bands[1] (from 50 to less than 250 employees): the license costs 2400.00 EUR a year.",
				Alternatives: []string{
					"have 2 more contributions accepted within 365 days (2 are needed; Acme has 0)",
					join,
				}},
		},
		{
			name:   "first match wins",
			policy: func(p *license.Policy) { p.Free[1], p.Free[4] = p.Free[4], p.Free[1] },
			facts: func(f *license.Facts) {
				f.Employees, f.AcceptedContributions = 3, []int64{now, now}
			},
			use: commercial,
			want: license.Decision{Free: true, Rule: "small_organisation", Term: license.Year,
				Reason: "Acme has 3 employees; organisations with at most 10 use this commons free."},
		},
		{
			name:  "no name",
			facts: func(f *license.Facts) { f.Name, f.Member = "", true },
			use:   commercial,
			want: license.Decision{Free: true, Rule: "member", WhileMember: true,
				Reason: "The requester is a member of the cooperative; membership grants the license for as long as it lasts."},
		},
		{
			name: "revenue bands",
			policy: func(p *license.Policy) {
				p.Price = license.Schedule{Currency: "EUR", Basis: license.Revenue, Bands: []license.Band{
					{To: 100_000_000, PricePerYear: 50_000},
					{From: 100_000_000, PricePerYear: 500_000},
				}}
			},
			facts: func(f *license.Facts) { f.Revenue = 250_000_000 },
			use:   commercial,
			want: license.Decision{Rule: "price.bands[1]", Price: eur(500_000), Term: license.Year,
				Reason: "No free rule applies. Acme has a yearly revenue of 2500000.00 EUR, in price.bands[1] (1000000.00 EUR or more): the license costs 5000.00 EUR a year.",
				Alternatives: []string{
					"have 2 more contributions accepted within 365 days (2 are needed; Acme has 0)",
					join,
				}},
		},
		{
			name: "currency without minor units",
			policy: func(p *license.Policy) {
				p.Free, p.JoinAlternative = nil, false
				p.Price = license.Schedule{Currency: "JPY", Basis: license.Revenue, Bands: []license.Band{{PricePerYear: 90_000}}}
			},
			facts: func(f *license.Facts) { f.Revenue = 5 },
			use:   commercial,
			want: license.Decision{Rule: "price.bands[0]", Price: commons.Money{Amount: 90_000, Currency: "JPY"}, Term: license.Year,
				Reason: "No free rule applies. Acme has a yearly revenue of 5 JPY, in price.bands[0] (0 JPY or more): the license costs 90000 JPY a year."},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := base()
			if tc.policy != nil {
				tc.policy(&p)
			}
			f := acme()
			if tc.facts != nil {
				tc.facts(&f)
			}
			d, err := license.Evaluate(&p, f, tc.use, now)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(d, tc.want) {
				t.Fatalf("decision\n got %#v\nwant %#v", d, tc.want)
			}
		})
	}
}

func TestEvaluateBandEdges(t *testing.T) {
	p := base()
	p.Free, p.JoinAlternative = nil, false
	for _, tc := range []struct {
		employees int64
		band      string
		price     int64
	}{
		{0, "price.bands[0]", 60000},
		{49, "price.bands[0]", 60000},
		{50, "price.bands[1]", 240000},
		{249, "price.bands[1]", 240000},
		{250, "price.bands[2]", 1200000},
		{1 << 62, "price.bands[2]", 1200000},
	} {
		f := acme()
		f.Employees = tc.employees
		d, err := license.Evaluate(&p, f, commercial, now)
		if err != nil {
			t.Fatal(err)
		}
		if d.Free || d.Rule != tc.band || d.Price.Amount != tc.price {
			t.Errorf("%d employees: got %s at %d, want %s at %d", tc.employees, d.Rule, d.Price.Amount, tc.band, tc.price)
		}
	}
}

func TestEvaluateRefusals(t *testing.T) {
	for _, tc := range []struct {
		name   string
		policy *license.Policy
		facts  func(*license.Facts)
		use    license.Use
		now    int64
		code   string
		want   string
	}{
		{name: "unknown agent", facts: func(f *license.Facts) { f.AgentKnown = false }, code: meent.ERULE, want: "not a known agent"},
		{name: "unknown agent, non-commercial use", facts: func(f *license.Facts) { f.AgentKnown = false }, use: license.Use{}, code: meent.ERULE, want: "not a known agent"},
		{name: "no policy", policy: &license.Policy{}, code: meent.EINVALID, want: "license policy: format: 0"},
		{name: "negative time", now: -1, code: meent.EINVALID, want: "the time -1 is out of range"},
		{name: "time too late", now: license.MaxTime + 1, code: meent.EINVALID, want: "out of range"},
		{name: "unknown kind", facts: func(f *license.Facts) { f.Kind = "coop" }, code: meent.EINVALID, want: `"coop" is not a kind of organisation`},
		{name: "negative employees", facts: func(f *license.Facts) { f.Employees = -1 }, code: meent.EINVALID, want: "employees must not be negative"},
		{name: "negative revenue", facts: func(f *license.Facts) { f.Revenue = -1 }, code: meent.EINVALID, want: "revenue must not be negative"},
		{name: "negative contribution time", facts: func(f *license.Facts) { f.AcceptedContributions = []int64{-5} }, code: meent.EINVALID, want: "contribution time -5"},
		{name: "long name", facts: func(f *license.Facts) { f.Name = strings.Repeat("a", 201) }, code: meent.EINVALID, want: "name"},
		{name: "long scope", use: license.Use{Commercial: true, Scope: strings.Repeat("s", license.MaxScopeLen+1)}, code: meent.EINVALID, want: "scope"},
		{name: "bad UTF-8 scope", use: license.Use{Scope: "\xff"}, code: meent.EINVALID, want: "scope"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := base()
			if tc.policy != nil {
				p = *tc.policy
			}
			f := acme()
			if tc.facts != nil {
				tc.facts(&f)
			}
			n := now
			if tc.now != 0 {
				n = tc.now
			}
			_, err := license.Evaluate(&p, f, tc.use, n)
			if meent.ErrorCode(err) != tc.code || !strings.Contains(meent.ErrorMessage(err), tc.want) {
				t.Fatalf("got %v, want %s containing %q", err, tc.code, tc.want)
			}
		})
	}
	t.Run("nil policy", func(t *testing.T) {
		if _, err := license.Evaluate(nil, acme(), commercial, now); meent.ErrorCode(err) != meent.EINVALID {
			t.Fatalf("got %v, want EINVALID", err)
		}
	})
}

// TestEvaluateDoesNotChangeFacts: the caller's contribution list is not
// reordered.
func TestEvaluateDoesNotChangeFacts(t *testing.T) {
	p := base()
	f := acme()
	f.AcceptedContributions = []int64{now, now - day, now - 2*day}
	orig := slices.Clone(f.AcceptedContributions)
	if _, err := license.Evaluate(&p, f, commercial, now); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(orig, f.AcceptedContributions) {
		t.Fatalf("facts changed: %v", f.AcceptedContributions)
	}
}

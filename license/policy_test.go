package license_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/meent/meent"
	"github.com/meent/meent/license"
)

// canonical is the canonical form of base(): Maya's copyfair policy.
const canonical = `{"format":1,"version":1,"name":"copyfair","license":"PPL",` +
	`"free":[{"kind":"non_commercial"},{"kind":"contributor","min_accepted":2,"window_days":365},` +
	`{"kind":"cooperative"},{"kind":"nonprofit"},{"kind":"small_organisation","max_employees":10},{"kind":"member"}],` +
	`"price":{"currency":"EUR","basis":"employees","bands":[{"from":0,"to":50,"price_per_year":60000},` +
	`{"from":50,"to":250,"price_per_year":240000},{"from":250,"price_per_year":1200000}]},` +
	`"trial_days":30,"join_alternative":true}`

func base() license.Policy {
	return license.Policy{
		Format:  1,
		Version: 1,
		Name:    "copyfair",
		License: "PPL",
		Free: []license.Rule{
			{Kind: license.NonCommercial},
			{Kind: license.Contributor, MinAccepted: 2, WindowDays: 365},
			{Kind: license.Cooperative},
			{Kind: license.Nonprofit},
			{Kind: license.SmallOrganisation, MaxEmployees: 10},
			{Kind: license.Member},
		},
		Price: license.Schedule{Currency: "EUR", Basis: license.Employees, Bands: []license.Band{
			{From: 0, To: 50, PricePerYear: 60000},
			{From: 50, To: 250, PricePerYear: 240000},
			{From: 250, PricePerYear: 1200000},
		}},
		TrialDays:       30,
		JoinAlternative: true,
	}
}

func TestCanonical(t *testing.T) {
	b, err := base().Encode()
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != canonical {
		t.Fatalf("canonical form changed:\n got %s\nwant %s", b, canonical)
	}
	p, err := license.DecodePolicy([]byte(canonical))
	if err != nil {
		t.Fatal(err)
	}
	b2, _ := p.Encode()
	if !bytes.Equal(b, b2) {
		t.Fatalf("round trip changed the bytes:\n%s\n%s", b, b2)
	}
	// Insignificant space and member order do not matter on input.
	p, err = license.DecodePolicy([]byte(` { "license" : "MIT", "price": {"bands":[{"price_per_year":1,"from":0}],"basis":"revenue","currency":"CHF"}, "format": 1 } `))
	if err != nil {
		t.Fatal(err)
	}
	b, _ = p.Encode()
	if want := `{"format":1,"license":"MIT","price":{"currency":"CHF","basis":"revenue","bands":[{"from":0,"price_per_year":1}]}}`; string(b) != want {
		t.Fatalf("got %s, want %s", b, want)
	}
}

func TestDecodeRefusals(t *testing.T) {
	for name, in := range map[string]string{
		"unknown member":    strings.Replace(canonical, `"trial_days"`, `"trial":1,"trial_days"`, 1),
		"unknown nested":    strings.Replace(canonical, `{"kind":"member"}`, `{"kind":"member","id":"m"}`, 1),
		"member case":       strings.Replace(canonical, `"format"`, `"Format"`, 1),
		"duplicate member":  strings.Replace(canonical, `"name":"copyfair"`, `"name":"copyfair","name":"x"`, 1),
		"trailing data":     canonical + `{}`,
		"trailing garbage":  canonical + `x`,
		"invalid UTF-8":     strings.Replace(canonical, "copyfair", "copy\xfffair", 1),
		"wrong type":        strings.Replace(canonical, `"trial_days":30`, `"trial_days":"30"`, 1),
		"fraction":          strings.Replace(canonical, `"trial_days":30`, `"trial_days":30.5`, 1),
		"not JSON":          `format: 1`,
		"empty":             ``,
		"null":              `null`,
		"array":             `[]`,
		"fails Check":       strings.Replace(canonical, `"from":50,"to":250`, `"from":60,"to":250`, 1),
		"integer too large": strings.Replace(canonical, `"trial_days":30`, `"trial_days":99999999999999999999`, 1),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := license.DecodePolicy([]byte(in))
			if meent.ErrorCode(err) != meent.EINVALID {
				t.Fatalf("got %v, want EINVALID", err)
			}
		})
	}
	t.Run("too large", func(t *testing.T) {
		big := strings.Replace(canonical, "copyfair", strings.Repeat("x", license.MaxPolicySize), 1)
		_, err := license.DecodePolicy([]byte(big))
		if meent.ErrorCode(err) != meent.ETOOLARGE {
			t.Fatalf("got %v, want ETOOLARGE", err)
		}
	})
}

func TestCheck(t *testing.T) {
	if err := base().Check(); err != nil {
		t.Fatal(err)
	}
	bands := func(b ...license.Band) func(*license.Policy) {
		return func(p *license.Policy) { p.Price.Bands = b }
	}
	for _, tc := range []struct {
		name   string
		change func(*license.Policy)
		want   string // in the message; "" means the policy is valid
	}{
		{"format 0", func(p *license.Policy) { p.Format = 0 }, "format: 0 is not known"},
		{"format 2", func(p *license.Policy) { p.Format = 2 }, "format: 2 is not known"},
		{"negative version", func(p *license.Policy) { p.Version = -1 }, "version: must not be negative"},
		{"long name", func(p *license.Policy) { p.Name = strings.Repeat("n", 201) }, "name: must be at most 200 bytes"},
		{"bad UTF-8 name", func(p *license.Policy) { p.Name = "\xff" }, "name:"},

		{"no license", func(p *license.Policy) { p.License = "" }, "license: is required"},
		{"unknown license", func(p *license.Policy) { p.License = "Copyfair" }, `license: "Copyfair" is not a license identifier this node knows`},
		{"license case", func(p *license.Policy) { p.License = "agpl-3.0-only" }, `license: "agpl-3.0-only" is written "AGPL-3.0-only"`},
		{"empty LicenseRef", func(p *license.Policy) { p.License = "LicenseRef-" }, `license: "LicenseRef-": after`},
		{"LicenseRef space", func(p *license.Policy) { p.License = "LicenseRef-Peer Production" }, `after "LicenseRef-"`},
		{"LicenseRef plus", func(p *license.Policy) { p.License = "LicenseRef-PPL+" }, `after "LicenseRef-"`},
		{"DocumentRef", func(p *license.Policy) { p.License = "DocumentRef-x:LicenseRef-y" }, "not a license identifier"},
		{"expression", func(p *license.Policy) { p.License = "MIT OR PPL" }, "not a license identifier"},
		{"long LicenseRef", func(p *license.Policy) { p.License = "LicenseRef-" + strings.Repeat("a", 118) }, "longer than 128 bytes"},
		{"PPL", func(p *license.Policy) { p.License = "PPL" }, ""},
		{"LicenseRef-PPL", func(p *license.Policy) { p.License = "LicenseRef-PPL" }, ""},
		{"LicenseRef with . and -", func(p *license.Policy) { p.License = "LicenseRef-CopyFair-1.0" }, ""},
		{"AGPL", func(p *license.Policy) { p.License = "AGPL-3.0-or-later" }, ""},
		{"CERN-OHL-S", func(p *license.Policy) { p.License = "CERN-OHL-S-2.0" }, ""},

		{"no free rules", func(p *license.Policy) { p.Free, p.JoinAlternative = nil, false }, ""},
		{"unknown kind", func(p *license.Policy) { p.Free[2].Kind = "worker_owned" }, `free[2].kind: "worker_owned" is not a kind of free rule`},
		{"duplicate kind", func(p *license.Policy) { p.Free[3].Kind = license.Cooperative }, `free[3].kind: "cooperative" appears twice`},
		{"contributor min 0", func(p *license.Policy) { p.Free[1].MinAccepted = 0 }, "free[1].min_accepted: is 0; it must be from 1"},
		{"contributor min too big", func(p *license.Policy) { p.Free[1].MinAccepted = license.MaxMinAccepted + 1 }, "free[1].min_accepted:"},
		{"contributor window 0", func(p *license.Policy) { p.Free[1].WindowDays = 0 }, "free[1].window_days: is 0"},
		{"contributor window too long", func(p *license.Policy) { p.Free[1].WindowDays = 3661 }, "free[1].window_days: is 3661; it must be from 1 to 3660"},
		{"contributor with max_employees", func(p *license.Policy) { p.Free[1].MaxEmployees = 3 }, `free[1].max_employees: does not apply to a rule of kind "contributor"`},
		{"small 0", func(p *license.Policy) { p.Free[4].MaxEmployees = 0 }, "free[4].max_employees: is 0"},
		{"small negative", func(p *license.Policy) { p.Free[4].MaxEmployees = -1 }, "free[4].max_employees: is -1"},
		{"member with window", func(p *license.Policy) { p.Free[5].WindowDays = 30 }, `free[5].window_days: does not apply to a rule of kind "member"`},
		{"non_commercial with min", func(p *license.Policy) { p.Free[0].MinAccepted = 1 }, `free[0].min_accepted: does not apply`},

		{"no currency", func(p *license.Policy) { p.Price.Currency = "" }, `price.currency: "" is not a three-letter`},
		{"lower-case currency", func(p *license.Policy) { p.Price.Currency = "eur" }, `price.currency: "eur"`},
		{"long currency", func(p *license.Policy) { p.Price.Currency = "EURO" }, `price.currency: "EURO"`},
		{"no basis", func(p *license.Policy) { p.Price.Basis = "" }, `price.basis: "" must be "employees" or "revenue"`},
		{"bad basis", func(p *license.Policy) { p.Price.Basis = "headcount" }, `price.basis: "headcount"`},
		{"no bands", bands(), "price.bands: must hold from 1 to 32 bands"},
		{"too many bands", func(p *license.Policy) {
			var b []license.Band
			for i := int64(0); i < 33; i++ {
				b = append(b, license.Band{From: i, To: i + 1, PricePerYear: 1})
			}
			b[32].To = 0
			p.Price.Bands = b
		}, "price.bands: must hold from 1 to 32 bands"},
		{"one band", bands(license.Band{PricePerYear: 100}), ""},
		{"first not at 0", bands(license.Band{From: 1, To: 50, PricePerYear: 1}, license.Band{From: 50, PricePerYear: 2}), "price.bands[0].from: is 1; the first band must start at 0"},
		{"gap", bands(license.Band{To: 50, PricePerYear: 1}, license.Band{From: 51, PricePerYear: 2}), "price.bands[1].from: is 51, but the band before ends at 50: the sizes in between have no price (a gap)"},
		{"overlap", bands(license.Band{To: 50, PricePerYear: 1}, license.Band{From: 49, PricePerYear: 2}), "price.bands[1].from: is 49, but the band before ends at 50: the sizes in between have two prices (an overlap)"},
		{"gap at 2", func(p *license.Policy) { p.Price.Bands[2].From = 251 }, "price.bands[2].from: is 251"},
		{"overlap by moving to", func(p *license.Policy) { p.Price.Bands[1].To = 300 }, "price.bands[2].from: is 250, but the band before ends at 300"},
		{"open middle band", func(p *license.Policy) { p.Price.Bands[1].To = 0 }, "price.bands[1].to: is missing; only the last band has no upper end"},
		{"empty band", bands(license.Band{To: 50, PricePerYear: 1}, license.Band{From: 50, To: 50, PricePerYear: 1}, license.Band{From: 50, PricePerYear: 2}), "price.bands[1].to: is 50; it must be greater than from (50)"},
		{"negative to", bands(license.Band{To: -5, PricePerYear: 1}, license.Band{From: -5, PricePerYear: 2}), "price.bands[0].to: is -5"},
		{"bounded last band", func(p *license.Policy) { p.Price.Bands[2].To = 1000 }, "price.bands[2].to: is 1000; the last band must have no upper end"},
		{"zero price", func(p *license.Policy) { p.Price.Bands[0].PricePerYear = 0 }, "price.bands[0].price_per_year: must be from 1 to"},
		{"negative price", func(p *license.Policy) { p.Price.Bands[1].PricePerYear = -1 }, "price.bands[1].price_per_year:"},
		{"price too large", func(p *license.Policy) { p.Price.Bands[2].PricePerYear = license.MaxPrice + 1 }, "price.bands[2].price_per_year:"},

		{"negative trial", func(p *license.Policy) { p.TrialDays = -1 }, "trial_days: must be from 0 (no trial) to 365"},
		{"long trial", func(p *license.Policy) { p.TrialDays = 366 }, "trial_days:"},
		{"trial 365", func(p *license.Policy) { p.TrialDays = 365 }, ""},
		{"join without member rule", func(p *license.Policy) { p.Free = p.Free[:5] }, `join_alternative: needs a free rule of kind "member"`},
		{"attestor not an agent ID", func(p *license.Policy) { p.Attestors = []string{strings.Repeat("A", 64)} }, `attestors[0]: "` + strings.Repeat("A", 64) + `" is not an agent ID`},
		{"attestor twice", func(p *license.Policy) { p.Attestors = []string{strings.Repeat("a", 64), strings.Repeat("a", 64)} }, `attestors[1]: ` + strings.Repeat("a", 64) + ` appears twice`},
		{"too many attestors", func(p *license.Policy) {
			for i := 0; i <= license.MaxAttestors; i++ {
				p.Attestors = append(p.Attestors, fmt.Sprintf("%064x", i))
			}
		}, `attestors: names 65 agents; at most 64`},
		{"member rule without join", func(p *license.Policy) { p.JoinAlternative = false }, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := base()
			tc.change(&p)
			err := p.Check()
			if tc.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if meent.ErrorCode(err) != meent.EINVALID {
				t.Fatalf("got %v, want EINVALID", err)
			}
			if msg := meent.ErrorMessage(err); !strings.Contains(msg, tc.want) {
				t.Fatalf("message %q does not contain %q", msg, tc.want)
			}
			if !strings.HasPrefix(meent.ErrorMessage(err), "license policy: ") {
				t.Fatalf("message %q does not say what it is about", meent.ErrorMessage(err))
			}
		})
	}
}

func TestKnownLicense(t *testing.T) {
	for id, want := range map[string]bool{
		"PPL": true, "LicenseRef-PPL": true, "AGPL-3.0-only": true, "MIT": true, "EUPL-1.2": true,
		"CC-BY-NC-SA-4.0": true, "LicenseRef-a": true, "LicenseRef-1.0-x": true,
		"": false, "ppl": false, "LicenseRef-": false, "LicenseRef_x": false, "licenseref-x": false,
		"LicenseRef-é": false, "GPL-3.0": false, "GPL-3.0+": false,
	} {
		if got := license.KnownLicense(id); got != want {
			t.Errorf("KnownLicense(%q) = %v, want %v", id, got, want)
		}
	}
}

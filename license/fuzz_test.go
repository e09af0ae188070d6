package license_test

import (
	"bytes"
	"testing"

	"github.com/meent/meent"
	"github.com/meent/meent/license"
)

// FuzzDecodePolicy feeds arbitrary bytes to DecodePolicy: it never panics,
// refuses only with EINVALID or ETOOLARGE, an accepted policy reads back
// from its canonical form to the same bytes, and it evaluates without
// error.
func FuzzDecodePolicy(f *testing.F) {
	f.Add([]byte(canonical))
	for _, s := range []string{
		`{"format":1,"license":"MIT","price":{"currency":"EUR","basis":"employees","bands":[{"from":0,"price_per_year":1}]}}`,
		`{"format":1,"license":"LicenseRef-PPL","free":[{"kind":"contributor","min_accepted":1,"window_days":1}],"price":{"currency":"JPY","basis":"revenue","bands":[{"from":0,"to":1,"price_per_year":5},{"from":1,"price_per_year":7}]},"trial_days":365}`,
		`{"format":1,"license":"PPL","free":[{"kind":"member"}],"price":{"currency":"EUR","basis":"employees","bands":[{"from":0,"to":10,"price_per_year":1},{"from":11,"price_per_year":2}]},"join_alternative":true}`,
		`{"format":1,"license":"PPL","free":[{"kind":"member"},{"kind":"member"}]}`,
		`{"format":2}`,
		`{"format":1,"format":1}`,
		`{"format":-0,"version":1e3}`,
		`null`,
		`{`,
	} {
		f.Add([]byte(s))
	}
	facts := license.Facts{Name: "Acme", AgentKnown: true, Kind: license.OrgCompany, Employees: 42, Revenue: 1_000_000, AcceptedContributions: []int64{now - day}}
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := license.DecodePolicy(b)
		if err != nil {
			if code := meent.ErrorCode(err); code != meent.EINVALID && code != meent.ETOOLARGE {
				t.Fatalf("DecodePolicy: %v", err)
			}
			return
		}
		c, err := p.Encode()
		if err != nil {
			t.Fatalf("Encode: %v", err)
		}
		p2, err := license.DecodePolicy(c)
		if err != nil {
			t.Fatalf("canonical form refused: %v\n%s", err, c)
		}
		c2, err := p2.Encode()
		if err != nil || !bytes.Equal(c, c2) {
			t.Fatalf("canonical form changes (%v):\n%s\n%s", err, c, c2)
		}
		for _, u := range []license.Use{{Commercial: true}, {}} {
			d, err := license.Evaluate(&p, facts, u, now)
			if err != nil {
				t.Fatalf("Evaluate: %v", err)
			}
			if d.Free && d.Price.Amount != 0 {
				t.Fatalf("free with a price: %#v", d)
			}
		}
	})
}

package value

import (
	"bytes"
	"testing"

	"github.com/meent/meent"
	"github.com/meent/meent/commons"
)

// FuzzPolicy feeds arbitrary bytes to DecodePolicy and Compile: they
// never panic, refuse only with EINVALID or ETOOLARGE, and an accepted
// policy runs, and reads back from its canonical form to the same form.
func FuzzPolicy(f *testing.F) {
	def, _ := DefaultPolicy().Encode()
	f.Add(def)
	for _, s := range []string{
		`{"format":1,"default":"minutes","split":{"contributors":"1/1"}}`,
		`{"format":1,"default":"100 / minutes","split":{"contributors":"1/1"}}`,
		`{"format":1,"default":"minutes +","split":{"contributors":"1/2","co_budget":"1/2"}}`,
		`{"format":1,"equations":{"code":"isqrt(lines_added) * min(endorsements, 3)"},"default":"0","half_life_days":30,"cap_points":100,"period_days":7,"split":{"contributors":"1/3","upstream":[{"commons":"x","share":"2/3"}]}}`,
		`{"format":1,"default":"kind in [\"a\", \"b\"] ? amount / 100 : need_bounty","split":{"contributors":"1/1"}}`,
		`{"format":1,"default":"1","split":{"contributors":"999999999999999999/999999999999999999"}}`,
		`{"format":1,"default":"1","half_life_days":3650,"split":{"contributors":"1/1"}}`,
		`{"format":2}`,
		`{`,
	} {
		f.Add([]byte(s))
	}
	in := Input{Income: commons.Money{Amount: 12345, Currency: "EUR"}, AsOf: 100 * day, Contributions: []Contribution{
		{ID: "a", Contributor: "x", Kind: "code", LinesAdded: 120, Endorsements: 2, Submitted: 3 * day},
		{ID: "b", Identity: "git:y", Kind: "funds", Amount: 5000, Submitted: 50 * day},
		{ID: "c", Contributor: "x", Kind: "other", Minutes: 1 << 40, Submitted: 99 * day},
	}}
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := DecodePolicy(b)
		if err != nil {
			if code := meent.ErrorCode(err); code != meent.EINVALID && code != meent.ETOOLARGE {
				t.Fatalf("DecodePolicy: %v", err)
			}
			return
		}
		c, err := Compile(p)
		if err != nil {
			if meent.ErrorCode(err) != meent.EINVALID {
				t.Fatalf("Compile: %v", err)
			}
			return
		}
		res, err := Distribute(c, in)
		if err == nil {
			var sum int64
			for _, a := range res.Allocations {
				sum += a.Amount
			}
			if sum != in.Income.Amount {
				t.Fatalf("allocated %d of %d", sum, in.Income.Amount)
			}
		} else if meent.ErrorCode(err) != meent.EINVALID {
			t.Fatalf("Distribute: %v", err)
		}
		p2, err := DecodePolicy(c.Encoded())
		if err != nil {
			t.Fatalf("canonical form does not decode: %v", err)
		}
		c2, err := Compile(p2)
		if err != nil {
			t.Fatalf("canonical form does not compile: %v", err)
		}
		if !bytes.Equal(c.Encoded(), c2.Encoded()) {
			t.Fatalf("canonical form changes:\n%s\n%s", c.Encoded(), c2.Encoded())
		}
	})
}

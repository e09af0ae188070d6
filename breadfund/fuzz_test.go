package breadfund_test

import (
	"bytes"
	"testing"

	"github.com/meent/meent/breadfund"
)

// FuzzDecodePolicy: a policy document from anyone never panics the
// decoder, and one it accepts passes Check and encodes to a document that
// decodes to the same policy.
func FuzzDecodePolicy(f *testing.F) {
	f.Add([]byte(breadfund.Example().Marshal()))
	f.Add([]byte(`{"currency":"EUR","min_members":2,"max_members":2,"levels":[{"gift":1,"deposit":1}],"waiting_days":0,"max_months":1,"relapse_days":0,"percentages":[100],"buffer_months":1,"change_months":[1],"exit_months":[12],"objection_days":0,"costs_per_member":0,"approvals":1}`))
	f.Add([]byte(`{"levels":[{"gift":-1}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := breadfund.DecodePolicy(b)
		if err != nil {
			return
		}
		if err := p.Check(); err != nil {
			t.Fatalf("accepted a policy that fails Check: %v", err)
		}
		again, err := breadfund.DecodePolicy(p.Marshal())
		if err != nil || !bytes.Equal(again.Marshal(), p.Marshal()) {
			t.Fatalf("the policy does not survive encoding: %v", err)
		}
	})
}

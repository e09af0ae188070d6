package license

import "github.com/meent/meent/ledger"

// Refs returns the commons and the agents an event of this package
// touches besides its author, for the store's event index: the commons a
// policy, request, payment or revoked grant is about; the organisation an
// attestation speaks of; the licensee of a payment or of a revoked grant
// (a request's licensee is its author). license.attest belongs to no
// commons. It is called right after ev was applied.
func (s *State) Refs(ev *ledger.Event) (commons, agents []string) {
	switch ev.Type {
	case TypePolicySet:
		var d PolicySetData
		ev.DecodeData(&d)
		return one(d.Commons), nil
	case TypeAttest:
		var d AttestData
		ev.DecodeData(&d)
		return nil, one(d.Agent)
	case TypeRequest:
		var d RequestData
		ev.DecodeData(&d)
		return one(d.Commons), one(ev.Author)
	case TypePay:
		var d PayData
		ev.DecodeData(&d)
		return one(d.Commons), one(d.Licensee)
	case TypeRevoke:
		var d RevokeData
		ev.DecodeData(&d)
		if g := s.grants[d.Grant]; g != nil {
			return one(g.Commons), one(g.Licensee)
		}
	}
	return nil, nil
}

func one(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

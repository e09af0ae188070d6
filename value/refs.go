package value

import "github.com/meent/meent/ledger"

// Refs returns the commons and the agents an event of this package
// touches besides its author, for the store's event index: the commons of
// every event (a distribution's through its income), the payer of an
// income, every agent a distribution allocates money to, and the agent a
// settlement pays. Identities and pools are not agents and are not
// indexed. It is called right after ev was applied, so a distribution's
// result is in s.
func (s *State) Refs(ev *ledger.Event) (commons, agents []string) {
	switch ev.Type {
	case TypePolicySet:
		var d PolicySetData
		ev.DecodeData(&d)
		return one(d.Commons), nil
	case TypeIncomeRecord:
		var d IncomeData
		ev.DecodeData(&d)
		return one(d.Commons), one(d.Payer)
	case TypeDistributionRun:
		dist := s.distributions[ev.Hash.String()]
		if dist == nil {
			return nil, nil
		}
		for _, a := range dist.Result.Allocations {
			if a.Kind == RecipientAgent && a.Amount != 0 {
				agents = append(agents, a.Recipient)
			}
		}
		return one(dist.Commons), agents
	case TypePayoutSettle:
		var d SettleData
		ev.DecodeData(&d)
		if d.Kind == RecipientAgent {
			agents = one(d.Recipient)
		}
		return one(d.Commons), agents
	}
	return nil, nil
}

func one(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

package credit

import "github.com/meent/meent/ledger"

// Refs returns the commons and the agents an event of this package
// touches besides its author, for the store's event index: a transfer's
// payer and payee, a limit's holder, and the accounts a currency names
// (for demurrage: the receiving and the dust account). A demurrage event
// changes every account of the currency, but the index records only
// those two: listing 100,000 holders per period would make the index grow
// with the accounts, and an account's statement reads the periods from
// their objects instead (Statement).
func (s *State) Refs(ev *ledger.Event) (commons, agents []string) {
	var hs []string
	var code string
	switch ev.Type {
	case TypeCurrencyCreate, TypeCurrencyUpdate:
		var d CurrencyData
		ev.DecodeData(&d)
		if d.Demurrage != nil {
			hs, code = []string{d.Demurrage.Dust, d.Demurrage.To}, d.Code
		}
	case TypeTransfer:
		var d TransferData
		ev.DecodeData(&d)
		hs, code = []string{d.From, d.To}, d.Currency
	case TypeLimitSet:
		var d LimitData
		ev.DecodeData(&d)
		hs, code = []string{d.Account}, d.Currency
	case TypeDemurrage:
		var d DemurrageData
		ev.DecodeData(&d)
		if c := s.currencies[d.Currency]; c != nil && c.Demurrage != nil {
			hs, code = []string{c.Demurrage.Dust, c.Demurrage.To}, d.Currency
		}
	}
	for _, h := range hs {
		a := s.accounts[code+"/"+h]
		switch {
		case a == nil:
		case a.Kind == HolderCommons:
			commons = append(commons, h)
		default:
			agents = append(agents, h)
		}
	}
	return commons, agents
}

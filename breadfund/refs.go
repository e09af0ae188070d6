package breadfund

import "github.com/meent/meent/ledger"

// Refs returns the commons and the agents an event of this package
// touches besides its author, for the store's event index: always the
// fund's commons; the member a deposit, claim, exit or refund is of; the
// introducer of a candidate; the candidate objected to or admitted; a
// claim's member and buddy; every member a month's gifts or a year's
// buffer refunds pay or debit (a cost touches every member alike, so it
// names none). It is called right after ev was applied.
func (s *State) Refs(ev *ledger.Event) (commons, agents []string) {
	switch ev.Type {
	case TypePolicySet:
		var d PolicySetData
		ev.DecodeData(&d)
		return one(d.Commons), nil
	case TypeJoin:
		var d JoinData
		ev.DecodeData(&d)
		return one(d.Commons), one(d.Introducer)
	case TypeObject, TypeAdmit:
		var d CandidateData
		ev.DecodeData(&d)
		return one(d.Commons), one(d.Candidate)
	case TypeDeposit:
		var d DepositData
		ev.DecodeData(&d)
		return one(d.Commons), one(d.Member)
	case TypeLevel:
		var d LevelData
		ev.DecodeData(&d)
		return one(d.Commons), nil
	case TypeSick:
		var d SickData
		ev.DecodeData(&d)
		return one(d.Commons), one(d.Member)
	case TypeChange, TypeRecover, TypeCheckin:
		var d struct {
			Claim string `json:"claim"`
		}
		ev.DecodeData(&d)
		if c := s.claims[d.Claim]; c != nil {
			return one(c.Commons), append(one(c.Member), one(c.Buddy)...)
		}
	case TypeGifts, TypeSurplus:
		var d struct {
			Commons string `json:"commons"`
		}
		ev.DecodeData(&d)
		id := GiftsID(d.Commons, "")
		if ev.Type == TypeSurplus {
			var sd SurplusData
			ev.DecodeData(&sd)
			id = SurplusID(sd.Commons, sd.Year)
		} else {
			var gd GiftsData
			ev.DecodeData(&gd)
			id = GiftsID(gd.Commons, gd.Period)
		}
		return one(d.Commons), s.payoutAgents(id)
	case TypeApprove, TypeSettle:
		var d PayoutRef
		ev.DecodeData(&d)
		return one(d.Commons), s.payoutAgents(d.Payout)
	case TypeCost:
		var d CostData
		ev.DecodeData(&d)
		return one(d.Commons), nil
	case TypeExit:
		var d ExitData
		ev.DecodeData(&d)
		return one(d.Commons), one(d.Member)
	}
	return nil, nil
}

// payoutAgents names the members a payout pays and whose pots it debits.
func (s *State) payoutAgents(id string) []string {
	p := s.payouts[id]
	if p == nil {
		return nil
	}
	var out []string
	for _, l := range p.Lines {
		out = append(out, l.Member)
	}
	for _, d := range p.Debits {
		out = append(out, d.Member)
	}
	return out
}

func one(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

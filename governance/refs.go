package governance

import (
	"github.com/go-json-experiment/json"

	"github.com/meent/meent/ledger"
)

// Refs returns the commons and the agents an event of this package
// touches besides its author, for the store's event index: the poll's
// commons for every poll event (none for a poll of the node); the
// delegate of a delegation, and its commons; at a close, the agents the
// changes it carried name (a maintainer or member added or removed). It
// is called right after ev was applied.
func (s *State) Refs(ev *ledger.Event) (commons, agents []string) {
	pollCommons := func(id string) []string {
		if p := s.polls[id]; p != nil {
			return one(p.Commons)
		}
		return nil
	}
	switch ev.Type {
	case TypeOpen:
		var d OpenData
		ev.DecodeData(&d)
		return one(d.Commons), nil
	case TypeVote:
		var d VoteData
		ev.DecodeData(&d)
		return pollCommons(d.Poll), nil
	case TypeDelegate, TypeUndelegate:
		var d DelegateData
		if ev.Type == TypeUndelegate {
			var u UndelegateData
			ev.DecodeData(&u)
			d = DelegateData{Poll: u.Poll, Commons: u.Commons}
		} else {
			ev.DecodeData(&d)
		}
		c := one(d.Commons)
		if d.Poll != "" {
			c = pollCommons(d.Poll)
		}
		if ev.Type == TypeUndelegate {
			if old := s.delegations[delegationID(ev.Author, d.Poll, d.Commons)]; old != nil {
				return c, one(old.To)
			}
		}
		return c, one(d.To)
	case TypeClose:
		var d PollRef
		ev.DecodeData(&d)
		p := s.polls[d.Poll]
		if p == nil {
			return nil, nil
		}
		var named []string
		for _, e := range p.Effects {
			var x struct {
				Agent string `json:"agent"`
			}
			if json.Unmarshal(e.Data, &x) == nil {
				named = append(named, x.Agent)
			}
		}
		return one(p.Commons), nonEmpty(named)
	case TypeCancel:
		var d CancelData
		ev.DecodeData(&d)
		return pollCommons(d.Poll), nil
	case TypeRulesSet:
		var d RulesData
		ev.DecodeData(&d)
		return one(d.Commons), nil
	}
	return nil, nil
}

func one(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

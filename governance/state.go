package governance

import (
	"slices"

	"github.com/go-json-experiment/json"

	"github.com/meent/meent"
)

// State is what the governance rules know: polls, their votes and counted
// ballots, each poll's frozen electorate, delegations and the commons'
// decision rules. The zero value is not usable; call NewState.
type State struct {
	polls       map[string]*Poll
	votes       map[string]*Vote       // by vote ID (poll/voter)
	byPoll      map[string][]string    // vote IDs per poll, in order cast
	ballots     map[string]*Ballot     // by ballot ID (poll/voter), written at the close
	electorates map[string][]string    // poll → its electorate, sorted
	delegations map[string]*Delegation // by ID (from/scope)
	rules       map[string]*Rules      // by commons
	dirty       map[[2]string]bool     // kind, ID

	// enacting is the grant of the effect being enacted, while it is.
	enacting *grant
}

// grant is the right a passed decision lends its effect while it enacts.
type grant struct {
	poll    string
	action  string
	commons string
}

// NewState returns an empty State.
func NewState() *State {
	return &State{polls: map[string]*Poll{}, votes: map[string]*Vote{}, byPoll: map[string][]string{}, ballots: map[string]*Ballot{},
		electorates: map[string][]string{}, delegations: map[string]*Delegation{}, rules: map[string]*Rules{}, dirty: map[[2]string]bool{}}
}

// Poll returns a poll, or nil.
func (s *State) Poll(id string) *Poll { return s.polls[id] }

// Polls returns every poll, in the order opened.
func (s *State) Polls() []*Poll {
	out := make([]*Poll, 0, len(s.polls))
	for _, p := range s.polls {
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b *Poll) int { return int(a.Index - b.Index) })
	return out
}

// Votes returns the current votes of a poll, in the order first cast.
func (s *State) Votes(poll string) []*Vote {
	ids := s.byPoll[poll]
	out := make([]*Vote, len(ids))
	for i, id := range ids {
		out[i] = s.votes[id]
	}
	return out
}

// Ballots returns the counted ballots of a closed poll, by voter.
func (s *State) Ballots(poll string) []*Ballot {
	var out []*Ballot
	for _, voter := range s.electorates[poll] {
		if b := s.ballots[childID(poll, voter)]; b != nil {
			out = append(out, b)
		}
	}
	return out
}

// DelegationsOf returns an agent's delegations (active and revoked), in
// the order made.
func (s *State) DelegationsOf(agentID string) []*Delegation {
	var out []*Delegation
	for _, d := range s.delegations {
		if d.From == agentID {
			out = append(out, d)
		}
	}
	slices.SortFunc(out, func(a, b *Delegation) int { return int(a.Index - b.Index) })
	return out
}

// Electorate returns the members who may vote in a poll, sorted: frozen
// at its open.
func (s *State) Electorate(poll string) []string { return s.electorates[poll] }

// VoteOf returns an agent's current vote in a poll, or nil.
func (s *State) VoteOf(poll, voter string) *Vote { return s.votes[childID(poll, voter)] }

// Delegation returns an agent's delegation in a scope (a poll, a commons,
// or both empty for the node), or nil.
func (s *State) Delegation(from, poll, commonsID string) *Delegation {
	return s.delegations[delegationID(from, poll, commonsID)]
}

// Rules returns a commons' decision rules, or nil.
func (s *State) Rules(commonsID string) *Rules { return s.rules[commonsID] }

func childID(poll, voter string) string { return poll + "/" + voter }

func delegationID(from, poll, commonsID string) string {
	switch {
	case poll != "":
		return from + "/poll/" + poll
	case commonsID != "":
		return from + "/commons/" + commonsID
	}
	return from + "/node"
}

func marshal(v any) []byte {
	b, err := json.Marshal(v, json.Deterministic(true))
	if err != nil {
		panic(err) // the types are ours and always marshal
	}
	return b
}

// object returns the object of a kind and ID.
func (s *State) object(kind, id string) (meent.Object, bool) {
	switch kind {
	case KindPoll:
		if p := s.polls[id]; p != nil {
			up := p.Index
			if p.Ended > 0 {
				up = p.Ended
			}
			return meent.Object{Kind: kind, ID: id, Commons: p.Commons, Agent: p.Opener, Status: p.Status, Created: p.Index, Updated: up, Data: marshal(p)}, true
		}
	case KindVote:
		if v := s.votes[id]; v != nil {
			return meent.Object{Kind: kind, ID: id, Parent: v.Poll, Commons: s.polls[v.Poll].Commons, Agent: v.Voter, Status: "cast", Created: v.Index, Updated: v.Updated, Data: marshal(v)}, true
		}
	case KindBallot:
		if b := s.ballots[id]; b != nil {
			p := s.polls[b.Poll]
			status := "direct"
			if b.Via != "" {
				status = "delegated"
			}
			return meent.Object{Kind: kind, ID: id, Parent: b.Poll, Commons: p.Commons, Agent: b.Voter, Status: status, Created: p.Ended, Updated: p.Ended, Data: marshal(b)}, true
		}
	case KindDelegation:
		if d := s.delegations[id]; d != nil {
			return meent.Object{Kind: kind, ID: id, Commons: d.Commons, Agent: d.From, Status: d.Status, Created: d.Index, Updated: d.Updated, Data: marshal(d)}, true
		}
	case KindRules:
		if r := s.rules[id]; r != nil {
			return meent.Object{Kind: kind, ID: id, Commons: id, Status: "set", Created: r.Index, Updated: r.Index, Data: marshal(r)}, true
		}
	}
	return meent.Object{}, false
}

// Objects emits every object the state holds.
func (s *State) Objects(emit func(meent.Object)) {
	each := func(kind string, ids func(func(string))) {
		ids(func(id string) {
			o, _ := s.object(kind, id)
			emit(o)
		})
	}
	each(KindPoll, func(f func(string)) {
		for id := range s.polls {
			f(id)
		}
	})
	each(KindVote, func(f func(string)) {
		for id := range s.votes {
			f(id)
		}
	})
	each(KindBallot, func(f func(string)) {
		for id := range s.ballots {
			f(id)
		}
	})
	each(KindDelegation, func(f func(string)) {
		for id := range s.delegations {
			f(id)
		}
	})
	each(KindRules, func(f func(string)) {
		for id := range s.rules {
			f(id)
		}
	})
}

// ObjectKinds returns the kinds of which the state holds at least one
// object, without encoding any.
func (s *State) ObjectKinds() []string {
	var out []string
	for kind, n := range map[string]int{KindPoll: len(s.polls), KindVote: len(s.votes), KindBallot: len(s.ballots), KindDelegation: len(s.delegations), KindRules: len(s.rules)} {
		if n > 0 {
			out = append(out, kind)
		}
	}
	return out
}

// TakeDirty returns the objects changed since the last call and forgets them.
func (s *State) TakeDirty() []meent.Object {
	out := make([]meent.Object, 0, len(s.dirty))
	for k := range s.dirty {
		if o, ok := s.object(k[0], k[1]); ok {
			out = append(out, o)
		}
	}
	clear(s.dirty)
	return out
}

// DropDirty forgets changed objects.
func (s *State) DropDirty() { clear(s.dirty) }

func (s *State) touch(kind, id string) { s.dirty[[2]string{kind, id}] = true }

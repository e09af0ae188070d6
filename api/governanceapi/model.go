package governanceapi

import (
	"github.com/meent/meent"
	"github.com/meent/meent/authority"
	"github.com/meent/meent/governance"
	"github.com/meent/meent/http"
	"github.com/meent/meent/state"
)

// Model is governance's read model: what the API answers and the pages
// (web/governanceweb) show, read the same way. Every read copies out of
// the rules' state under its lock.
type Model struct{ *http.Server }

// Poll returns a copy of a poll, or ENOTFOUND.
func (m Model) Poll(id string) (*governance.Poll, error) {
	var out *governance.Poll
	m.Node().State(func(st *state.State) {
		if p := st.Govern.Poll(id); p != nil {
			c := *p
			out = &c
		}
	})
	if out == nil {
		return nil, meent.Errorf(meent.ENOTFOUND, "no poll %s", id)
	}
	return out, nil
}

// Polls returns copies of the polls in the order opened: of one commons
// (commonsID), of the node alone ("node"), or all (""), and of one status
// (or any: "").
func (m Model) Polls(commonsID, status string) []*governance.Poll {
	var out []*governance.Poll
	m.Node().State(func(st *state.State) {
		for _, p := range st.Govern.Polls() {
			if (commonsID == "" || p.Commons == commonsID || commonsID == "node" && p.Commons == "") && (status == "" || p.Status == status) {
				c := *p
				out = append(out, &c)
			}
		}
	})
	return out
}

// Votes returns copies of a poll's current votes, in the order first cast.
func (m Model) Votes(poll string) []*governance.Vote {
	var out []*governance.Vote
	m.Node().State(func(st *state.State) {
		for _, v := range st.Govern.Votes(poll) {
			c := *v
			out = append(out, &c)
		}
	})
	return out
}

// Ballots returns copies of a closed poll's counted ballots, by voter.
func (m Model) Ballots(poll string) []*governance.Ballot {
	var out []*governance.Ballot
	m.Node().State(func(st *state.State) {
		for _, b := range st.Govern.Ballots(poll) {
			c := *b
			out = append(out, &c)
		}
	})
	return out
}

// Electorate returns a poll's frozen electorate, sorted.
func (m Model) Electorate(poll string) []string {
	var out []string
	m.Node().State(func(st *state.State) { out = append(out, st.Govern.Electorate(poll)...) })
	return out
}

// Voter says what agent may do in a poll now: vote (in its frozen
// electorate), and its current vote, if any.
func (m Model) Voter(poll, agentID string) (inElectorate bool, vote *governance.Vote) {
	m.Node().State(func(st *state.State) {
		for _, a := range st.Govern.Electorate(poll) {
			if a == agentID {
				inElectorate = true
				break
			}
		}
		if v := st.Govern.VoteOf(poll, agentID); v != nil {
			c := *v
			vote = &c
		}
	})
	return inElectorate, vote
}

// MayOpen reports whether agent may open a poll in a commons (or, with
// commonsID "", of the node), as the rules would decide now.
func (m Model) MayOpen(agentID, commonsID string) bool {
	var ok bool
	m.Node().State(func(st *state.State) {
		pl := authority.Node()
		if commonsID != "" {
			c := st.Commons.Commons(commonsID)
			if c == nil {
				return
			}
			pl = authority.In(commonsID, c.Name)
		}
		ok = st.Authority().Allowed(agentID, authority.OpenPoll, pl)
	})
	return ok
}

package governanceapi

import (
	"fmt"
	nethttp "net/http"

	"github.com/meent/meent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/governance"
	"github.com/meent/meent/http"
	"github.com/meent/meent/state"
)

// idx is a log index as a key that sorts as it counts.
func idx(i int64) string { return fmt.Sprintf("%020d", i) }

// page answers one page of items held in memory.
func page[T any](s server, w nethttp.ResponseWriter, r *nethttp.Request, list string, items []T, key func(T) string, answer func([]T, string) any) {
	q, err := http.QueryPage(r, list)
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	p, next, err := http.PageSlice(items, q, list, key)
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	http.SetNext(w, r, next)
	http.WriteJSON(w, r, nethttp.StatusOK, answer(http.NonNil(p), next))
}

// apiPolls lists polls in the order opened, optionally of one commons
// (?commons=, "node" for the node's own) and one status (?status=).
func (s server) apiPolls(w nethttp.ResponseWriter, r *nethttp.Request) {
	out := s.Polls(r.URL.Query().Get("commons"), r.URL.Query().Get("status"))
	page(s, w, r, "polls", out, func(p *governance.Poll) string { return idx(p.Index) },
		func(p []*governance.Poll, next string) any { return api.PollList{Polls: p, Next: next} })
}

// poll returns a copy of a poll, or ENOTFOUND.
func (s server) poll(id string) (*governance.Poll, error) { return s.Poll(id) }

func (s server) apiPoll(w nethttp.ResponseWriter, r *nethttp.Request) {
	p, err := s.poll(r.PathValue("id"))
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	http.WriteJSON(w, r, nethttp.StatusOK, p)
}

func (s server) apiVotes(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := r.PathValue("id")
	if _, err := s.poll(id); err != nil {
		s.WriteError(w, r, err)
		return
	}
	out := s.Votes(id)
	page(s, w, r, "votes", out, func(v *governance.Vote) string { return idx(v.Index) },
		func(v []*governance.Vote, next string) any { return api.VoteList{Votes: v, Next: next} })
}

func (s server) apiBallots(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := r.PathValue("id")
	if _, err := s.poll(id); err != nil {
		s.WriteError(w, r, err)
		return
	}
	out := s.Ballots(id)
	page(s, w, r, "ballots", out, func(b *governance.Ballot) string { return b.Voter },
		func(b []*governance.Ballot, next string) any { return api.BallotList{Ballots: b, Next: next} })
}

func (s server) apiElectorate(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := r.PathValue("id")
	if _, err := s.poll(id); err != nil {
		s.WriteError(w, r, err)
		return
	}
	out := s.Electorate(id)
	page(s, w, r, "electorate", out, func(a string) string { return a },
		func(a []string, next string) any { return api.Electorate{Agents: a, Next: next} })
}

func (s server) apiDelegations(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := r.PathValue("id")
	var out []*governance.Delegation
	s.Node().State(func(st *state.State) {
		for _, d := range st.Govern.DelegationsOf(id) {
			c := *d
			out = append(out, &c)
		}
	})
	page(s, w, r, "delegations", out, func(d *governance.Delegation) string { return idx(d.Index) },
		func(d []*governance.Delegation, next string) any {
			return api.DelegationList{Delegations: d, Next: next}
		})
}

func (s server) apiRules(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := r.PathValue("id")
	var out *governance.Rules
	var known bool
	s.Node().State(func(st *state.State) {
		known = st.Commons.Commons(id) != nil
		if x := st.Govern.Rules(id); x != nil {
			c := *x
			out = &c
		}
	})
	switch {
	case !known:
		s.WriteError(w, r, meent.Errorf(meent.ENOTFOUND, "no commons %s", id))
	case out == nil:
		http.WriteJSON(w, r, nethttp.StatusOK, governance.Rules{Commons: id, Decide: []string{}, Index: -1})
	default:
		http.WriteJSON(w, r, nethttp.StatusOK, out)
	}
}

func (s server) apiKinds(w nethttp.ResponseWriter, r *nethttp.Request) {
	out := []api.EffectKind{}
	for _, t := range governance.KindTypes() {
		k, _ := governance.KindOf(t)
		out = append(out, api.EffectKind{Type: t, Action: string(k.Action)})
	}
	http.WriteJSON(w, r, nethttp.StatusOK, out)
}

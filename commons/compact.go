package commons

import "github.com/go-json-experiment/json/jsontext"

// A node holds its whole live state in memory, so the bytes per object
// count (docs/benchmarks.md, "Memory and the snapshot pause"). A decoded
// snapshot holds a separate copy of every string: a commons' ID once in
// each of its contributions and needs, an agent's ID once in every step
// of history, the key of every map once more beside the ID inside its
// value. A restore therefore makes every reference share the one copy the
// state already holds (the object's map key, the agent state's ID), and
// every short enumerated value (a status, a kind, an action) share one
// copy per distinct value. Nothing the rules see changes: the same
// strings, held once.

// RestoreSnapshot replaces the commons state with the one a snapshot
// holds, in place, with every ID shared with the object it names and
// agent IDs shared with the agent state (restored before this area).
func (a Area) RestoreSnapshot(dec *jsontext.Decoder) error {
	if err := a.State.RestoreSnapshot(dec); err != nil {
		return err
	}
	agentID := func(id string) string { return id }
	if a.Agents != nil {
		// The same agent comes several times in a row (a contributor in
		// the first step of history, a maintainer in the review, the
		// approval and the next step): the last few found are compared
		// first, which spares most lookups in the agent map, each a cache
		// miss once it holds a few hundred thousand agents.
		var recent [4]string
		next := 0
		agentID = func(id string) string {
			for _, r := range recent {
				if r == id {
					return r
				}
			}
			if g := a.Agents.Agent(id); g != nil {
				recent[next%len(recent)] = g.ID
				next++
				return g.ID
			}
			return id
		}
	}
	a.State.compact(agentID)
	return nil
}

// words interns short enumerated strings during one compaction.
type words map[string]string

func (w words) of(v string) string {
	if v == "" {
		return ""
	}
	if c, ok := w[v]; ok {
		return c
	}
	w[v] = v
	return v
}

// compact makes the state's references share one copy of each ID (see
// above). agentID returns the agent state's copy of an agent ID.
func (s *State) compact(agentID func(string) string) {
	w := words{}
	agents := func(ids []string) {
		for i, id := range ids {
			ids[i] = agentID(id)
		}
	}
	// The map's key is the object's ID: the object keeps the key's copy.
	commons := s.commons
	for id, c := range commons {
		if c.ID == id {
			c.ID = id
		}
	}
	commonsID := func(id string) string {
		if c := commons[id]; c != nil {
			return c.ID
		}
		return id
	}
	for _, c := range commons {
		c.Kind = w.of(c.Kind)
		c.Creator = agentID(c.Creator)
		c.ForkOf = commonsID(c.ForkOf)
		agents(c.Maintainers)
		for i, f := range c.Forks {
			c.Forks[i] = commonsID(f)
		}
	}
	needs := s.needs
	for id, n := range needs {
		if n.ID == id {
			n.ID = id
		}
	}
	contributions := s.contributions
	for id, k := range contributions {
		if k.ID == id {
			k.ID = id
		}
	}

	for _, k := range contributions {
		k.Commons = commonsID(k.Commons)
		k.Contributor = agentID(k.Contributor)
		k.Kind, k.Status = w.of(k.Kind), w.of(k.Status)
		if n := needs[k.Need]; n != nil {
			k.Need = n.ID
		}
		if k.Import != nil {
			k.Import.By = agentID(k.Import.By)
		}
		if q := k.Quantities.Amount; q != nil {
			q.Currency = w.of(q.Currency)
		}
		agents(k.Approvals)
		agents(k.Rejecters)
		agents(k.Endorsements)
		for i := range k.History {
			h := &k.History[i]
			h.Agent, h.Action = agentID(h.Agent), w.of(h.Action)
		}
		for i := range k.reviews {
			r := &k.reviews[i]
			r.agent, r.verdict = agentID(r.agent), w.of(r.verdict)
		}
	}
	for _, n := range needs {
		n.Commons = commonsID(n.Commons)
		n.Poster = agentID(n.Poster)
		n.Status = w.of(n.Status)
		if k := contributions[n.ClosedBy]; k != nil {
			n.ClosedBy = k.ID
		}
		if n.Bounty != nil {
			n.Bounty.Currency = w.of(n.Bounty.Currency)
		}
		agents(n.PlusOnes)
		for i := range n.Priorities {
			n.Priorities[i].Agent = agentID(n.Priorities[i].Agent)
		}
		for i := range n.Pledges {
			p := &n.Pledges[i]
			p.Agent, p.Currency = agentID(p.Agent), w.of(p.Currency)
		}
		for i := range n.Claims {
			n.Claims[i].Agent = agentID(n.Claims[i].Agent)
		}
	}
	for _, ids := range s.byCommons {
		for i, id := range ids {
			if k := contributions[id]; k != nil {
				ids[i] = k.ID
			}
		}
	}
	for _, ms := range s.mappings {
		for _, m := range ms {
			m.Agent = agentID(m.Agent)
		}
	}
	for _, cl := range s.claims {
		cl.Commons = commonsID(cl.Commons)
		cl.Agent = agentID(cl.Agent)
		cl.Status = w.of(cl.Status)
	}
}

var verdicts = map[string]string{VerdictAccept: VerdictAccept, VerdictReject: VerdictReject, VerdictChanges: VerdictChanges}

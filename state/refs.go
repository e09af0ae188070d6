package state

import (
	"slices"

	"github.com/meent/meent/ledger"
)

// Refs returns the commons and the agents ev touches, for the store's
// event index (meent.Record's Commons and Agents, docs/architecture.md
// "The event index and child objects"): its author always, and whatever
// the area that owns its type names (the contributor of a reviewed
// contribution, the agent an identity maps to, the payee of a
// settlement, ...). It must be called right after s.Apply(ev) succeeded,
// before the next event is applied: an area reads the objects ev created
// or changed, as they are at that point of the log. Both lists are sorted
// and hold each ID once, so the same log always yields the same index.
func (s *State) Refs(ev *ledger.Event) (cs, agents []string) {
	if a := s.reg.byType[ev.Type]; a != nil {
		cs, agents = a.Refs(ev)
	}
	if ev.Author != "" {
		agents = append(agents, ev.Author)
	}
	return set(cs), set(agents)
}

// set sorts ids and drops duplicates and empty strings; it never keeps a
// caller's slice, which may belong to an object of the state.
func set(ids []string) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if id != "" {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	out = slices.Compact(out)
	if len(out) == 0 {
		return nil
	}
	return out
}

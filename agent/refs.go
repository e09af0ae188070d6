package agent

import "github.com/meent/meent/ledger"

// Refs returns the commons and the agents an event of this package
// touches besides its author, for the store's event index: the new agent
// of agent.create (whose author is empty), the agent a membership event
// admits, changes or removes. Agent events belong to no commons. It is
// called right after ev was applied.
func (s *State) Refs(ev *ledger.Event) (commons, agents []string) {
	switch ev.Type {
	case TypeCreate:
		return nil, []string{ev.Hash.String()}
	case TypeMemberSet, TypeMemberRm:
		var d MemberData
		if ev.DecodeData(&d) == nil && d.Agent != "" {
			return nil, []string{d.Agent}
		}
	}
	return nil, nil
}

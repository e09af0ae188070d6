package agent

import (
	"slices"

	"github.com/meent/meent"
	"github.com/meent/meent/authority"
)

// The agent area as the node's state sees it (state.Area). It reads no
// other area, so the State is the area itself.

// Name names the area.
func (s *State) Name() string { return "agent" }

// Version is the shape of what the area holds; bump it when that changes.
func (s *State) Version() int { return 1 }

// Types returns the event types the area owns, sorted.
func (s *State) Types() []string {
	out := make([]string, 0, len(handlers))
	for t := range handlers {
		out = append(out, t)
	}
	slices.Sort(out)
	return out
}

// Kinds returns no object kinds: agents, members and keys are digest lines
// of their own (Lines), projected into their own tables.
func (s *State) Kinds() []string { return nil }

// Objects emits nothing: see Kinds.
func (s *State) Objects(func(meent.Object)) {}

// TakeDirty returns nothing: see Kinds.
func (s *State) TakeDirty() []meent.Object { return nil }

// DropDirty does nothing: see Kinds.
func (s *State) DropDirty() {}

// Roles are the roles the agent area knows (authority.Source).
func (s *State) Roles() []authority.Role { return []authority.Role{authority.Admin, authority.Member} }

// Holds reports whether an agent is a node admin or a member, as of now.
func (s *State) Holds(r authority.Role, agentID string, _ authority.Place) bool {
	a := s.agents[agentID]
	if a == nil {
		return false
	}
	switch r {
	case authority.Admin:
		return a.Role == RoleAdmin
	case authority.Member:
		return a.Role != ""
	}
	return false
}

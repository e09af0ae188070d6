package state

import (
	"github.com/meent/meent/breadfund"
	"github.com/meent/meent/budget"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/credit"
	"github.com/meent/meent/governance"
	"github.com/meent/meent/license"
	"github.com/meent/meent/sharing"
	"github.com/meent/meent/value"
)

// areas is the one list of the node's rule areas, in dependency order: an
// area comes after those it reads, and effects are delivered to handlers
// in this order. A new area is one line here, its state as a field of
// State made in New, and its rows of EventTypes (docs/architecture.md,
// "Adding an area, step by step").
func (s *State) areas() []Area {
	return []Area{
		s.Agents,
		commons.Area{State: s.Commons, Agents: s.Agents},
		value.Area{State: s.Value, Agents: s.Agents, Commons: s.Commons},
		license.Area{State: s.License, Agents: s.Agents, Commons: s.Commons},
		governance.Area{State: s.Govern, Agents: s.Agents, Commons: s.Commons},
		budget.Area{State: s.Budget, Agents: s.Agents, Commons: s.Commons, Value: s.Value},
		credit.Area{State: s.Credit, Agents: s.Agents, Commons: s.Commons},
		breadfund.Area{State: s.Breadfund, Agents: s.Agents, Commons: s.Commons},
		sharing.Area{State: s.Sharing, Agents: s.Agents, Commons: s.Commons},
	}
}

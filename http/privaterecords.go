package http

import (
	"github.com/meent/meent"
	"github.com/meent/meent/agent"
	"github.com/meent/meent/private"
	"github.com/meent/meent/state"
)

// PrivateStore returns the private records, or EUNAVAILABLE when the
// node keeps none.
func (s *Server) PrivateStore() (private.Store, error) {
	if s.opts.Private == nil {
		return nil, meent.Errorf(meent.EUNAVAILABLE, "this node keeps no private records")
	}
	return s.opts.Private, nil
}

// Reader says what agent may do with private records: whether it is an
// admin, and which commons it maintains among the one given.
func (s *Server) Reader(agentID, commonsID string) private.Reader {
	rd := private.Reader{Agent: agentID}
	s.node.State(func(st *state.State) {
		if a := st.Agents.Agent(agentID); a != nil && a.Role == agent.RoleAdmin {
			rd.Admin = true
		}
		if c := st.Commons.Commons(commonsID); c != nil {
			rd.Maintainers = append([]string(nil), c.Maintainers...)
		}
	})
	return rd
}

package license

import (
	"slices"

	"github.com/meent/meent/agent"
	"github.com/meent/meent/area"
	"github.com/meent/meent/authority"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/value"
)

// Area is the licensing rules as one area of the node's state
// (state.Area): the State, and the states its rules read (signers and
// requesters; commons, their maintainers and contributions). It writes
// nothing in them: a paid grant's fee reaches the value area as the
// value.IncomeEarned effect.
type Area struct {
	*State
	Agents  *agent.State
	Commons *commons.State
}

// op is the event being applied, with what every handler needs.
type op struct {
	*area.Context
	ev      *ledger.Event
	me      string // the signer
	agents  *agent.State
	commons *commons.State
}

// maintainer checks that the signer may do act in a commons.
func (x op) maintainer(commonsID string, act authority.Action) error {
	c := x.commons.Commons(commonsID)
	if c == nil {
		return refuse("unknown commons %s", commonsID)
	}
	return x.Auth.May(x.me, act, authority.In(c.ID, c.Name))
}

// handlers maps each event type of the area to the function that checks
// and applies it; on error nothing changes.
var handlers = map[string]func(s *State, x op) error{
	TypePolicySet: (*State).policySet,
	TypeAttest:    (*State).attest,
	TypeRequest:   (*State).request,
	TypePay:       (*State).pay,
	TypeRevoke:    (*State).revoke,
}

// Owns reports whether typ is a licensing event.
func Owns(typ string) bool { return handlers[typ] != nil }

// Name names the area.
func (a Area) Name() string { return "license" }

// Version is the shape of the objects the area projects; bump it when
// that changes.
func (a Area) Version() int { return 1 }

// Types returns the event types the area owns, sorted.
func (a Area) Types() []string {
	out := make([]string, 0, len(handlers))
	for t := range handlers {
		out = append(out, t)
	}
	slices.Sort(out)
	return out
}

// Kinds returns the object kinds the area projects.
func (a Area) Kinds() []string { return []string{KindPolicy, KindOffer, KindGrant, KindOrg} }

// Lines emits no digest lines but its objects'.
func (a Area) Lines(func(string)) {}

// Emits declares the effects the area's events have on other areas.
func (a Area) Emits() []string { return []string{value.EffectIncome} }

// Apply checks ev at log index ctx.Index and applies it; on error nothing
// changes.
func (a Area) Apply(ctx *area.Context, ev *ledger.Event) error {
	h := handlers[ev.Type]
	if h == nil {
		return refuse("unknown event type %q", ev.Type)
	}
	signer, err := a.Agents.Signer(ev)
	if err != nil {
		return err
	}
	return h(a.State, op{Context: ctx, ev: ev, me: signer.ID, agents: a.Agents, commons: a.Commons})
}

// Roles are the roles the license area knows (authority.Source).
func (s *State) Roles() []authority.Role { return []authority.Role{authority.Attestor} }

// Holds reports whether a current license policy of some commons names
// the agent among its attestors.
func (s *State) Holds(r authority.Role, agentID string, _ authority.Place) bool {
	return r == authority.Attestor && s.named(agentID)
}

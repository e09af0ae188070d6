package governance

import (
	"slices"

	"github.com/meent/meent/agent"
	"github.com/meent/meent/area"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/ledger"
)

// Area is the governance rules as one area of the node's state
// (state.Area): the State, and the states its rules read (members;
// commons, maintainers and contributions). What a decision changes in
// other areas it applies through their own rules (Enacts, and
// area.Context.Enact), never by writing their state.
type Area struct {
	*State
	Agents  *agent.State
	Commons *commons.State
}

// Name names the area.
func (a Area) Name() string { return "governance" }

// Version is the shape of the area's objects and snapshot.
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
func (a Area) Kinds() []string {
	return []string{KindPoll, KindVote, KindBallot, KindDelegation, KindRules}
}

// Lines emits no digest lines but its objects'.
func (a Area) Lines(func(string)) {}

// Enacts returns the event types a decision may carry, which the area
// applies through their owners' rules when a poll passes (state.Enactor):
// the registered Kinds.
func (a Area) Enacts() []string { return KindTypes() }

// Apply checks ev at log index ctx.Index and applies it; on error nothing
// changes (a close that enacted changes has done all its checks first).
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

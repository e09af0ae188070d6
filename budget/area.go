package budget

import (
	"slices"

	"github.com/meent/meent/agent"
	"github.com/meent/meent/area"
	"github.com/meent/meent/authority"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/value"
)

// Area is the budget rules as one area of the node's state (state.Area):
// the State, and the states its rules read (signers and members; commons
// and their maintainers; the value area's co-budget pool balances). It
// writes nothing in them: money drawn from the co-budget pool and money a
// close makes payable reach the value area as the value.Drawn and
// value.Payable effects.
type Area struct {
	*State
	Agents  *agent.State
	Commons *commons.State
	Value   *value.State
}

// op is the event being applied, with what every handler needs.
type op struct {
	*area.Context
	ev      *ledger.Event
	me      string
	agents  *agent.State
	commons *commons.State
	value   *value.State
}

// maintainer checks that the signer may do act in a commons.
func (x op) maintainer(commonsID string, act authority.Action) (*commons.Commons, error) {
	c := x.commons.Commons(commonsID)
	if c == nil {
		return nil, refuse("unknown commons %s", commonsID)
	}
	if err := x.Auth.May(x.me, act, authority.In(c.ID, c.Name)); err != nil {
		return nil, err
	}
	return c, nil
}

// handlers maps each event type of the area to the function that checks
// and applies it; each checks everything before it changes anything.
var handlers = map[string]func(s *State, x op) error{
	TypeRoundOpen:     (*State).roundOpen,
	TypeFund:          (*State).fund,
	TypeBucketPropose: (*State).bucketPropose,
	TypeBucketEdit:    (*State).bucketEdit,
	TypeBucketCancel:  (*State).bucketCancel,
	TypeAllocate:      (*State).allocate,
	TypeWithdraw:      (*State).withdraw,
	TypeApprove:       (*State).approve,
	TypeRoundClose:    (*State).roundClose,
	TypeSpend:         (*State).spend,
}

// Owns reports whether typ is a budget event.
func Owns(typ string) bool { return handlers[typ] != nil }

// Name names the area.
func (a Area) Name() string { return "budget" }

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
	return []string{KindRound, KindBucket, KindAllocation, KindApproval, KindSpending}
}

// Lines emits no digest lines but its objects'.
func (a Area) Lines(func(string)) {}

// Emits declares the effects the area's events have on the value area.
func (a Area) Emits() []string { return []string{value.EffectDrawn, value.EffectPayable} }

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
	return h(a.State, op{Context: ctx, ev: ev, me: signer.ID, agents: a.Agents, commons: a.Commons, value: a.Value})
}

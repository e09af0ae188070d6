package breadfund

import (
	"slices"

	"github.com/meent/meent/agent"
	"github.com/meent/meent/area"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/ledger"
)

// Area is the bread fund's rules as one area of the node's state
// (state.Area): the State, and the states its rules read (signers; the
// commons a fund lives in and its maintainers, the board). It writes
// nothing in them and emits no effects: a fund's money never leaves the
// fund's own accounts.
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
	commons *commons.State
}

// handlers maps each event type of the area to the function that checks
// and applies it; each checks everything first and changes state last, so
// on error nothing changes.
var handlers = map[string]func(s *State, x op) error{
	TypePolicySet: (*State).policySet,
	TypeJoin:      (*State).join,
	TypeObject:    (*State).objectTo,
	TypeAdmit:     (*State).admit,
	TypeDeposit:   (*State).deposit,
	TypeLevel:     (*State).level,
	TypeSick:      (*State).sick,
	TypeChange:    (*State).change,
	TypeRecover:   (*State).recovery,
	TypeCheckin:   (*State).checkin,
	TypeGifts:     (*State).gifts,
	TypeApprove:   (*State).approve,
	TypeSettle:    (*State).settle,
	TypeCost:      (*State).cost,
	TypeExit:      (*State).exit,
	TypeSurplus:   (*State).surplus,
}

// Owns reports whether typ is a bread fund event.
func Owns(typ string) bool { return handlers[typ] != nil }

// Name names the area.
func (a Area) Name() string { return "breadfund" }

// Version is the shape of the objects the area projects and of its
// snapshot; bump it when that changes.
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
	return []string{KindFund, KindPolicy, KindMember, KindClaim, KindPayout}
}

// Lines emits no digest lines but its objects'.
func (a Area) Lines(func(string)) {}

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
	return h(a.State, op{Context: ctx, ev: ev, me: signer.ID, commons: a.Commons})
}

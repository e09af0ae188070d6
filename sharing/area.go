package sharing

import (
	"slices"

	"github.com/meent/meent"
	"github.com/meent/meent/agent"
	"github.com/meent/meent/area"
	"github.com/meent/meent/authority"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/value"
)

// Area is the sharing rules as one area of the node's state (state.Area):
// the State, and the states its rules read (signers and members; commons
// and their maintainers). It writes nothing in them: a repair or
// maintenance need reaches the commons' board as the commons.NeedRequested
// effect, a paid fee reaches the value area as value.IncomeEarned.
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

// place is the place of an action in a commons that exists.
func (x op) place(commonsID string) authority.Place {
	name := commonsID
	if c := x.commons.Commons(commonsID); c != nil {
		name = c.Name
	}
	return authority.In(commonsID, name)
}

var handlers = map[string]func(s *State, x op) error{
	TypeCatalogue:      (*State).catalogueSet,
	TypeResourceAdd:    (*State).resourceAdd,
	TypeResourceUpdate: (*State).resourceUpdate,
	TypeResourceStatus: (*State).resourceStatus,
	TypeTraining:       (*State).training,
	TypeBook:           (*State).book,
	TypeApprove:        (*State).approve,
	TypeCancel:         (*State).cancel,
	TypeEnd:            (*State).end,
	TypeCheckOut:       (*State).checkOut,
	TypeCheckIn:        (*State).checkIn,
	TypePay:            (*State).pay,
	TypeDamage:         (*State).damage,
	TypeRepair:         (*State).repair,
}

// Owns reports whether typ is a sharing event.
func Owns(typ string) bool { return handlers[typ] != nil }

// Name names the area.
func (a Area) Name() string { return "sharing" }

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
	return []string{KindCatalogue, KindResource, KindBooking, KindTraining}
}

// Lines emits no digest lines but its objects'.
func (a Area) Lines(func(string)) {}

// Emits declares the effects the area's events have on other areas.
func (a Area) Emits() []string { return []string{commons.EffectNeedRequested, value.EffectIncome} }

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

// Roles are the roles the sharing area knows (authority.Source).
func (s *State) Roles() []authority.Role { return []authority.Role{authority.Steward} }

// Holds reports whether an agent stewards the catalogue of p's commons.
func (s *State) Holds(r authority.Role, agentID string, p authority.Place) bool {
	return r == authority.Steward && s.steward(p.Commons, agentID)
}

func refuse(format string, args ...any) error { return meent.Errorf(meent.ERULE, format, args...) }

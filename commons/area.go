package commons

import (
	"slices"

	"github.com/meent/meent/agent"
	"github.com/meent/meent/area"
	"github.com/meent/meent/authority"
	"github.com/meent/meent/ledger"
)

// Area is the commons rules as one area of the node's state (state.Area):
// the State, and the agent state its rules read (signers, known agents).
type Area struct {
	*State
	Agents *agent.State
}

// op is the event being applied, with what every handler needs.
type op struct {
	*area.Context
	ev     *ledger.Event
	signer *agent.Agent
	me     string // signer.ID
	agents *agent.State
}

// handlers maps each event type of the area to the function that checks
// and applies it. Every handler checks everything first and mutates last,
// so that on error nothing changes.
var handlers = map[string]func(s *State, o op) error{
	TypeCreate:           (*State).create,
	TypeUpdate:           (*State).update,
	TypeMaintainerAdd:    (*State).maintainerAdd,
	TypeMaintainerRemove: (*State).maintainerRemove,
	TypeFork:             (*State).fork,
	TypeSubmit:           (*State).submit,
	TypeRevise:           (*State).revise,
	TypeReview:           (*State).review,
	TypeDispute:          (*State).dispute,
	TypeResolve:          (*State).resolve,
	TypeEndorse:          (*State).endorse,
	TypeImport:           (*State).applyImport,
	TypeIdentityClaim:    (*State).identityClaim,
	TypeIdentityAttest:   (*State).identityAttest,
	TypeIdentityFinalize: (*State).identityFinalize,
	TypeIdentityContest:  (*State).identityContest,
	TypeIdentityReject:   (*State).identityReject,
	TypeNeedPost:         (*State).needPost,
	TypeNeedSignal:       (*State).needSignal,
	TypeNeedClaim:        (*State).needClaim,
	TypeNeedRenew:        (*State).needClaim,
	TypeNeedRelease:      (*State).needRelease,
	TypeNeedClose:        (*State).needClose,
}

// Owns reports whether an event type belongs to this package.
func Owns(typ string) bool { return handlers[typ] != nil }

// Name names the area.
func (a Area) Name() string { return "commons" }

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
func (a Area) Kinds() []string {
	return []string{KindCommons, KindContribution, KindNeed, KindMapping, KindIdentityClaim}
}

// Lines emits no digest lines but its objects'.
func (a Area) Lines(func(string)) {}

// Emits declares the effects the area's events have on other areas.
func (a Area) Emits() []string { return []string{EffectIdentityMapped} }

// Apply checks ev, at log index ctx.Index, and applies it. On error
// nothing changes.
func (a Area) Apply(ctx *area.Context, ev *ledger.Event) (err error) {
	h := handlers[ev.Type]
	if h == nil {
		return refuse("unknown event type %q", ev.Type)
	}
	defer func() {
		if err == nil {
			a.clock = max(a.clock, ev.Time) // see identity.go: a claim never opens before it
		}
	}()
	signer, err := a.Agents.Signer(ev)
	if err != nil {
		return err
	}
	return h(a.State, op{Context: ctx, ev: ev, signer: signer, me: signer.ID, agents: a.Agents})
}

// EffectIdentityMapped names IdentityMapped.
const EffectIdentityMapped = "commons.identity_mapped"

// IdentityMapped is the effect of an accepted identity.attest or
// identity.finalize: the identity now maps to the agent, so what was kept
// for the identity belongs to the agent (the value area moves it). A bare
// identity.claim maps nothing and emits nothing.
type IdentityMapped struct {
	Commons, Identity, Agent string
}

// EffectName names the effect (area.Effect).
func (IdentityMapped) EffectName() string { return EffectIdentityMapped }

// Roles are the roles the commons area knows (authority.Source).
func (s *State) Roles() []authority.Role {
	return []authority.Role{authority.Maintainer, authority.AnyMaintainer}
}

// Holds reports whether an agent maintains the commons of p
// (authority.Maintainer) or any commons (authority.AnyMaintainer).
func (s *State) Holds(r authority.Role, agentID string, p authority.Place) bool {
	switch r {
	case authority.Maintainer:
		c := s.commons[p.Commons]
		return c != nil && slices.Contains(c.Maintainers, agentID)
	case authority.AnyMaintainer:
		return s.Maintains(agentID)
	}
	return false
}

// EffectNeedRequested names NeedRequested.
const EffectNeedRequested = "commons.need_requested"

// NeedRequested is the effect of another area's accepted event that puts a
// need on a commons' board: a tool reported broken asks for its repair,
// a machine used for its N hours asks for maintenance (the sharing area).
// The need is like any posted by hand: signalled, claimed, and closed by
// the contribution that answers it. ID is derived from the event (a hash,
// so it looks and sorts like any need's ID) and is new; Poster is the
// event's signer.
type NeedRequested struct {
	ID, Commons, Poster, Title, Description string
	Time                                    int64 // ms: the event's time
}

// EffectName names the effect (area.Effect).
func (NeedRequested) EffectName() string { return EffectNeedRequested }

// Handles declares the effects of other areas' events the commons area
// takes in.
func (a Area) Handles() []string { return []string{EffectNeedRequested} }

// Handle applies an effect of an accepted event at log index idx. It
// cannot fail: the event that had it was accepted, and the emitter
// checked the commons and the text.
func (a Area) Handle(idx int64, e area.Effect) {
	switch e := e.(type) {
	case NeedRequested:
		a.needs[e.ID] = &Need{ID: e.ID, Commons: e.Commons, Poster: e.Poster, Title: e.Title, Description: e.Description,
			MaxClaimants: DefaultClaimants, Status: NeedOpen, Created: idx, CreatedAt: e.Time, Updated: idx}
		a.touch(KindNeed, e.ID)
	default:
		panic("commons: delivered an effect it does not handle: " + e.EffectName())
	}
}

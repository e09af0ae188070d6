package credit

import (
	"slices"

	"github.com/meent/meent/agent"
	"github.com/meent/meent/area"
	"github.com/meent/meent/authority"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/ledger"
)

// Area is the mutual-credit rules as one area of the node's state
// (state.Area): the State, and the states its rules read (agents for
// signers and holders, commons for commons' accounts and maintainers).
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

// handlers maps each event type of the area to the function that checks
// and applies it; on error nothing changes.
var handlers = map[string]func(s *State, x op) error{
	TypeCurrencyCreate: (*State).currencyCreate,
	TypeCurrencyUpdate: (*State).currencyUpdate,
	TypeTransfer:       (*State).transfer,
	TypeLimitSet:       (*State).limitSet,
	TypeDemurrage:      (*State).demurrage,
}

// Owns reports whether typ is a mutual-credit event.
func Owns(typ string) bool { return handlers[typ] != nil }

// Name names the area.
func (a Area) Name() string { return "credit" }

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
func (a Area) Kinds() []string { return []string{KindCurrency, KindAccount, KindPeriod} }

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
	return h(a.State, op{Context: ctx, ev: ev, me: signer.ID, agents: a.Agents, commons: a.Commons})
}

// Check answers, without changing anything, what credit.transfer with
// data d signed by signer would get now: nil or its refusal, and whether
// the payer would end beyond its soft limit (accepted, with a warning).
// The API and the CLI ask it before anyone signs.
func (a Area) Check(au *authority.Authority, signer string, d TransferData) (warn bool, err error) {
	return a.State.check(op{Context: &area.Context{Auth: au}, me: signer, agents: a.Agents, commons: a.Commons}, d)
}

// Limits returns an account's hard and soft limits as the rules apply
// them now.
func (a Area) Limits(au *authority.Authority, acc *Account) (hard, soft int64) {
	c := a.currencies[acc.Currency]
	if c == nil {
		return 0, 0
	}
	return a.HardLimit(c, acc, au), a.SoftLimit(c, acc)
}

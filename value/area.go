package value

import (
	"slices"

	"github.com/meent/meent/agent"
	"github.com/meent/meent/area"
	"github.com/meent/meent/authority"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/ledger"
)

// Area is the value rules as one area of the node's state (state.Area):
// the State, and the states its rules read (signers and payers; commons,
// their maintainers and their recognised contributions).
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

// maintainer returns the commons the signer acts on as its maintainer.
func (o op) maintainer(commonsID string, act authority.Action) (*commons.Commons, error) {
	c := o.commons.Commons(commonsID)
	if c == nil {
		return nil, refuse("unknown commons %s", commonsID)
	}
	if err := o.Auth.May(o.me, act, authority.In(c.ID, c.Name)); err != nil {
		return nil, err
	}
	return c, nil
}

// handlers maps each event type of the area to the function that checks
// and applies it; on error nothing changes.
var handlers = map[string]func(s *State, o op) error{
	TypePolicySet:       (*State).policySet,
	TypeIncomeRecord:    (*State).incomeRecord,
	TypeDistributionRun: (*State).distributionRun,
	TypePayoutSettle:    (*State).payoutSettle,
}

// Owns reports whether an event type belongs to the value rules.
func Owns(typ string) bool { return handlers[typ] != nil }

// Name names the area.
func (a Area) Name() string { return "value" }

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
	return []string{KindPolicy, KindIncome, KindDistribution, KindBalance}
}

// Lines emits no digest lines but its objects'.
func (a Area) Lines(func(string)) {}

// Apply checks ev at log index ctx.Index and applies it. On error nothing
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

// EffectIncome names IncomeEarned.
const EffectIncome = "value.income"

// IncomeEarned is an income of a commons that another area's accepted
// event produced: a license fee when the payment of a license offer is
// recorded. It is declared here, not by the emitter, because the emitter
// imports this package and not the other way round.
type IncomeEarned struct{ Income Income }

// EffectName names the effect (area.Effect).
func (IncomeEarned) EffectName() string { return EffectIncome }

// EffectPayable names Payable; EffectDrawn names Drawn.
const (
	EffectPayable = "value.payable"
	EffectDrawn   = "value.drawn"
)

// Payable is money another area's accepted event makes payable to a
// recipient of a commons: a funded budget bucket's amount for each of its
// recipients, a round's leftover refunded to its funders or given back to
// the co-budget pool. It is owed in the recipient's balance like a
// distribution's allocation, so the payout path (CSV, SEPA, payout.settle)
// pays it. The emitter has checked it.
type Payable struct {
	Commons   string
	Kind      string // RecipientAgent or RecipientPool
	Recipient string
	Amount    commons.Money
}

// EffectName names the effect (area.Effect).
func (Payable) EffectName() string { return EffectPayable }

// Drawn is money taken out of a commons' pool balance into something of
// another area (a budget round drawing on the co-budget pool): it is
// recorded as a move out of the balance, to To. The emitter has checked
// that the pool's open balance holds it (State.Open).
type Drawn struct {
	Commons string
	Pool    string
	Amount  commons.Money
	To      string // what received it, for the move: "budget:<round ID>"
}

// EffectName names the effect (area.Effect).
func (Drawn) EffectName() string { return EffectDrawn }

// Handles declares the effects of other areas' events the value area
// takes in.
func (a Area) Handles() []string {
	return []string{commons.EffectIdentityMapped, EffectIncome, EffectPayable, EffectDrawn}
}

// Handle applies an effect of an accepted event at log index idx. It
// cannot fail: the event that had it was accepted.
func (a Area) Handle(idx int64, e area.Effect) {
	switch e := e.(type) {
	case commons.IdentityMapped:
		a.Remap(idx, e.Commons, e.Identity, e.Agent)
	case IncomeEarned:
		a.AddIncome(e.Income)
	case Payable:
		a.owe(idx, balKey{e.Commons, e.Kind, e.Recipient, e.Amount.Currency}, e.Amount.Amount)
	case Drawn:
		a.draw(idx, balKey{e.Commons, RecipientPool, e.Pool, e.Amount.Currency}, e.Amount.Amount, e.To)
	default:
		panic("value: delivered an effect it does not handle: " + e.EffectName())
	}
}

// Package area holds what a rule area needs to plug into the node's state
// (package state, whose Area interface the areas implement): the Context an
// event is applied in, and the Effect one area's accepted event has on
// another. It sits below the areas so that they can name these types
// without importing state, which imports them.
package area

import (
	"fmt"
	"slices"

	"github.com/meent/meent/authority"
	"github.com/meent/meent/ledger"
)

// Effect is what an accepted event in one area does to another area's
// state: the commons area maps an identity to an agent, and the value area
// moves what was kept for the identity. The emitting area declares the
// names it emits, the receiving area the names it handles (state checks
// both at start), and state delivers an effect only when the event that
// emitted it was accepted.
//
// The type lives in a package both areas import: the emitter's (commons
// declares IdentityMapped, which value handles) or the receiver's (value
// declares IncomeEarned, which license emits, since value cannot import
// license).
type Effect interface {
	// EffectName is the effect's name, unique across areas:
	// "<declaring package>.<what happened>".
	EffectName() string
}

// Context is what an area's Apply gets besides the event: where the event
// goes in the log, the authority every rule asks, and a way to emit
// effects. State owns it and reuses it from event to event; an area must
// not keep it after Apply returns.
type Context struct {
	Index int64                // the event's log index
	Auth  *authority.Authority // may this agent do this here?

	// Enact applies ev, an event the one being applied carries (a change a
	// decision enacts), at the same log index, through the normal routing:
	// the area that owns ev.Type checks it with all its rules and applies
	// it, and its effects are delivered. On error that area changed
	// nothing. It is set only for an area that declares the types it may
	// enact (state.Enactor), and nil inside an enactment: an enacted event
	// enacts nothing. The caller must have done all its own checks first:
	// what was enacted stays when the caller then refuses its event.
	Enact func(ev *ledger.Event) error

	area    string
	emits   []string
	effects []Effect
}

// Begin prepares c for the event at index idx, applied by the named area,
// which declared that it emits the given effect names. State calls it.
func (c *Context) Begin(idx int64, areaName string, emits []string) {
	c.Index, c.area, c.emits, c.effects = idx, areaName, emits, c.effects[:0]
}

// Emit queues an effect of the event being applied. State delivers it to
// the areas that handle it after Apply returns nil, in the order emitted,
// and drops it when Apply refuses the event.
//
// Emitting an effect the area did not declare panics: it is a programming
// error, and by then the area has changed its state, so refusing the
// event would leave the state half applied.
func (c *Context) Emit(e Effect) {
	if !slices.Contains(c.emits, e.EffectName()) {
		panic(fmt.Sprintf("area %s emits the effect %s, which it does not declare in Emits", c.area, e.EffectName()))
	}
	c.effects = append(c.effects, e)
}

// Effects returns the effects emitted since Begin, in order. State calls it.
func (c *Context) Effects() []Effect { return c.effects }

package state

import (
	"fmt"
	"slices"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/meent/meent"
	"github.com/meent/meent/area"
	"github.com/meent/meent/authority"
	"github.com/meent/meent/ledger"
)

// Area is one rule area of the node (agent, commons, value, license, and
// those that follow): the event types it owns, the rules that accept or
// refuse them, and the state it holds for projection and digest. The list
// of areas is in areas.go; docs/architecture.md says how to add one.
//
// Contract:
//
//   - Name is unique and stable ("commons"); EventTypes' Area column uses it.
//   - Version is the shape of the area's objects and lines: bump it when a
//     field is added to a stored object or the digest lines change, so
//     that stored projections can be rebuilt.
//   - Types lists the event types the area owns and Kinds the object kinds
//     it projects (meent.Object.Kind). No two areas share one: New panics.
//   - Apply checks ev, the event at log index ctx.Index of one of its types,
//     and applies it. On error nothing changes, and it returns a
//     *meent.Error (ERULE, EFORBIDDEN, ECONFLICT...). It asks ctx.Auth
//     whether the signer may act (never checks a role itself), and reports
//     what the event does to other areas with ctx.Emit (never writes
//     another area's state).
//   - Objects emits every object the area holds; TakeDirty returns those
//     changed since the last call and forgets them; DropDirty forgets them.
//     Every object's Kind is one of Kinds.
//   - Lines emits the area's digest lines other than its objects' (state
//     writes those with ObjectLine): only the agent area has any.
//   - Refs names the commons and agents an event of its types touches
//     besides its author, for the event index; it is called right after
//     the event was applied, so it may read what the event created.
//   - MarshalSnapshot writes everything Apply reads as one JSON value, and
//     RestoreSnapshot replaces the area's state, in place, with what one
//     holds: a node restored from a snapshot accepts and refuses every
//     later event exactly as one that replayed the log (state's snapshot
//     tests check it for every area). What they write is part of Version.
//
// Optional parts, found by type assertion:
//
//   - Emitter: the effect names the area's Apply may emit.
//
//   - Handler: the effect names it takes in, and Handle to apply one.
//
//   - authority.Source: the roles it knows (admin, maintainer...).
//
//   - authority.Granter: rights beyond roles (a decision that passed).
//
//   - authority.Reserver: actions reserved to decisions (a commons'
//     decision rules).
//
//   - Enactor: the other areas' event types its events may carry and
//     apply through their rules (a decision that enacts a change).
//
//   - ObjectKinds (the kinds it holds at least one object of, without
//     encoding them): a start checks the projection with it.
type Area interface {
	Name() string
	Version() int
	Types() []string
	Kinds() []string
	Apply(ctx *area.Context, ev *ledger.Event) error
	Objects(emit func(meent.Object))
	TakeDirty() []meent.Object
	DropDirty()
	Lines(emit func(string))
	Refs(ev *ledger.Event) (commons, agents []string)
	MarshalSnapshot(enc *jsontext.Encoder) error
	RestoreSnapshot(dec *jsontext.Decoder) error
}

// Emitter is an area whose events have effects on other areas: Emits
// names them (area.Effect's EffectName). Emitting one not named panics.
type Emitter interface {
	Emits() []string
}

// Enactor is an area whose events may carry events of other areas, to be
// applied through those areas' own rules at the same log index (a decision
// that enacts a change): Enacts names the event types it may carry, and
// its Apply gets area.Context.Enact to apply them. New panics when a type
// is owned by no area.
type Enactor interface {
	Enacts() []string
}

// Handler is an area that takes in other areas' effects: Handles names
// them, and Handle applies one, of the accepted event at log index idx. It
// cannot fail and emits nothing: the event was accepted already.
type Handler interface {
	Handles() []string
	Handle(idx int64, e area.Effect)
}

// registry is the areas of a state, checked and indexed.
type registry struct {
	areas    []Area
	byType   map[string]Area
	emits    map[string][]string                  // area name → effect names it may emit
	handlers map[string][]Handler                 // effect name → its handlers, in area order
	enact    map[string]func(*ledger.Event) error // area name → its Context.Enact
	auth     *authority.Authority
}

// newRegistry checks the areas against each other and indexes them. It
// panics on a programming error, so that a node with one never starts: an
// area name, event type or object kind claimed twice, an effect emitted
// that no area handles or handled that no area emits, or a role of the
// authority's table that no area knows.
func newRegistry(areas []Area) *registry {
	r := &registry{areas: areas, byType: map[string]Area{}, emits: map[string][]string{}, handlers: map[string][]Handler{}, enact: map[string]func(*ledger.Event) error{}}
	names, kinds := map[string]bool{}, map[string]string{}
	var sources []authority.Source
	emitted := map[string]bool{}
	for _, a := range areas {
		if names[a.Name()] {
			panic(fmt.Sprintf("state: two areas are named %s", a.Name()))
		}
		names[a.Name()] = true
		for _, t := range a.Types() {
			if b := r.byType[t]; b != nil {
				panic(fmt.Sprintf("state: event type %s is claimed by areas %s and %s", t, b.Name(), a.Name()))
			}
			r.byType[t] = a
		}
		for _, k := range a.Kinds() {
			if b, dup := kinds[k]; dup {
				panic(fmt.Sprintf("state: object kind %s is claimed by areas %s and %s", k, b, a.Name()))
			}
			kinds[k] = a.Name()
		}
		if e, ok := a.(Emitter); ok {
			r.emits[a.Name()] = slices.Clone(e.Emits())
			for _, n := range e.Emits() {
				emitted[n] = true
			}
		}
		if h, ok := a.(Handler); ok {
			for _, n := range h.Handles() {
				r.handlers[n] = append(r.handlers[n], h)
			}
		}
		if s, ok := a.(authority.Source); ok {
			sources = append(sources, s)
		}
	}
	for n := range emitted {
		if len(r.handlers[n]) == 0 {
			panic(fmt.Sprintf("state: effect %s is emitted but no area handles it", n))
		}
	}
	for n := range r.handlers {
		if !emitted[n] {
			panic(fmt.Sprintf("state: effect %s is handled but no area emits it", n))
		}
	}
	r.auth = authority.New(sources...)
	if missing := r.auth.Complete(); len(missing) > 0 {
		panic(fmt.Sprintf("state: no area knows the roles %v that the authority's table uses", missing))
	}
	for _, a := range areas {
		if g, ok := a.(authority.Granter); ok {
			r.auth.Grant(g)
		}
		if g, ok := a.(authority.Reserver); ok {
			r.auth.Reserve(g)
		}
		if e, ok := a.(Enactor); ok {
			for _, t := range e.Enacts() {
				if r.byType[t] == nil {
					panic(fmt.Sprintf("state: area %s enacts the event type %s, which no area owns", a.Name(), t))
				}
			}
		}
	}
	return r
}

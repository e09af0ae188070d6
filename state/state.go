// Package state composes the pure rule areas into the state of a whole
// node. It routes each event to the area that owns its type (Area, the
// list in areas.go), delivers the effects an accepted event has on other
// areas, holds the authority every rule asks, and computes the state
// digest that projections must reproduce.
package state

import (
	"crypto/sha256"
	"slices"
	"sort"

	"github.com/meent/meent"
	"github.com/meent/meent/agent"
	"github.com/meent/meent/area"
	"github.com/meent/meent/authority"
	"github.com/meent/meent/breadfund"
	"github.com/meent/meent/budget"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/credit"
	"github.com/meent/meent/governance"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/license"
	"github.com/meent/meent/sharing"
	"github.com/meent/meent/value"
)

// State is everything the rules know, derived from the log alone.
//
// The exported fields are the areas' states, for the callers that read
// them; every area is in the list of areas.go, which is what Apply and the
// projections go through.
type State struct {
	Size    int64 // number of events applied; the next event's index
	Agents  *agent.State
	Commons *commons.State
	Value   *value.State
	License *license.State
	Govern  *governance.State
	Budget  *budget.State
	Credit  *credit.State
	// Breadfund is the bread funds (mutual aid in illness).
	Breadfund *breadfund.State
	Sharing   *sharing.State

	reg *registry
	ctx area.Context // reused from event to event
}

// New returns the state of an empty log. It panics when the areas
// contradict each other (see newRegistry): a programming error that no
// node must start with.
func New() *State {
	s := &State{
		Agents:    agent.NewState(),
		Commons:   commons.NewState(),
		Value:     value.NewState(),
		License:   license.NewState(),
		Govern:    governance.NewState(),
		Budget:    budget.NewState(),
		Credit:    credit.NewState(),
		Breadfund: breadfund.NewState(),
		Sharing:   sharing.NewState(),
	}
	s.bind()
	return s
}

// bind builds the areas over the state's fields and checks them. Call it
// again after replacing a field (a restore): the areas hold the fields'
// pointers.
func (s *State) bind() { s.use(s.areas()) }

// use makes areas the state's areas (tests use it with areas of their own).
func (s *State) use(areas []Area) {
	s.reg = newRegistry(areas)
	s.ctx.Auth = s.reg.auth
	for _, a := range areas {
		if e, ok := a.(Enactor); ok {
			s.reg.enact[a.Name()] = s.enactor(e.Enacts())
		}
	}
}

// Areas returns the areas, in the order of areas.go.
func (s *State) Areas() []Area { return s.reg.areas }

// Area returns the area with the given name, or nil.
func (s *State) Area(name string) Area {
	for _, a := range s.reg.areas {
		if a.Name() == name {
			return a
		}
	}
	return nil
}

// Owner returns the area that owns an event type, or nil.
func (s *State) Owner(typ string) Area { return s.reg.byType[typ] }

// Authority returns the authority the rules ask (who may do what), as of
// the events applied so far.
func (s *State) Authority() *authority.Authority { return s.reg.auth }

// Apply checks ev as the event at index s.Size and applies it. On error
// nothing changes, and the caller must not append ev.
//
// The area that owns ev's type applies it; when it accepts, the effects it
// emitted are delivered, in the order emitted, to each area that handles
// them, in the order of areas.go.
func (s *State) Apply(ev *ledger.Event) error {
	a := s.reg.byType[ev.Type]
	if a == nil {
		return meent.Errorf(meent.ERULE, "unknown event type %q", ev.Type)
	}
	s.ctx.Begin(s.Size, a.Name(), s.reg.emits[a.Name()])
	s.ctx.Enact = s.reg.enact[a.Name()]
	if err := a.Apply(&s.ctx, ev); err != nil {
		return err
	}
	s.deliver(s.ctx.Effects())
	s.Size++
	return nil
}

// deliver hands effects to the areas that handle them, in order.
func (s *State) deliver(effects []area.Effect) {
	for _, e := range effects {
		for _, h := range s.reg.handlers[e.EffectName()] {
			h.Handle(s.Size, e)
		}
	}
}

// enactor returns the Enact function of an area that may enact the given
// event types (Enactor): it applies a carried event at the current index
// through the area that owns its type, in a context of its own (so the
// carrying event's context and effects are untouched), and delivers its
// effects. An enacted event cannot enact in turn.
func (s *State) enactor(types []string) func(ev *ledger.Event) error {
	return func(ev *ledger.Event) error {
		a := s.reg.byType[ev.Type]
		if a == nil || !slices.Contains(types, ev.Type) {
			return meent.Errorf(meent.ERULE, "%s cannot be enacted", ev.Type)
		}
		sub := area.Context{Auth: s.reg.auth}
		sub.Begin(s.Size, a.Name(), s.reg.emits[a.Name()])
		if err := a.Apply(&sub, ev); err != nil {
			return err
		}
		s.deliver(sub.Effects())
		return nil
	}
}

// Lines emits every fact of the state as a canonical line.
func (s *State) Lines(emit func(string)) {
	for _, a := range s.reg.areas {
		a.Lines(emit)
		a.Objects(func(o meent.Object) { emit(ObjectLine(o)) })
	}
}

// TakeDirty returns the domain objects changed since the last call, for
// the store's objects projection, and forgets them.
func (s *State) TakeDirty() []meent.Object {
	var out []meent.Object
	for _, a := range s.reg.areas {
		out = append(out, a.TakeDirty()...)
	}
	return out
}

// Objects emits every domain object the state holds, for a rebuild of the
// store's objects projection.
func (s *State) Objects(emit func(meent.Object)) {
	for _, a := range s.reg.areas {
		a.Objects(emit)
	}
}

// DropDirty forgets changed objects (after replaying events whose objects
// are already stored).
func (s *State) DropDirty() {
	for _, a := range s.reg.areas {
		a.DropDirty()
	}
}

// Digest hashes the sorted canonical lines of the state.
func (s *State) Digest() [32]byte {
	var lines []string
	s.Lines(func(l string) { lines = append(lines, l) })
	return DigestLines(lines)
}

// DigestLines sorts lines and returns SHA-256 over each line followed by a
// newline. Projections call it with the lines read from their tables.
func DigestLines(lines []string) [32]byte {
	sort.Strings(lines)
	h := sha256.New()
	for _, l := range lines {
		h.Write([]byte(l))
		h.Write([]byte{'\n'})
	}
	var d [32]byte
	h.Sum(d[:0])
	return d
}

// Package state composes the pure rule packages into the state of a whole
// node. It routes each event to the package that owns its type and
// computes the state digest that projections must reproduce.
package state

import (
	"crypto/sha256"
	"sort"

	"github.com/meent/meent"
	"github.com/meent/meent/agent"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/license"
	"github.com/meent/meent/value"
)

// State is everything the rules know, derived from the log alone.
type State struct {
	Size    int64 // number of events applied; the next event's index
	Agents  *agent.State
	Commons *commons.State
	Value   *value.State
	License *license.State
}

// New returns the state of an empty log.
func New() *State {
	return &State{Agents: agent.NewState(), Commons: commons.NewState(), Value: value.NewState(), License: license.NewState()}
}

// Apply checks ev as the event at index s.Size and applies it. On error
// nothing changes, and the caller must not append ev.
func (s *State) Apply(ev *ledger.Event) error {
	var err error
	switch {
	case agent.Owns(ev.Type):
		err = s.Agents.Apply(s.Size, ev)
	case commons.Owns(ev.Type):
		err = s.Commons.Apply(s.Size, ev, s.Agents)
		if err == nil && commons.MapsIdentity(ev.Type) {
			// A maintainer's attestation or a proven claim's finalization
			// mapped the identity: what was kept for it now belongs to its
			// agent. A bare identity.claim maps nothing and moves nothing.
			var d commons.IdentityData
			if ev.DecodeData(&d) == nil {
				if agentID := s.Commons.Identity(d.Commons, d.Identity); agentID != "" {
					s.Value.Remap(s.Size, d.Commons, d.Identity, agentID)
				}
			}
		}
	case value.Owns(ev.Type):
		err = s.Value.Apply(s.Size, ev, s.Agents, s.Commons)
	case license.Owns(ev.Type):
		err = s.License.Apply(s.Size, ev, s.Agents, s.Commons, s.Value)
	default:
		err = meent.Errorf(meent.ERULE, "unknown event type %q", ev.Type)
	}
	if err != nil {
		return err
	}
	s.Size++
	return nil
}

// Lines emits every fact of the state as a canonical line.
func (s *State) Lines(emit func(string)) {
	s.Agents.Lines(emit)
	s.Commons.Objects(func(o meent.Object) { emit(ObjectLine(o)) })
	s.Value.Objects(func(o meent.Object) { emit(ObjectLine(o)) })
	s.License.Objects(func(o meent.Object) { emit(ObjectLine(o)) })
}

// TakeDirty returns the domain objects changed since the last call, for
// the store's objects projection, and forgets them.
func (s *State) TakeDirty() []meent.Object {
	return append(append(s.Commons.TakeDirty(), s.Value.TakeDirty()...), s.License.TakeDirty()...)
}

// Objects emits every domain object the state holds, for a rebuild of the
// store's objects projection.
func (s *State) Objects(emit func(meent.Object)) {
	s.Commons.Objects(emit)
	s.Value.Objects(emit)
	s.License.Objects(emit)
}

// DropDirty forgets changed objects (after replaying events whose objects
// are already stored).
func (s *State) DropDirty() {
	s.Commons.DropDirty()
	s.Value.DropDirty()
	s.License.DropDirty()
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

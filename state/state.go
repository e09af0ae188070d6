// Package state composes the pure rule packages into the state of a whole
// node. It routes each event to the package that owns its type and
// computes the state digest that projections must reproduce.
package state

import (
	"crypto/sha256"
	"sort"

	"github.com/meent/meent"
	"github.com/meent/meent/agent"
	"github.com/meent/meent/ledger"
)

// State is everything the rules know, derived from the log alone.
type State struct {
	Size   int64 // number of events applied; the next event's index
	Agents *agent.State
}

// New returns the state of an empty log.
func New() *State { return &State{Agents: agent.NewState()} }

// Apply checks ev as the event at index s.Size and applies it. On error
// nothing changes, and the caller must not append ev.
func (s *State) Apply(ev *ledger.Event) error {
	var err error
	switch {
	case agent.Owns(ev.Type):
		err = s.Agents.Apply(s.Size, ev)
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

package agent

import (
	"fmt"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// What MarshalSnapshot writes is part of the area's Version: bump it
// whenever State gains, loses or reinterprets a field, so that a node
// refuses the old snapshot and replays the log instead of restoring a
// state that would lack what Apply now reads.

// snapshot mirrors State with exported fields, so that it can be encoded.
// It holds everything Apply reads; the agent and key maps are kept as maps
// (keyed as in State) so that a restore is exact whatever the keys are.
type snapshot struct {
	Agents  map[string]*Agent `json:"agents"`
	Keys    map[string]*Key   `json:"keys"`
	Admins  int               `json:"admins"`
	Members int               `json:"members"`
}

// MarshalSnapshot writes the complete state as one JSON value. It only
// reads s.
func (s *State) MarshalSnapshot(enc *jsontext.Encoder) error {
	return json.MarshalEncode(enc, snapshot{Agents: s.agents, Keys: s.keys, Admins: s.admins, Members: s.members})
}

// UnmarshalSnapshot reads a state written by MarshalSnapshot.
func UnmarshalSnapshot(dec *jsontext.Decoder) (*State, error) {
	var v snapshot
	if err := json.UnmarshalDecode(dec, &v); err != nil {
		return nil, fmt.Errorf("agent snapshot: %w", err)
	}
	s := NewState()
	if v.Agents != nil {
		s.agents = v.Agents
	}
	if v.Keys != nil {
		s.keys = v.Keys
	}
	s.admins, s.members = v.Admins, v.Members
	s.compact()
	return s, nil
}

// compact makes every reference to an agent ID or a key share the one
// copy the state holds (the ID in the Agent, the key in the Key), and the
// short enumerated values (kind, role) one copy each: a decoded snapshot
// holds a separate copy of each string, the map keys included, and a node
// holds every agent in memory (docs/benchmarks.md, "Memory and the
// snapshot pause").
func (s *State) compact() {
	// The map's key is the object's ID (the key's bytes): the object
	// keeps the key's copy.
	agents, keys := s.agents, s.keys
	for id, a := range agents {
		if a.ID == id {
			a.ID = id
		}
	}
	for key, k := range keys {
		if k.Key == key {
			k.Key = key
		}
		if a := agents[k.Agent]; a != nil {
			k.Agent = a.ID
		}
	}
	words := map[string]string{}
	word := func(v string) string {
		if c, ok := words[v]; ok {
			return c
		}
		words[v] = v
		return v
	}
	for _, a := range agents {
		a.Kind, a.Role = word(a.Kind), word(a.Role)
		for i, k := range a.Keys {
			if kk := keys[k]; kk != nil {
				a.Keys[i] = kk.Key
			}
		}
	}
}

// RestoreSnapshot replaces s with the state a snapshot written by
// MarshalSnapshot holds, in place: the areas that read this state hold its
// pointer, and keep it.
func (s *State) RestoreSnapshot(dec *jsontext.Decoder) error {
	r, err := UnmarshalSnapshot(dec)
	if err != nil {
		return err
	}
	*s = *r
	return nil
}

package agent

import (
	"fmt"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// SnapshotVersion names the shape of what MarshalSnapshot writes. Change it
// whenever State gains, loses or reinterprets a field: a node then refuses
// the old snapshot and replays the log instead of restoring a state that
// would lack what Apply now reads.
const SnapshotVersion = "agent/1"

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
	return s, nil
}

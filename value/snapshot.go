package value

import (
	"fmt"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// What MarshalSnapshot writes is part of the area's Version: bump it
// whenever State gains, loses or reinterprets a field, so that a node
// refuses the old snapshot and replays the log instead of restoring a
// state that would lack what Apply now reads.

// snapshot mirrors State with exported fields. A policy version's
// compiled form is not written: it is compiled again from the policy
// document on restore, exactly as policy.set compiled it.
type snapshot struct {
	Policies      map[string][]*PolicyVersion `json:"policies"`
	Incomes       map[string]*Income          `json:"incomes"`
	Distributions map[string]*Distribution    `json:"distributions"`
	Balances      map[string]*Balance         `json:"balances"`
}

// MarshalSnapshot writes the complete state as one JSON value. It only
// reads s.
func (s *State) MarshalSnapshot(enc *jsontext.Encoder) error {
	return json.MarshalEncode(enc, snapshot{Policies: s.policies, Incomes: s.incomes, Distributions: s.distributions, Balances: s.balances})
}

// UnmarshalSnapshot reads a state written by MarshalSnapshot.
func UnmarshalSnapshot(dec *jsontext.Decoder) (*State, error) {
	var v snapshot
	if err := json.UnmarshalDecode(dec, &v); err != nil {
		return nil, fmt.Errorf("value snapshot: %w", err)
	}
	s := NewState()
	for c, vs := range v.Policies {
		for _, pv := range vs {
			p, err := DecodePolicy(pv.Policy)
			if err != nil {
				return nil, fmt.Errorf("value snapshot: policy %d of %s: %w", pv.Version, c, err)
			}
			if pv.compiled, err = Compile(p); err != nil {
				return nil, fmt.Errorf("value snapshot: policy %d of %s: %w", pv.Version, c, err)
			}
		}
		s.policies[c] = vs
	}
	for id, x := range v.Incomes {
		s.incomes[id] = x
	}
	for id, x := range v.Distributions {
		s.distributions[id] = x
	}
	for id, x := range v.Balances {
		s.balances[id] = x
	}
	return s, nil
}

// ObjectKinds returns the kinds of which the state holds at least one
// object (what Objects would emit), without encoding any.
func (s *State) ObjectKinds() []string {
	policies := 0
	for _, vs := range s.policies {
		policies += len(vs)
	}
	var out []string
	for kind, n := range map[string]int{KindPolicy: policies, KindIncome: len(s.incomes), KindDistribution: len(s.distributions), KindBalance: len(s.balances)} {
		if n > 0 {
			out = append(out, kind)
		}
	}
	return out
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

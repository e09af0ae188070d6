package license

import (
	"fmt"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// What MarshalSnapshot writes is part of the area's Version: bump it
// whenever State gains, loses or reinterprets a field, so that a node
// refuses the old snapshot and replays the log instead of restoring a
// state that would lack what Apply now reads.

// snapshot mirrors State with exported fields. A policy version's decoded
// document is not written: it is decoded again from the policy's bytes on
// restore, exactly as policy.set decoded it. Sets keyed by pairs go as
// lists.
type snapshot struct {
	Policies   map[string][]*PolicyVersion `json:"policies"`
	Attested   map[string][]Attestation    `json:"attested"`
	Offers     map[string]*Offer           `json:"offers"`
	Grants     map[string]*Grant           `json:"grants"`
	ByLicensee map[string][]string         `json:"by_licensee"`
	References []string                    `json:"references,omitempty"` // the keys whose value is true
	Trials     [][2]string                 `json:"trials,omitempty"`
}

// MarshalSnapshot writes the complete state as one JSON value. It only
// reads s.
func (s *State) MarshalSnapshot(enc *jsontext.Encoder) error {
	v := snapshot{Policies: s.policies, Attested: s.attested, Offers: s.offers, Grants: s.grants, ByLicensee: s.byLicensee}
	for k, ok := range s.references {
		if ok {
			v.References = append(v.References, k)
		}
	}
	for k, ok := range s.trials {
		if ok {
			v.Trials = append(v.Trials, k)
		}
	}
	return json.MarshalEncode(enc, v)
}

// UnmarshalSnapshot reads a state written by MarshalSnapshot.
func UnmarshalSnapshot(dec *jsontext.Decoder) (*State, error) {
	var v snapshot
	if err := json.UnmarshalDecode(dec, &v); err != nil {
		return nil, fmt.Errorf("license snapshot: %w", err)
	}
	s := NewState()
	for c, vs := range v.Policies {
		for _, pv := range vs {
			p, err := DecodePolicy(pv.Policy)
			if err != nil {
				return nil, fmt.Errorf("license snapshot: policy %d of %s: %w", pv.Version, c, err)
			}
			pv.decoded = p
		}
		s.policies[c] = vs
	}
	for k, x := range v.Attested {
		s.attested[k] = x
	}
	for id, x := range v.Offers {
		s.offers[id] = x
	}
	for id, x := range v.Grants {
		s.grants[id] = x
	}
	for k, x := range v.ByLicensee {
		s.byLicensee[k] = x
	}
	for _, k := range v.References {
		s.references[k] = true
	}
	for _, k := range v.Trials {
		s.trials[k] = true
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
	for kind, n := range map[string]int{KindPolicy: policies, KindOrg: len(s.attested), KindOffer: len(s.offers), KindGrant: len(s.grants)} {
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

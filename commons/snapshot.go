package commons

import (
	"fmt"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// What MarshalSnapshot writes is part of the area's Version: bump it
// whenever State gains, loses or reinterprets a field, so that a node
// refuses the old snapshot and replays the log instead of restoring a
// state that would lack what Apply now reads.

// snapshot mirrors State with exported fields. It holds everything Apply
// reads: the objects, the indexes, and what the objects keep unexported
// (a contribution's reviews) or what is keyed by an unexported struct
// (identity keys, proofs), which go as lists. The dirty set is not state:
// a snapshot is taken after the changed objects were stored.
type snapshot struct {
	Commons       map[string]*Commons            `json:"commons"`
	Contributions map[string]*Contribution       `json:"contributions"`
	Reviews       map[string][]reviewSnap        `json:"reviews,omitempty"` // by contribution, only those with reviews
	Needs         map[string]*Need               `json:"needs"`
	Mappings      map[string]map[string]*Mapping `json:"mappings"`
	ByIdentity    []identityIDs                  `json:"by_identity,omitempty"`
	ByCommons     map[string][]string            `json:"by_commons"`
	Claims        map[string]*IdentityClaim      `json:"claims"`
	ClaimsBy      map[string][]string            `json:"claims_by"`
	OpenClaims    []identityIDs                  `json:"open_claims,omitempty"`
	Proofs        []identityProofs               `json:"proofs,omitempty"`
	Clock         int64                          `json:"clock"`
}

type reviewSnap struct {
	Agent    string `json:"agent"`
	Verdict  string `json:"verdict"`
	Revision int    `json:"revision"`
}

type identityIDs struct {
	Commons  string   `json:"commons"`
	Identity string   `json:"identity"`
	IDs      []string `json:"ids"`
}

type proofSnap struct {
	Agent  string `json:"agent"`
	Commit string `json:"commit"`
	Index  int64  `json:"index"`
	Time   int64  `json:"time"`
}

type identityProofs struct {
	Commons  string      `json:"commons"`
	Identity string      `json:"identity"`
	Proofs   []proofSnap `json:"proofs"`
}

// MarshalSnapshot writes the complete state as one JSON value. It only
// reads s.
func (s *State) MarshalSnapshot(enc *jsontext.Encoder) error {
	v := snapshot{
		Commons: s.commons, Contributions: s.contributions, Needs: s.needs, Mappings: s.mappings,
		ByCommons: s.byCommons, Claims: s.claims, ClaimsBy: s.claimsBy, Clock: s.clock,
		Reviews: map[string][]reviewSnap{},
	}
	for id, c := range s.contributions {
		for _, k := range c.reviews {
			v.Reviews[id] = append(v.Reviews[id], reviewSnap{k.agent, k.verdict, k.revision})
		}
	}
	for k, ids := range s.byIdentity {
		v.ByIdentity = append(v.ByIdentity, identityIDs{k.commons, k.identity, ids})
	}
	for k, ids := range s.openClaims {
		v.OpenClaims = append(v.OpenClaims, identityIDs{k.commons, k.identity, ids})
	}
	for k, ps := range s.proofs {
		e := identityProofs{Commons: k.commons, Identity: k.identity, Proofs: make([]proofSnap, len(ps))}
		for i, p := range ps {
			e.Proofs[i] = proofSnap{p.agent, p.commit, p.index, p.time}
		}
		v.Proofs = append(v.Proofs, e)
	}
	return json.MarshalEncode(enc, v)
}

// UnmarshalSnapshot reads a state written by MarshalSnapshot.
func UnmarshalSnapshot(dec *jsontext.Decoder) (*State, error) {
	var v snapshot
	if err := json.UnmarshalDecode(dec, &v); err != nil {
		return nil, fmt.Errorf("commons snapshot: %w", err)
	}
	// The decoded maps are kept, not copied (a copy would hold a second
	// map of every contribution until the next collection); a restore
	// then makes their strings share one copy (compact.go).
	s := NewState()
	s.clock = v.Clock
	if v.Commons != nil {
		s.commons = v.Commons
	}
	if v.Contributions != nil {
		s.contributions = v.Contributions
	}
	for id, rs := range v.Reviews {
		c := s.contributions[id]
		if c == nil {
			return nil, fmt.Errorf("commons snapshot: reviews of unknown contribution %s", id)
		}
		c.reviews = make([]reviewKey, len(rs))
		for i, r := range rs {
			c.reviews[i] = reviewKey{agent: r.Agent, verdict: r.Verdict, revision: r.Revision}
		}
	}
	if v.Needs != nil {
		s.needs = v.Needs
	}
	if v.Mappings != nil {
		s.mappings = v.Mappings
	}
	for _, e := range v.ByIdentity {
		s.byIdentity[identityKey{e.Commons, e.Identity}] = e.IDs
	}
	if v.ByCommons != nil {
		s.byCommons = v.ByCommons
	}
	if v.Claims != nil {
		s.claims = v.Claims
	}
	if v.ClaimsBy != nil {
		s.claimsBy = v.ClaimsBy
	}
	for _, e := range v.OpenClaims {
		s.openClaims[identityKey{e.Commons, e.Identity}] = e.IDs
	}
	for _, e := range v.Proofs {
		ps := make([]proof, len(e.Proofs))
		for i, p := range e.Proofs {
			ps[i] = proof{agent: p.Agent, commit: p.Commit, index: p.Index, time: p.Time}
		}
		s.proofs[identityKey{e.Commons, e.Identity}] = ps
	}
	return s, nil
}

// ObjectKinds returns the kinds of which the state holds at least one
// object (what Objects would emit), without encoding any: a start asks it
// to see whether the objects projection lacks a kind.
func (s *State) ObjectKinds() []string {
	var out []string
	for kind, n := range map[string]int{KindCommons: len(s.commons), KindContribution: len(s.contributions), KindNeed: len(s.needs),
		KindMapping: countInner(s.mappings), KindIdentityClaim: len(s.claims)} {
		if n > 0 {
			out = append(out, kind)
		}
	}
	return out
}

func countInner(m map[string]map[string]*Mapping) int {
	n := 0
	for _, ms := range m {
		n += len(ms)
	}
	return n
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

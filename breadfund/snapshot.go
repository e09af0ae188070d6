package breadfund

import (
	"fmt"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// What MarshalSnapshot writes is part of the area's Version: bump it
// whenever State gains, loses or reinterprets a field.

// snapshot mirrors State with exported fields. Decoded policies and the
// claims' dates in ms are not written: a restore derives them again from
// the policy bytes and the dates, as the events did.
type snapshot struct {
	Funds     map[string]*Fund            `json:"funds"`
	Policies  map[string][]*PolicyVersion `json:"policies"`
	Members   map[string]*Member          `json:"members"`
	Claims    map[string]*Claim           `json:"claims"`
	Payouts   map[string]*Payout          `json:"payouts"`
	Deposited []string                    `json:"deposited,omitempty"`
	ByFund    map[string][]string         `json:"by_fund"`
}

// MarshalSnapshot writes the complete state as one JSON value. It only
// reads s.
func (s *State) MarshalSnapshot(enc *jsontext.Encoder) error {
	v := snapshot{Funds: s.funds, Policies: s.policies, Members: s.members, Claims: s.claims, Payouts: s.payouts, ByFund: s.byFund}
	for k, ok := range s.deposited {
		if ok {
			v.Deposited = append(v.Deposited, k)
		}
	}
	return json.MarshalEncode(enc, v, json.Deterministic(true))
}

// RestoreSnapshot replaces s with the state a snapshot written by
// MarshalSnapshot holds, in place: the areas that read this state hold its
// pointer, and keep it.
func (s *State) RestoreSnapshot(dec *jsontext.Decoder) error {
	var v snapshot
	if err := json.UnmarshalDecode(dec, &v); err != nil {
		return fmt.Errorf("breadfund snapshot: %w", err)
	}
	r := NewState()
	for id, f := range v.Funds {
		r.funds[id] = f
	}
	for c, vs := range v.Policies {
		for _, pv := range vs {
			p, err := DecodePolicy(pv.Policy)
			if err != nil {
				return fmt.Errorf("breadfund snapshot: policy %d of %s: %w", pv.Version, c, err)
			}
			pv.decoded = p
		}
		r.policies[c] = vs
	}
	for k, m := range v.Members {
		r.members[k] = m
	}
	for id, c := range v.Claims {
		if err := c.derive(); err != nil {
			return fmt.Errorf("breadfund snapshot: claim %s: %w", id, err)
		}
		r.claims[id] = c
	}
	for id, p := range v.Payouts {
		r.payouts[id] = p
	}
	for _, k := range v.Deposited {
		r.deposited[k] = true
	}
	for c, ks := range v.ByFund {
		r.byFund[c] = ks
	}
	*s = *r
	return nil
}

// derive computes a claim's dates in ms from the dates it keeps.
func (c *Claim) derive() (err error) {
	if c.startMs, err = ParseDate(c.Start); err != nil {
		return err
	}
	if c.waitMs, err = ParseDate(c.WaitUntil); err != nil {
		return err
	}
	if c.End != "" {
		if c.endMs, err = ParseDate(c.End); err != nil {
			return err
		}
	}
	for i := range c.Steps {
		if c.Steps[i].fromMs, err = ParseDate(c.Steps[i].From); err != nil {
			return err
		}
	}
	return nil
}

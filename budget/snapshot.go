package budget

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// What MarshalSnapshot writes is part of the area's Version: bump it
// whenever State gains, loses or reinterprets a field.

// snapshot mirrors State's own fields; the indexes (byRound, byBucket,
// given, started) and the allowance cache are rebuilt from them.
type snapshot struct {
	Rounds      map[string]*Round      `json:"rounds"`
	Buckets     map[string]*Bucket     `json:"buckets"`
	Allocations map[string]*Allocation `json:"allocations"`
	Approvals   map[string]*Approval   `json:"approvals"`
	Spendings   map[string]*Spending   `json:"spendings"`
	Members     map[string][]string    `json:"members"`
	Rollover    map[string]int64       `json:"rollover"`
}

// MarshalSnapshot writes the complete state as one JSON value.
func (s *State) MarshalSnapshot(enc *jsontext.Encoder) error {
	v := snapshot{Rounds: s.rounds, Buckets: s.buckets, Allocations: s.allocations, Approvals: s.approvals,
		Spendings: s.spendings, Members: map[string][]string{}, Rollover: s.rollover}
	for r, ms := range s.members {
		v.Members[r] = slices.Sorted(func(yield func(string) bool) {
			for m := range ms {
				if !yield(m) {
					return
				}
			}
		})
	}
	return json.MarshalEncode(enc, v, json.Deterministic(true))
}

// RestoreSnapshot replaces s, in place, with what a snapshot holds.
func (s *State) RestoreSnapshot(dec *jsontext.Decoder) error {
	var v snapshot
	if err := json.UnmarshalDecode(dec, &v); err != nil {
		return fmt.Errorf("budget snapshot: %w", err)
	}
	n := NewState()
	for id, x := range v.Rounds {
		n.rounds[id] = x
	}
	for id, x := range v.Buckets {
		n.buckets[id] = x
	}
	for id, x := range v.Allocations {
		n.allocations[id] = x
	}
	for id, x := range v.Approvals {
		n.approvals[id] = x
	}
	for id, x := range v.Spendings {
		n.spendings[id] = x
	}
	for r, ms := range v.Members {
		set := map[string]bool{}
		for _, m := range ms {
			set[m] = true
		}
		n.members[r] = set
	}
	for k, x := range v.Rollover {
		n.rollover[k] = x
	}
	n.reindex()
	*s = *n
	return nil
}

// reindex rebuilds the derived indexes from the objects.
func (s *State) reindex() {
	bs := make([]*Bucket, 0, len(s.buckets))
	for _, b := range s.buckets {
		bs = append(bs, b)
	}
	slices.SortFunc(bs, func(a, b *Bucket) int { return cmp.Compare(a.Index, b.Index) })
	for _, b := range bs {
		s.byRound[b.Round] = append(s.byRound[b.Round], b.ID)
	}
	as := make([]*Allocation, 0, len(s.allocations))
	for _, a := range s.allocations {
		as = append(as, a)
	}
	slices.SortFunc(as, func(a, b *Allocation) int { return cmp.Compare(a.Index, b.Index) })
	for _, a := range as {
		s.byBucket[a.Bucket] = append(s.byBucket[a.Bucket], a.ID)
		s.started[a.Round] = true
		if a.Status == AllocStanding || a.Status == AllocFunded {
			s.given[a.Round+"/"+a.Giver] += a.Amount
		}
	}
	ps := make([]*Approval, 0, len(s.approvals))
	for _, p := range s.approvals {
		ps = append(ps, p)
	}
	slices.SortFunc(ps, func(a, b *Approval) int {
		return cmp.Or(cmp.Compare(a.Created, b.Created), cmp.Compare(a.Agent, b.Agent))
	})
	for _, p := range ps {
		s.approvalsOf[p.Bucket] = append(s.approvalsOf[p.Bucket], p.Bucket+"/"+p.Agent)
		if b := s.buckets[p.Bucket]; b != nil {
			s.started[b.Round] = true
		}
	}
	sp := make([]*Spending, 0, len(s.spendings))
	for _, p := range s.spendings {
		sp = append(sp, p)
	}
	slices.SortFunc(sp, func(a, b *Spending) int { return cmp.Compare(a.Index, b.Index) })
	for _, p := range sp {
		s.spendingsOf[p.Bucket] = append(s.spendingsOf[p.Bucket], p.ID)
	}
	rs := make([]*Round, 0, len(s.rounds))
	for _, r := range s.rounds {
		rs = append(rs, r)
	}
	slices.SortFunc(rs, func(a, b *Round) int { return cmp.Compare(a.Index, b.Index) })
	for _, r := range rs {
		s.byCommons[r.Commons] = append(s.byCommons[r.Commons], r.ID)
	}
}

package budget

import (
	"slices"

	"github.com/meent/meent/ledger"
)

// Refs returns the commons and the agents a budget event touches besides
// its author, for the store's event index: always the round's commons;
// a bucket's recipients when it is proposed, edited or spends; a bucket's
// proposer when someone allocates to it, withdraws from it or approves it;
// the givers a cancellation refunds; at a close, the recipients of funded
// buckets and the funders a refund pays. Called right after ev was applied.
func (s *State) Refs(ev *ledger.Event) (commons, agents []string) {
	bucket := func(id string) (string, *Bucket) {
		if b := s.buckets[id]; b != nil {
			return b.Commons, b
		}
		return "", nil
	}
	recipients := func(b *Bucket) (out []string) {
		for _, p := range b.Recipients {
			out = append(out, p.Agent)
		}
		return out
	}
	switch ev.Type {
	case TypeRoundOpen:
		var d RoundData
		ev.DecodeData(&d)
		return one(d.Commons), nil
	case TypeFund, TypeRoundClose:
		var d struct {
			Round string `json:"round"`
		}
		ev.DecodeData(&d)
		r := s.rounds[d.Round]
		if r == nil {
			return nil, nil
		}
		if ev.Type == TypeFund {
			return one(r.Commons), nil
		}
		for _, id := range s.byRound[r.ID] {
			if b := s.buckets[id]; b.Status == BucketFunded {
				agents = append(agents, recipients(b)...)
			}
		}
		if r.Closed != nil {
			for _, p := range r.Closed.Refunds {
				if p.Agent != r.Commons {
					agents = append(agents, p.Agent)
				}
			}
		}
		return one(r.Commons), dedupe(agents)
	case TypeBucketPropose:
		b := s.buckets[ev.Hash.String()]
		if b == nil {
			return nil, nil
		}
		return one(b.Commons), recipients(b)
	case TypeBucketEdit, TypeSpend, TypeBucketCancel, TypeAllocate, TypeApprove:
		var d struct {
			Bucket string `json:"bucket"`
		}
		ev.DecodeData(&d)
		c, b := bucket(d.Bucket)
		if b == nil {
			return nil, nil
		}
		switch ev.Type {
		case TypeBucketEdit, TypeSpend:
			return one(c), recipients(b)
		case TypeBucketCancel:
			agents = []string{b.Proposer}
			for _, id := range s.byBucket[b.ID] {
				if a := s.allocations[id]; a.Status == AllocRefunded && b.Cancelled != nil && a.Undone.Index == b.Cancelled.Index {
					agents = append(agents, a.Giver)
				}
			}
			return one(c), dedupe(agents)
		}
		return one(c), one(b.Proposer)
	case TypeWithdraw:
		var d WithdrawData
		ev.DecodeData(&d)
		if a := s.allocations[d.Allocation]; a != nil {
			c, b := bucket(a.Bucket)
			return one(c), one(b.Proposer)
		}
	}
	return nil, nil
}

func one(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

func dedupe(xs []string) []string {
	slices.Sort(xs)
	return slices.Compact(xs)
}

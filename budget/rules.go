package budget

import (
	"cmp"
	"math/big"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/go-json-experiment/json"

	"github.com/meent/meent"
	"github.com/meent/meent/agent"
	"github.com/meent/meent/authority"
	"github.com/meent/meent/budget/allot"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/value"
)

// Limits.
const (
	MaxTitle       = 200
	MaxDescription = 4000
	MaxRecipients  = 20
	MaxReference   = 200
)

// State is everything the budget rules know.
type State struct {
	rounds      map[string]*Round
	buckets     map[string]*Bucket
	allocations map[string]*Allocation
	approvals   map[string]*Approval // bucket "/" agent
	spendings   map[string]*Spending
	members     map[string]map[string]bool // round → its frozen members
	rollover    map[string]int64           // commons "/" currency → waiting for the next round

	// Derived, rebuilt on restore.
	byRound     map[string][]string // round → bucket IDs, by index
	byBucket    map[string][]string // bucket → allocation IDs, by index
	approvalsOf map[string][]string // bucket → approval IDs, by first approval
	spendingsOf map[string][]string // bucket → spending IDs, by index
	byCommons   map[string][]string // commons → round IDs, by index
	given       map[string]int64    // round "/" agent → standing allocations
	started     map[string]bool     // round → an allocation or approval was made
	allow       map[string]map[string]int64

	dirty map[[2]string]bool
}

// NewState returns an empty State.
func NewState() *State {
	return &State{
		rounds: map[string]*Round{}, buckets: map[string]*Bucket{}, allocations: map[string]*Allocation{},
		approvals: map[string]*Approval{}, spendings: map[string]*Spending{}, members: map[string]map[string]bool{},
		rollover: map[string]int64{}, byRound: map[string][]string{}, byBucket: map[string][]string{},
		approvalsOf: map[string][]string{}, spendingsOf: map[string][]string{}, byCommons: map[string][]string{},
		given: map[string]int64{}, started: map[string]bool{}, allow: map[string]map[string]int64{},
		dirty: map[[2]string]bool{},
	}
}

// Round returns a round, or nil.
func (s *State) Round(id string) *Round { return s.rounds[id] }

// Bucket returns a bucket, or nil.
func (s *State) Bucket(id string) *Bucket { return s.buckets[id] }

// Allocation returns an allocation, or nil.
func (s *State) Allocation(id string) *Allocation { return s.allocations[id] }

// IsMember reports whether an agent is one of a round's frozen members.
func (s *State) IsMember(round, agentID string) bool { return s.members[round][agentID] }

// Allowance returns what a member may still allocate in a round (0 for a
// round that does not use allowances), and their whole allowance.
func (s *State) Allowance(round, agentID string) (left, whole int64) {
	r := s.rounds[round]
	if r == nil || !s.members[round][agentID] {
		return 0, 0
	}
	switch r.Method {
	case MethodAllowanceEqual:
		whole = r.Pool / int64(max(1, r.Members))
	case MethodAllowanceContribution:
		a := s.allow[round]
		if a == nil {
			a = contributionAllowances(r, s.members[round])
		}
		whole = a[agentID]
	default:
		return 0, 0
	}
	return whole - s.given[round+"/"+agentID], whole
}

// Rounds returns a commons' rounds, oldest first.
func (s *State) Rounds(commonsID string) []*Round { return pick(s.rounds, s.byCommons[commonsID]) }

// BucketList returns a round's buckets, in the order proposed.
func (s *State) BucketList(round string) []*Bucket { return pick(s.buckets, s.byRound[round]) }

// Allocations returns a bucket's allocations, oldest first (undone ones too).
func (s *State) Allocations(bucket string) []*Allocation {
	return pick(s.allocations, s.byBucket[bucket])
}

// Approvals returns a bucket's approvals (withdrawn ones too), by first approval.
func (s *State) Approvals(bucket string) []*Approval { return pick(s.approvals, s.approvalsOf[bucket]) }

// Spendings returns what a bucket recorded as spent, oldest first.
func (s *State) Spendings(bucket string) []*Spending { return pick(s.spendings, s.spendingsOf[bucket]) }

func pick[V any](m map[string]*V, ids []string) []*V {
	out := make([]*V, len(ids))
	for i, id := range ids {
		out[i] = m[id]
	}
	return out
}

// contributionAllowances splits a round's pool among its members in
// proportion to their own funding. Allowance reads it without keeping it
// (a read changes nothing); allocate keeps it once the pool is fixed.
func contributionAllowances(r *Round, members map[string]bool) map[string]int64 {
	var ws []allot.Weight
	for _, f := range r.Fundings {
		if f.Source == SourceMember && members[f.Funder] {
			ws = append(ws, allot.Weight{ID: f.Funder, Weight: f.Amount})
		}
	}
	if len(ws) == 0 {
		return map[string]int64{}
	}
	a, _ := allot.Allowances(r.Pool, ws) // weights are non-negative, funders unique: cannot fail
	return a
}

// Rollover returns what waits for a commons' next round in a currency.
func (s *State) Rollover(commonsID, currency string) int64 { return s.rollover[commonsID+"/"+currency] }

// Buckets returns the IDs of a round's buckets, in the order proposed.
func (s *State) Buckets(round string) []string { return slices.Clone(s.byRound[round]) }

func refuse(format string, args ...any) error { return meent.Errorf(meent.ERULE, format, args...) }

func conflict(format string, args ...any) error {
	return meent.Errorf(meent.ECONFLICT, format, args...)
}

func checkTitle(title, desc string) error {
	if strings.TrimSpace(title) == "" || len(title) > MaxTitle || !utf8.ValidString(title) {
		return refuse("a title is 1 to %d bytes of text", MaxTitle)
	}
	if len(desc) > MaxDescription || !utf8.ValidString(desc) {
		return refuse("a description is at most %d bytes of text", MaxDescription)
	}
	return nil
}

func (s *State) roundOpen(x op) error {
	var d RoundData
	if err := x.ev.DecodeData(&d); err != nil {
		return err
	}
	c, err := x.maintainer(d.Commons, authority.OpenBudgetRound)
	if err != nil {
		return err
	}
	if err := checkTitle(d.Title, ""); err != nil {
		return err
	}
	if err := commons.CheckMoney(commons.Money{Currency: d.Currency}, false); err != nil {
		return err
	}
	if d.Opens <= 0 || d.Closes <= d.Opens {
		return refuse("a round opens (opens, ms) before it closes (closes, ms)")
	}
	if d.Method == MethodPoll {
		return refuse("method poll needs the governance area, which does not enact budget decisions yet")
	}
	if !slices.Contains(Methods, d.Method) {
		return refuse("method %q is not one of %s", d.Method, strings.Join(Methods, ", "))
	}
	if !slices.Contains(allot.LeftoverRules, d.Leftover) {
		return refuse("leftover rule %q is not refund, rollover or commons", d.Leftover)
	}
	id := x.ev.Hash.String()
	if s.rounds[id] != nil {
		return conflict("budget round %s exists already", id)
	}
	r := &Round{ID: id, Commons: c.ID, Title: d.Title, Currency: d.Currency, Opens: d.Opens, Closes: d.Closes,
		Method: d.Method, Leftover: d.Leftover, Author: x.me, Index: x.Index, Status: "open", Fundings: []Funding{}}
	members := map[string]bool{}
	for _, a := range x.agents.All() {
		if a.Role == agent.RoleMember || a.Role == agent.RoleAdmin {
			members[a.ID] = true
		}
	}
	r.Members = len(members)
	key := c.ID + "/" + d.Currency
	if carried := s.rollover[key]; carried > 0 {
		r.Pool = carried
		r.Fundings = append(r.Fundings, Funding{Funder: c.ID, Source: SourceRollover, Amount: carried})
		delete(s.rollover, key)
	}
	s.rounds[id] = r
	s.byCommons[c.ID] = append(s.byCommons[c.ID], id)
	s.members[id] = members
	s.dirty[[2]string{KindRound, id}] = true
	return nil
}

// openRound returns a round that is not closed.
func (s *State) openRound(id string) (*Round, error) {
	r := s.rounds[id]
	if r == nil {
		return nil, meent.Errorf(meent.ENOTFOUND, "unknown budget round %s", id)
	}
	if r.Closed != nil {
		return nil, conflict("budget round %q is closed", r.Title)
	}
	return r, nil
}

func (s *State) fund(x op) error {
	var d FundData
	if err := x.ev.DecodeData(&d); err != nil {
		return err
	}
	r, err := s.openRound(d.Round)
	if err != nil {
		return err
	}
	if x.ev.Time >= r.Opens || s.started[r.ID] {
		return conflict("budget round %q is funded before it opens; allocation has begun", r.Title)
	}
	if err := commons.CheckMoney(d.Amount, true); err != nil {
		return err
	}
	if d.Amount.Currency != r.Currency {
		return refuse("budget round %q counts in %s, not %s", r.Title, r.Currency, d.Amount.Currency)
	}
	if r.Pool > 1<<53-d.Amount.Amount {
		return refuse("the pool would exceed 2^53 minor units")
	}
	funder := x.me
	switch d.Source {
	case SourceGrant:
	case SourceMember:
		if !s.members[r.ID][x.me] {
			return meent.Errorf(meent.EFORBIDDEN, "only a member of budget round %q contributes to it as a member", r.Title)
		}
	case SourceCommons:
		c, err := x.maintainer(r.Commons, authority.DrawCoBudget)
		if err != nil {
			return err
		}
		if open := x.value.Open(c.ID, value.RecipientPool, value.PoolCoBudget, r.Currency); open < d.Amount.Amount {
			return refuse("the co-budget pool of %s holds %s, less than %s", c.Name, commons.Money{Amount: open, Currency: r.Currency}, d.Amount)
		}
		funder = c.ID
		x.Emit(value.Drawn{Commons: c.ID, Pool: value.PoolCoBudget, Amount: d.Amount, To: "budget:" + r.ID})
	default:
		return refuse("source %q is not grant, member or commons", d.Source)
	}
	r.Pool += d.Amount.Amount
	i := slices.IndexFunc(r.Fundings, func(f Funding) bool { return f.Funder == funder && f.Source == d.Source })
	if i < 0 {
		r.Fundings = append(r.Fundings, Funding{Funder: funder, Source: d.Source})
		slices.SortFunc(r.Fundings, func(a, b Funding) int {
			return cmp.Or(cmp.Compare(a.Funder, b.Funder), cmp.Compare(a.Source, b.Source))
		})
		i = slices.IndexFunc(r.Fundings, func(f Funding) bool { return f.Funder == funder && f.Source == d.Source })
	}
	r.Fundings[i].Amount += d.Amount.Amount
	s.dirty[[2]string{KindRound, r.ID}] = true
	return nil
}

// checkTerms checks a bucket's terms against its round.
func (x op) checkTerms(r *Round, title, desc string, lo, hi commons.Money, rs []Recipient) ([]Recipient, error) {
	if err := checkTitle(title, desc); err != nil {
		return nil, err
	}
	for _, m := range []commons.Money{lo, hi} {
		if err := commons.CheckMoney(m, true); err != nil {
			return nil, err
		}
		if m.Currency != r.Currency {
			return nil, refuse("budget round %q counts in %s, not %s", r.Title, r.Currency, m.Currency)
		}
	}
	if hi.Amount < lo.Amount {
		return nil, refuse("a bucket's maximum (%s) is at least its minimum (%s)", hi, lo)
	}
	if len(rs) == 0 {
		rs = []Recipient{{Agent: x.me, Share: 1}}
	}
	if len(rs) > MaxRecipients {
		return nil, refuse("a bucket has at most %d recipients", MaxRecipients)
	}
	seen := map[string]bool{}
	for _, p := range rs {
		if x.agents.Agent(p.Agent) == nil {
			return nil, refuse("recipient %s is not an agent", p.Agent)
		}
		if seen[p.Agent] || p.Share < 1 || p.Share > 1<<32 {
			return nil, refuse("each recipient appears once, with a share from 1 to 2^32")
		}
		seen[p.Agent] = true
	}
	rs = slices.Clone(rs)
	slices.SortFunc(rs, func(a, b Recipient) int { return cmp.Compare(a.Agent, b.Agent) })
	return rs, nil
}

func (s *State) bucketPropose(x op) error {
	var d BucketData
	if err := x.ev.DecodeData(&d); err != nil {
		return err
	}
	r, err := s.openRound(d.Round)
	if err != nil {
		return err
	}
	if x.ev.Time >= r.Closes {
		return conflict("budget round %q closed for proposals", r.Title)
	}
	c := x.commons.Commons(r.Commons)
	if err := x.Auth.May(x.me, authority.ProposeBucket, authority.In(c.ID, c.Name)); err != nil {
		return err
	}
	rs, err := x.checkTerms(r, d.Title, d.Description, d.Min, d.Max, d.Recipients)
	if err != nil {
		return err
	}
	id := x.ev.Hash.String()
	if s.buckets[id] != nil {
		return conflict("bucket %s exists already", id)
	}
	b := &Bucket{ID: id, Round: r.ID, Commons: r.Commons, Title: d.Title, Description: d.Description, Currency: r.Currency,
		Min: d.Min.Amount, Max: d.Max.Amount, Recipients: rs, Proposer: x.me, Index: x.Index, Updated: x.Index, Status: BucketOpen}
	s.buckets[id] = b
	s.byRound[r.ID] = append(s.byRound[r.ID], id)
	r.Buckets++
	s.dirty[[2]string{KindBucket, id}] = true
	s.dirty[[2]string{KindRound, r.ID}] = true
	return nil
}

// openBucket returns a bucket that is open, and its round.
func (s *State) openBucket(id string) (*Bucket, *Round, error) {
	b := s.buckets[id]
	if b == nil {
		return nil, nil, meent.Errorf(meent.ENOTFOUND, "unknown bucket %s", id)
	}
	r, err := s.openRound(b.Round)
	if err != nil {
		return nil, nil, err
	}
	if b.Status != BucketOpen {
		return nil, nil, conflict("bucket %q is %s", b.Title, b.Status)
	}
	return b, r, nil
}

func (s *State) bucketEdit(x op) error {
	var d EditData
	if err := x.ev.DecodeData(&d); err != nil {
		return err
	}
	b, r, err := s.openBucket(d.Bucket)
	if err != nil {
		return err
	}
	c := x.commons.Commons(r.Commons)
	if err := x.Auth.May(x.me, authority.EditBucket, authority.In(c.ID, c.Name).With(b.Proposer)); err != nil {
		return err
	}
	rs, err := x.checkTerms(r, d.Title, d.Description, d.Min, d.Max, d.Recipients)
	if err != nil {
		return err
	}
	if len(d.Recipients) == 0 {
		rs = b.Recipients // an edit by a maintainer keeps the proposer's recipients
	}
	if d.Max.Amount < b.Allocated {
		return refuse("bucket %q already holds %s; its maximum cannot go below that", b.Title, commons.Money{Amount: b.Allocated, Currency: b.Currency})
	}
	b.Title, b.Description, b.Min, b.Max, b.Recipients = d.Title, d.Description, d.Min.Amount, d.Max.Amount, rs
	b.Reached = b.Allocated >= b.Min
	b.Edits++
	b.Updated = x.Index
	s.dirty[[2]string{KindBucket, b.ID}] = true
	return nil
}

func (s *State) bucketCancel(x op) error {
	var d CancelData
	if err := x.ev.DecodeData(&d); err != nil {
		return err
	}
	b, r, err := s.openBucket(d.Bucket)
	if err != nil {
		return err
	}
	c := x.commons.Commons(r.Commons)
	if err := x.Auth.May(x.me, authority.CancelBucket, authority.In(c.ID, c.Name).With(b.Proposer)); err != nil {
		return err
	}
	if strings.TrimSpace(d.Reason) == "" || len(d.Reason) > MaxDescription {
		return refuse("a cancellation gives its reason (1 to %d bytes)", MaxDescription)
	}
	rev := &Reversal{Index: x.Index, By: x.me, Reason: d.Reason}
	for _, id := range s.byBucket[b.ID] {
		a := s.allocations[id]
		if a.Status != AllocStanding {
			continue
		}
		s.undo(a, AllocRefunded, rev)
	}
	b.Status, b.Cancelled, b.Updated, b.Reached = BucketCancelled, rev, x.Index, false
	s.dirty[[2]string{KindBucket, b.ID}] = true
	return nil
}

// undo reverses a standing allocation: its giver gets it back.
func (s *State) undo(a *Allocation, status string, rev *Reversal) {
	b, r := s.buckets[a.Bucket], s.rounds[a.Round]
	a.Status, a.Undone = status, rev
	b.Allocated -= a.Amount
	b.Givers--
	b.Reached = b.Allocated >= b.Min
	b.Updated = rev.Index
	r.Allocated -= a.Amount
	s.given[a.Round+"/"+a.Giver] -= a.Amount
	s.dirty[[2]string{KindAllocation, a.ID}] = true
	s.dirty[[2]string{KindBucket, b.ID}] = true
	s.dirty[[2]string{KindRound, r.ID}] = true
}

// during checks that the round takes allocations and approvals now.
func during(x op, r *Round, method ...string) error {
	if x.ev.Time < r.Opens || x.ev.Time >= r.Closes {
		return conflict("budget round %q takes allocations from its opening to its closing time", r.Title)
	}
	if !slices.Contains(method, r.Method) {
		return refuse("budget round %q uses method %s", r.Title, r.Method)
	}
	return nil
}

func (s *State) allocate(x op) error {
	var d AllocateData
	if err := x.ev.DecodeData(&d); err != nil {
		return err
	}
	b, r, err := s.openBucket(d.Bucket)
	if err != nil {
		return err
	}
	if err := during(x, r, MethodAllowanceEqual, MethodAllowanceContribution); err != nil {
		return err
	}
	if !s.members[r.ID][x.me] {
		return meent.Errorf(meent.EFORBIDDEN, "only the members of budget round %q (the node's members when it opened) allocate", r.Title)
	}
	if err := commons.CheckMoney(d.Amount, true); err != nil {
		return err
	}
	if d.Amount.Currency != r.Currency {
		return refuse("budget round %q counts in %s, not %s", r.Title, r.Currency, d.Amount.Currency)
	}
	if b.Allocated+d.Amount.Amount > b.Max {
		return refuse("bucket %q holds %s of its maximum %s: %s is too much", b.Title,
			commons.Money{Amount: b.Allocated, Currency: r.Currency}, commons.Money{Amount: b.Max, Currency: r.Currency}, d.Amount)
	}
	left, _ := s.Allowance(r.ID, x.me)
	if d.Amount.Amount > left {
		return refuse("your allowance in budget round %q has %s left", r.Title, commons.Money{Amount: left, Currency: r.Currency})
	}
	s.started[r.ID] = true // from now on the pool does not change
	if r.Method == MethodAllowanceContribution && s.allow[r.ID] == nil {
		s.allow[r.ID] = contributionAllowances(r, s.members[r.ID])
	}
	id := x.ev.Hash.String()
	if s.allocations[id] != nil {
		return conflict("allocation %s exists already", id)
	}
	a := &Allocation{ID: id, Bucket: b.ID, Round: r.ID, Commons: r.Commons, Giver: x.me, Amount: d.Amount.Amount,
		Currency: r.Currency, Index: x.Index, Status: AllocStanding}
	s.allocations[id] = a
	s.byBucket[b.ID] = append(s.byBucket[b.ID], id)
	b.Allocated += a.Amount
	b.Givers++
	b.Reached = b.Allocated >= b.Min
	b.Updated = x.Index
	r.Allocated += a.Amount
	s.given[r.ID+"/"+x.me] += a.Amount
	s.dirty[[2]string{KindAllocation, id}] = true
	s.dirty[[2]string{KindBucket, b.ID}] = true
	s.dirty[[2]string{KindRound, r.ID}] = true
	return nil
}

func (s *State) withdraw(x op) error {
	var d WithdrawData
	if err := x.ev.DecodeData(&d); err != nil {
		return err
	}
	a := s.allocations[d.Allocation]
	if a == nil {
		return meent.Errorf(meent.ENOTFOUND, "unknown allocation %s", d.Allocation)
	}
	b, r, err := s.openBucket(a.Bucket)
	if err != nil {
		return err
	}
	c := x.commons.Commons(r.Commons)
	if err := x.Auth.May(x.me, authority.WithdrawAllocation, authority.In(c.ID, c.Name).With(a.Giver)); err != nil {
		return err
	}
	if x.ev.Time >= r.Closes {
		return conflict("budget round %q has closed for allocations", r.Title)
	}
	if a.Status != AllocStanding {
		return conflict("this allocation to %q is already %s", b.Title, a.Status)
	}
	s.undo(a, AllocWithdrawn, &Reversal{Index: x.Index, By: x.me})
	return nil
}

func (s *State) approve(x op) error {
	var d ApproveData
	if err := x.ev.DecodeData(&d); err != nil {
		return err
	}
	b, r, err := s.openBucket(d.Bucket)
	if err != nil {
		return err
	}
	if err := during(x, r, MethodEqualShares); err != nil {
		return err
	}
	if !s.members[r.ID][x.me] {
		return meent.Errorf(meent.EFORBIDDEN, "only the members of budget round %q (the node's members when it opened) approve", r.Title)
	}
	id := b.ID + "/" + x.me
	p := s.approvals[id]
	was := p != nil && p.Approved
	if was == d.Approve {
		return conflict("you already %s bucket %q", map[bool]string{true: "approve", false: "do not approve"}[was], b.Title)
	}
	if p == nil {
		p = &Approval{Bucket: b.ID, Agent: x.me, Created: x.Index}
		s.approvals[id] = p
		s.approvalsOf[b.ID] = append(s.approvalsOf[b.ID], id)
	}
	p.Approved, p.Index = d.Approve, x.Index
	if d.Approve {
		b.Approvals++
	} else {
		b.Approvals--
	}
	s.started[r.ID] = true
	b.Updated = x.Index
	s.dirty[[2]string{KindApproval, id}] = true
	s.dirty[[2]string{KindBucket, b.ID}] = true
	return nil
}

func (s *State) roundClose(x op) error {
	var d CloseData
	if err := x.ev.DecodeData(&d); err != nil {
		return err
	}
	r, err := s.openRound(d.Round)
	if err != nil {
		return err
	}
	c, err := x.maintainer(r.Commons, authority.CloseBudgetRound)
	if err != nil {
		return err
	}
	if x.ev.Time < r.Closes {
		return conflict("budget round %q closes at its closing time, not before", r.Title)
	}
	in := allot.Round{Rule: r.Leftover}
	for _, f := range r.Fundings {
		in.Fundings = append(in.Fundings, allot.Funding{Funder: f.Funder, Amount: f.Amount})
	}
	var share int64
	var projects []allot.Project
	for _, id := range s.byRound[r.ID] {
		b := s.buckets[id]
		in.Goals = append(in.Goals, allot.Goal{ID: b.ID, Min: b.Min, Max: b.Max, Cancelled: b.Status == BucketCancelled})
		if b.Status == BucketCancelled {
			continue
		}
		projects = append(projects, allot.Project{ID: b.ID, Cost: b.Min})
		for _, aid := range s.byBucket[id] {
			if a := s.allocations[aid]; a.Status == AllocStanding {
				in.Gifts = append(in.Gifts, allot.Gift{Giver: a.ID, Bucket: b.ID, Amount: a.Amount})
			}
		}
	}
	if r.Method == MethodEqualShares {
		ballots := map[string]*allot.Ballot{}
		for m := range s.members[r.ID] {
			ballots[m] = &allot.Ballot{Voter: m}
		}
		for _, p := range projects {
			for m, bl := range ballots {
				if a := s.approvals[p.ID+"/"+m]; a != nil && a.Approved {
					bl.Approvals = append(bl.Approvals, p.ID)
				}
			}
		}
		var bs []allot.Ballot
		for _, bl := range ballots {
			bs = append(bs, *bl)
		}
		inc := int64(1)
		for range commons.Exponent(r.Currency) {
			inc *= 10
		}
		res, err := allot.EqualShares(r.Pool, projects, bs, allot.Options{Completion: allot.CompleteAdd1, Increment: inc})
		if err != nil {
			return refuse("equal shares: %v", err)
		}
		in.Chosen, share = res.Winners, res.Share
		if in.Chosen == nil {
			in.Chosen = []string{}
		}
	}
	out, err := allot.Close(in)
	if err != nil {
		return refuse("closing budget round %q: %v", r.Title, err)
	}
	// Everything is checked: apply.
	closing := &Closing{Index: x.Index, Leftover: out.Leftover, Rule: r.Leftover, Rollover: out.Rollover, Commons: out.Commons, Share: share}
	funded := map[string]int64{}
	for _, f := range out.Funded {
		funded[f.Bucket] = f.Amount
		closing.Funded += f.Amount
	}
	rev := &Reversal{Index: x.Index, By: x.me, Reason: "the bucket did not reach its minimum"}
	for _, id := range s.byRound[r.ID] {
		b := s.buckets[id]
		if b.Status == BucketCancelled {
			continue
		}
		amt, ok := funded[id]
		b.Updated = x.Index
		s.dirty[[2]string{KindBucket, id}] = true
		if !ok {
			b.Status = BucketUnfunded
			for _, aid := range s.byBucket[id] {
				if a := s.allocations[aid]; a.Status == AllocStanding {
					s.undo(a, AllocReturned, rev)
				}
			}
			continue
		}
		b.Status, b.Funded = BucketFunded, amt
		for _, aid := range s.byBucket[id] {
			if a := s.allocations[aid]; a.Status == AllocStanding {
				a.Status = AllocFunded
				s.dirty[[2]string{KindAllocation, a.ID}] = true
			}
		}
		shares := make([]value.Share, len(b.Recipients))
		for i, p := range b.Recipients {
			shares[i] = value.Share{Recipient: p.Agent, Weight: big.NewInt(p.Share)}
		}
		amounts, _ := value.Allocate(amt, shares) // checked shares, amount >= 0: cannot fail
		b.Payable = nil
		for i, p := range b.Recipients {
			if amounts[i] > 0 {
				b.Payable = append(b.Payable, Payment{Agent: p.Agent, Amount: amounts[i]})
				x.Emit(value.Payable{Commons: c.ID, Kind: value.RecipientAgent, Recipient: p.Agent, Amount: commons.Money{Amount: amounts[i], Currency: r.Currency}})
			}
		}
	}
	for _, f := range out.Refunds {
		closing.Refunds = append(closing.Refunds, Payment{Agent: f.Funder, Amount: f.Amount})
		if f.Funder == c.ID { // drawn from the co-budget pool or rolled over: back to the pool
			x.Emit(value.Payable{Commons: c.ID, Kind: value.RecipientPool, Recipient: value.PoolCoBudget, Amount: commons.Money{Amount: f.Amount, Currency: r.Currency}})
		} else {
			x.Emit(value.Payable{Commons: c.ID, Kind: value.RecipientAgent, Recipient: f.Funder, Amount: commons.Money{Amount: f.Amount, Currency: r.Currency}})
		}
	}
	if out.Commons > 0 {
		x.Emit(value.Payable{Commons: c.ID, Kind: value.RecipientPool, Recipient: value.PoolCoBudget, Amount: commons.Money{Amount: out.Commons, Currency: r.Currency}})
	}
	if out.Rollover > 0 {
		s.rollover[c.ID+"/"+r.Currency] += out.Rollover
	}
	r.Closed, r.Status = closing, "closed"
	s.dirty[[2]string{KindRound, r.ID}] = true
	return nil
}

func (s *State) spend(x op) error {
	var d SpendData
	if err := x.ev.DecodeData(&d); err != nil {
		return err
	}
	b := s.buckets[d.Bucket]
	if b == nil {
		return meent.Errorf(meent.ENOTFOUND, "unknown bucket %s", d.Bucket)
	}
	c := x.commons.Commons(b.Commons)
	var parties []string
	for _, p := range b.Recipients {
		parties = append(parties, p.Agent)
	}
	if err := x.Auth.May(x.me, authority.RecordSpending, authority.In(c.ID, c.Name).With(parties...)); err != nil {
		return err
	}
	if b.Status != BucketFunded {
		return conflict("bucket %q is %s; only a funded bucket spends", b.Title, b.Status)
	}
	if err := commons.CheckMoney(d.Amount, true); err != nil {
		return err
	}
	if d.Amount.Currency != b.Currency {
		return refuse("bucket %q counts in %s, not %s", b.Title, b.Currency, d.Amount.Currency)
	}
	if b.Spent+d.Amount.Amount > b.Funded {
		return refuse("bucket %q was funded %s and has recorded %s spent: %s is more than is left", b.Title,
			commons.Money{Amount: b.Funded, Currency: b.Currency}, commons.Money{Amount: b.Spent, Currency: b.Currency}, d.Amount)
	}
	if strings.TrimSpace(d.Reference) == "" || len(d.Reference) > MaxReference || !utf8.ValidString(d.Reference) {
		return refuse("a spending names its invoice or receipt (a reference of 1 to %d bytes)", MaxReference)
	}
	id := x.ev.Hash.String()
	if s.spendings[id] != nil {
		return conflict("spending %s exists already", id)
	}
	s.spendings[id] = &Spending{ID: id, Bucket: b.ID, Amount: d.Amount.Amount, Currency: b.Currency, Reference: d.Reference, By: x.me, Index: x.Index}
	s.spendingsOf[b.ID] = append(s.spendingsOf[b.ID], id)
	b.Spent += d.Amount.Amount
	b.Updated = x.Index
	s.dirty[[2]string{KindSpending, id}] = true
	s.dirty[[2]string{KindBucket, b.ID}] = true
	return nil
}

// TakeDirty returns the objects changed since the last call and forgets them.
func (s *State) TakeDirty() []meent.Object {
	out := make([]meent.Object, 0, len(s.dirty))
	for k := range s.dirty {
		if o, ok := s.object(k[0], k[1]); ok {
			out = append(out, o)
		}
	}
	clear(s.dirty)
	return out
}

// DropDirty forgets changed objects.
func (s *State) DropDirty() { clear(s.dirty) }

// Objects emits every object the state holds.
func (s *State) Objects(emit func(meent.Object)) {
	for kind, ids := range map[string][]string{
		KindRound: keys(s.rounds), KindBucket: keys(s.buckets), KindAllocation: keys(s.allocations),
		KindApproval: keys(s.approvals), KindSpending: keys(s.spendings),
	} {
		for _, id := range ids {
			o, _ := s.object(kind, id)
			emit(o)
		}
	}
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// ObjectKinds returns the kinds of which the state holds at least one object.
func (s *State) ObjectKinds() []string {
	var out []string
	for kind, n := range map[string]int{KindRound: len(s.rounds), KindBucket: len(s.buckets), KindAllocation: len(s.allocations),
		KindApproval: len(s.approvals), KindSpending: len(s.spendings)} {
		if n > 0 {
			out = append(out, kind)
		}
	}
	return out
}

func (s *State) object(kind, id string) (meent.Object, bool) {
	switch kind {
	case KindRound:
		if r := s.rounds[id]; r != nil {
			upd := r.Index
			if r.Closed != nil {
				upd = r.Closed.Index
			}
			return meent.Object{Kind: kind, ID: id, Commons: r.Commons, Agent: r.Author, Status: r.Status, Created: r.Index, Updated: upd, Data: mustMarshal(r)}, true
		}
	case KindBucket:
		if b := s.buckets[id]; b != nil {
			return meent.Object{Kind: kind, ID: id, Parent: b.Round, Commons: b.Commons, Agent: b.Proposer, Status: b.Status, Created: b.Index, Updated: b.Updated, Data: mustMarshal(b)}, true
		}
	case KindAllocation:
		if a := s.allocations[id]; a != nil {
			upd := a.Index
			if a.Undone != nil {
				upd = a.Undone.Index
			}
			return meent.Object{Kind: kind, ID: id, Parent: a.Bucket, Commons: a.Commons, Agent: a.Giver, Status: a.Status, Created: a.Index, Updated: upd, Data: mustMarshal(a)}, true
		}
	case KindApproval:
		if p := s.approvals[id]; p != nil {
			status := "approved"
			if !p.Approved {
				status = "withdrawn"
			}
			return meent.Object{Kind: kind, ID: id, Parent: p.Bucket, Commons: s.buckets[p.Bucket].Commons, Agent: p.Agent, Status: status, Created: p.Created, Updated: p.Index, Data: mustMarshal(p)}, true
		}
	case KindSpending:
		if p := s.spendings[id]; p != nil {
			return meent.Object{Kind: kind, ID: id, Parent: p.Bucket, Commons: s.buckets[p.Bucket].Commons, Agent: p.By, Status: "recorded", Created: p.Index, Updated: p.Index, Data: mustMarshal(p)}, true
		}
	}
	return meent.Object{}, false
}

func mustMarshal(v any) []byte {
	b, err := json.Marshal(v, json.Deterministic(true))
	if err != nil {
		panic("budget: marshal: " + err.Error())
	}
	return b
}

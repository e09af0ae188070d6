package breadfund

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/meent/meent"
	"github.com/meent/meent/authority"
	"github.com/meent/meent/private"
)

func refuse(format string, args ...any) error { return meent.Errorf(meent.ERULE, format, args...) }

// fund returns a fund and its current policy, or a refusal.
func (s *State) fund(commonsID string) (*Fund, *Policy, error) {
	f := s.funds[commonsID]
	if f == nil {
		return nil, nil, refuse("commons %s has no bread fund", commonsID)
	}
	return f, s.Policy(commonsID), nil
}

// member returns an admitted member, or a refusal.
func (s *State) member(commonsID, agentID string) (*Member, error) {
	m := s.members[commonsID+"/"+agentID]
	if m == nil || m.Status != StatusMember {
		return nil, refuse("%s is not a member of the bread fund of %s", agentID, commonsID)
	}
	return m, nil
}

// board checks that the signer is on the fund's board.
func (x op) board(commonsID string) error {
	return x.Auth.May(x.me, authority.RunBreadfund, x.place(commonsID))
}

// forMember checks that the signer is the member or on the board.
func (x op) forMember(commonsID, member string) error {
	return x.Auth.May(x.me, authority.ActForFundMember, x.place(commonsID).With(member))
}

func (x op) place(commonsID string) authority.Place {
	name := commonsID
	if c := x.commons.Commons(commonsID); c != nil {
		name = c.Name
	}
	return authority.In(commonsID, name)
}

func (x op) touch(f *Fund) { f.Updated = x.Index }

func (s *State) policySet(x op) error {
	var d PolicySetData
	if err := x.ev.DecodeData(&d); err != nil {
		return err
	}
	c := x.commons.Commons(d.Commons)
	if c == nil {
		return refuse("unknown commons %s", d.Commons)
	}
	if err := x.Auth.May(x.me, authority.SetBreadfundPolicy, x.place(d.Commons)); err != nil {
		return err
	}
	p, err := DecodePolicy(d.Policy)
	if err != nil {
		return err
	}
	if p.Approvals > len(c.Maintainers) {
		return refuse("bread fund policy: a payout needs %d approvals, but the board of %s has %d members", p.Approvals, c.Name, len(c.Maintainers))
	}
	f := s.funds[d.Commons]
	if f != nil {
		if p.Currency != f.Currency {
			return refuse("bread fund policy: the fund's currency is %s and stays so", f.Currency)
		}
		if f.Members+f.Candidates > p.MaxMembers {
			return refuse("bread fund policy: max_members %d is below the %d members and candidates the fund has", p.MaxMembers, f.Members+f.Candidates)
		}
		for _, k := range s.byFund[d.Commons] {
			if m := s.members[k]; m.Status != StatusLeft && m.Status != StatusRefused && m.Level > len(p.Levels) {
				return refuse("bread fund policy: a member is at level %d, which the policy drops", m.Level)
			}
		}
		for _, cl := range s.Claims(d.Commons, false) {
			if cl.Level > len(p.Levels) {
				return refuse("bread fund policy: claim %s is at level %d, which the policy drops", cl.ID, cl.Level)
			}
		}
	}
	if f == nil {
		f = &Fund{Commons: d.Commons, Currency: p.Currency, Created: x.Index}
		s.funds[d.Commons] = f
	}
	v := &PolicyVersion{Commons: d.Commons, Version: len(s.policies[d.Commons]) + 1, Policy: d.Policy, Author: x.me, Index: x.Index, decoded: p}
	s.policies[d.Commons] = append(s.policies[d.Commons], v)
	f.Version = v.Version
	x.touch(f)
	s.mark(KindFund, d.Commons)
	s.mark(KindPolicy, d.Commons+"/"+strconv.Itoa(v.Version))
	return nil
}

func (s *State) join(x op) error {
	var d JoinData
	if err := x.ev.DecodeData(&d); err != nil {
		return err
	}
	f, p, err := s.fund(d.Commons)
	if err != nil {
		return err
	}
	if m := s.members[d.Commons+"/"+x.me]; m != nil && (m.Status == StatusMember || m.Status == StatusCandidate) {
		return &meent.Error{Code: meent.ECONFLICT, Message: "already a " + m.Status + " of this bread fund"}
	}
	if _, ok := p.Level(d.Level); !ok {
		return refuse("level %d does not exist: the fund has levels 1 to %d", d.Level, len(p.Levels))
	}
	if f.Members+f.Candidates >= p.MaxMembers {
		return refuse("the bread fund is full: %d members and candidates of at most %d", f.Members+f.Candidates, p.MaxMembers)
	}
	switch {
	case d.Introducer == x.me:
		return refuse("a candidate is introduced by another member")
	case d.Introducer != "":
		if _, err := s.member(d.Commons, d.Introducer); err != nil {
			return refuse("the introducer must be a member: %s is not", d.Introducer)
		}
	case f.Started:
		return refuse("the bread fund has started: a candidate is introduced by a member (introducer)")
	}
	key := d.Commons + "/" + x.me
	m := s.members[key]
	if m == nil {
		m = &Member{Commons: d.Commons, Agent: x.me, Created: x.Index}
		s.members[key] = m
		s.byFund[d.Commons] = append(s.byFund[d.Commons], key)
	}
	m.Status, m.Level, m.Introducer, m.Joined, m.Admitted, m.Objections, m.Updated = StatusCandidate, d.Level, d.Introducer, x.ev.Time, 0, nil, x.Index
	f.Candidates++
	x.touch(f)
	s.mark(KindMember, key)
	s.mark(KindFund, d.Commons)
	return nil
}

// candidate returns a candidate, or a refusal.
func (s *State) candidate(commonsID, agentID string) (*Member, error) {
	m := s.members[commonsID+"/"+agentID]
	if m == nil || m.Status != StatusCandidate {
		return nil, refuse("%s is not a candidate of the bread fund of %s", agentID, commonsID)
	}
	return m, nil
}

func (s *State) objectTo(x op) error {
	var d CandidateData
	if err := x.ev.DecodeData(&d); err != nil {
		return err
	}
	f, p, err := s.fund(d.Commons)
	if err != nil {
		return err
	}
	c, err := s.candidate(d.Commons, d.Candidate)
	if err != nil {
		return err
	}
	var parties []string
	if m := s.members[d.Commons+"/"+x.me]; m != nil && m.Status == StatusMember {
		parties = append(parties, x.me)
	}
	if err := x.Auth.May(x.me, authority.ObjectToCandidate, x.place(d.Commons).With(parties...)); err != nil {
		return err
	}
	if until := c.Joined + int64(p.ObjectionDays)*day; x.ev.Time >= until {
		return refuse("the objection window for %s closed on %s", d.Candidate, DateOf(until))
	}
	c.Objections = append(c.Objections, x.me)
	c.Status, c.Updated = StatusRefused, x.Index
	f.Candidates--
	x.touch(f)
	s.mark(KindMember, d.Commons+"/"+d.Candidate)
	s.mark(KindFund, d.Commons)
	return nil
}

func (s *State) admit(x op) error {
	var d CandidateData
	if err := x.ev.DecodeData(&d); err != nil {
		return err
	}
	f, p, err := s.fund(d.Commons)
	if err != nil {
		return err
	}
	if err := x.board(d.Commons); err != nil {
		return err
	}
	c, err := s.candidate(d.Commons, d.Candidate)
	if err != nil {
		return err
	}
	if until := c.Joined + int64(p.ObjectionDays)*day; f.Started && x.ev.Time < until {
		return refuse("%s may be admitted from %s, when the objection window closes", d.Candidate, DateOf(until))
	}
	if f.Members >= p.MaxMembers {
		return refuse("the bread fund is full: %d members of at most %d", f.Members, p.MaxMembers)
	}
	c.Status, c.Admitted, c.Updated = StatusMember, x.ev.Time, x.Index
	f.Candidates--
	f.Members++
	if f.Members >= p.MinMembers {
		f.Started = true
	}
	x.touch(f)
	s.mark(KindMember, d.Commons+"/"+d.Candidate)
	s.mark(KindFund, d.Commons)
	return nil
}

func (s *State) deposit(x op) error {
	var d DepositData
	if err := x.ev.DecodeData(&d); err != nil {
		return err
	}
	f, p, err := s.fund(d.Commons)
	if err != nil {
		return err
	}
	m, err := s.member(d.Commons, d.Member)
	if err != nil {
		return err
	}
	if err := x.forMember(d.Commons, d.Member); err != nil {
		return err
	}
	ps, err := ParsePeriod(d.Period)
	if err != nil {
		return err
	}
	if ps > x.ev.Time {
		return refuse("a deposit for %s is made in that month or later, not before", d.Period)
	}
	if d.Period < PeriodOf(m.Admitted) {
		return refuse("%s was admitted in %s: no deposit for %s", d.Member, PeriodOf(m.Admitted), d.Period)
	}
	l, _ := p.Level(m.Level)
	if d.Amount != l.Deposit {
		return refuse("a deposit at level %d is %s a month, not %s", m.Level, money(l.Deposit, f.Currency), money(d.Amount, f.Currency))
	}
	key := d.Commons + "/" + d.Member + "/" + d.Period
	if s.deposited[key] {
		return &meent.Error{Code: meent.ECONFLICT, Message: d.Member + " already deposited for " + d.Period}
	}
	s.deposited[key] = true
	m.Deposited += d.Amount
	m.Pot += d.Amount
	m.Updated = x.Index
	f.Deposited += d.Amount
	x.touch(f)
	s.mark(KindMember, d.Commons+"/"+d.Member)
	s.mark(KindFund, d.Commons)
	return nil
}

func (s *State) level(x op) error {
	var d LevelData
	if err := x.ev.DecodeData(&d); err != nil {
		return err
	}
	f, p, err := s.fund(d.Commons)
	if err != nil {
		return err
	}
	m, err := s.member(d.Commons, x.me)
	if err != nil {
		return err
	}
	if _, ok := p.Level(d.Level); !ok {
		return refuse("level %d does not exist: the fund has levels 1 to %d", d.Level, len(p.Levels))
	}
	if d.Level == m.Level {
		return refuse("already at level %d", d.Level)
	}
	if !slices.Contains(p.ChangeMonths, monthOf(x.ev.Time)) {
		return refuse("levels change only in the change window (months %s), not in %s", months(p.ChangeMonths), PeriodOf(x.ev.Time))
	}
	if m.Claim != "" {
		return refuse("no level change during a claim")
	}
	m.Level, m.Updated = d.Level, x.Index
	x.touch(f)
	s.mark(KindMember, d.Commons+"/"+x.me)
	return nil
}

func (s *State) sick(x op) error {
	var d SickData
	if err := x.ev.DecodeData(&d); err != nil {
		return err
	}
	f, p, err := s.fund(d.Commons)
	if err != nil {
		return err
	}
	m, err := s.member(d.Commons, d.Member)
	if err != nil {
		return err
	}
	if err := x.forMember(d.Commons, d.Member); err != nil {
		return err
	}
	if m.Claim != "" {
		return &meent.Error{Code: meent.ECONFLICT, Message: d.Member + " has an open claim already: " + m.Claim}
	}
	start, err := ParseDate(d.Start)
	if err != nil {
		return err
	}
	if start > x.ev.Time {
		return refuse("illness is reported from a day that has come, not from %s", d.Start)
	}
	if start < m.Admitted-m.Admitted%day {
		return refuse("%s was admitted on %s: a claim starts no earlier", d.Member, DateOf(m.Admitted))
	}
	if !slices.Contains(p.Percentages, d.Percent) {
		return refuse("percent is one of %v, not %d", p.Percentages, d.Percent)
	}
	if d.ReasonCommitment != "" {
		if _, err := private.ParseCommitment(d.ReasonCommitment); err != nil {
			return refuse("reason_commitment: %s", err.(*meent.Error).Message)
		}
	}
	if s.claims[x.ev.Hash.String()] != nil {
		return meent.Errorf(meent.ECONFLICT, "claim %s exists already", x.ev.Hash)
	}
	c := &Claim{ID: x.ev.Hash.String(), Commons: d.Commons, Member: d.Member, Level: m.Level, Start: d.Start, startMs: start,
		Steps: []Step{{From: d.Start, Percent: d.Percent, fromMs: start}}, ReasonCommitment: d.ReasonCommitment,
		Status: ClaimOpen, Created: x.Index, Updated: x.Index}
	c.waitMs = start + int64(p.WaitingDays)*day
	if last := s.claims[m.LastClaim]; last != nil && last.endMs >= start-int64(p.RelapseDays)*day {
		// A relapse continues the claim before it: its months count on,
		// and its waiting period (long past, or still running) holds.
		c.Continues, c.Months, c.waitMs = last.ID, last.Months, last.waitMs
	}
	c.WaitUntil = DateOf(c.waitMs)
	s.claims[c.ID] = c
	m.Claim, m.LastClaim, m.Updated = c.ID, c.ID, x.Index
	f.OpenClaims++
	x.touch(f)
	s.mark(KindClaim, c.ID)
	s.mark(KindMember, d.Commons+"/"+d.Member)
	s.mark(KindFund, d.Commons)
	return nil
}

// openClaim returns an open claim, or a refusal.
func (s *State) openClaim(id string) (*Claim, error) {
	c := s.claims[id]
	if c == nil {
		return nil, refuse("unknown claim %s", id)
	}
	if c.Status != ClaimOpen {
		return nil, refuse("claim %s ended on %s", id, c.End)
	}
	return c, nil
}

// MaxSteps bounds the percentage changes of one claim.
const MaxSteps = 48

func (s *State) change(x op) error {
	var d ChangeData
	if err := x.ev.DecodeData(&d); err != nil {
		return err
	}
	c, err := s.openClaim(d.Claim)
	if err != nil {
		return err
	}
	p := s.Policy(c.Commons)
	if d.Percent == 0 && d.From == "" && d.Buddy == "" && d.CheckinDays == 0 {
		return refuse("a claim change names a percent and its from day, a buddy, or a rhythm of check-ins")
	}
	if d.CheckinDays != 0 {
		if err := x.Auth.May(x.me, authority.CheckInOnClaim, x.place(c.Commons).With(c.Member, c.Buddy)); err != nil {
			return err
		}
		if d.CheckinDays < 1 || d.CheckinDays > 366 {
			return refuse("checkin_days is 1 to 366")
		}
	}
	var from int64
	if d.Percent != 0 || d.From != "" {
		if err := x.forMember(c.Commons, c.Member); err != nil {
			return err
		}
		if from, err = ParseDate(d.From); err != nil {
			return err
		}
		if !slices.Contains(p.Percentages, d.Percent) {
			return refuse("percent is one of %v, not %d", p.Percentages, d.Percent)
		}
		if last := c.Steps[len(c.Steps)-1]; from <= last.fromMs {
			return refuse("a new percentage applies from a day after %s", last.From)
		}
		if len(c.Steps) >= MaxSteps {
			return refuse("a claim changes its percentage at most %d times", MaxSteps-1)
		}
	}
	if d.Buddy != "" {
		if err := x.board(c.Commons); err != nil {
			return err
		}
		if d.Buddy == c.Member {
			return refuse("a buddy is another member")
		}
		if _, err := s.member(c.Commons, d.Buddy); err != nil {
			return err
		}
	}
	if d.Percent != 0 {
		c.Steps = append(c.Steps, Step{From: d.From, Percent: d.Percent, fromMs: from})
	}
	if d.Buddy != "" {
		c.Buddy = d.Buddy
	}
	if d.CheckinDays != 0 {
		c.CheckinDays = d.CheckinDays
	}
	c.Updated = x.Index
	s.mark(KindClaim, c.ID)
	return nil
}

func (s *State) checkin(x op) error {
	var d CheckinData
	if err := x.ev.DecodeData(&d); err != nil {
		return err
	}
	c, err := s.openClaim(d.Claim)
	if err != nil {
		return err
	}
	if err := x.Auth.May(x.me, authority.CheckInOnClaim, x.place(c.Commons).With(c.Member, c.Buddy)); err != nil {
		return err
	}
	c.LastCheckin, c.Checkins, c.Updated = DateOf(x.ev.Time), c.Checkins+1, x.Index
	s.mark(KindClaim, c.ID)
	return nil
}

func (s *State) recovery(x op) error {
	var d RecoverData
	if err := x.ev.DecodeData(&d); err != nil {
		return err
	}
	c, err := s.openClaim(d.Claim)
	if err != nil {
		return err
	}
	if err := x.forMember(c.Commons, c.Member); err != nil {
		return err
	}
	end, err := ParseDate(d.End)
	if err != nil {
		return err
	}
	if end <= c.startMs {
		return refuse("a claim that began on %s ends after it, not on %s", c.Start, d.End)
	}
	if end > x.ev.Time {
		return refuse("recovery is reported from a day that has come, not from %s", d.End)
	}
	f := s.funds[c.Commons]
	m := s.members[c.Commons+"/"+c.Member]
	c.End, c.endMs, c.Status, c.Updated = d.End, end, ClaimClosed, x.Index
	m.Claim, m.Updated = "", x.Index
	f.OpenClaims--
	x.touch(f)
	s.mark(KindClaim, c.ID)
	s.mark(KindMember, c.Commons+"/"+c.Member)
	s.mark(KindFund, c.Commons)
	return nil
}

func (s *State) gifts(x op) error {
	var d GiftsData
	if err := x.ev.DecodeData(&d); err != nil {
		return err
	}
	f, p, err := s.fund(d.Commons)
	if err != nil {
		return err
	}
	if err := x.board(d.Commons); err != nil {
		return err
	}
	ps, err := ParsePeriod(d.Period)
	if err != nil {
		return err
	}
	if !f.Started {
		return refuse("the bread fund has not started: it pays gifts once %d members are admitted (it has %d)", p.MinMembers, f.Members)
	}
	if ps > x.ev.Time {
		return refuse("the gifts for %s are computed in that month or later, not before", d.Period)
	}
	id := GiftsID(d.Commons, d.Period)
	if s.payouts[id] != nil {
		return &meent.Error{Code: meent.ECONFLICT, Message: "the gifts for " + d.Period + " were computed already (payout " + id + "): a month is computed once; later changes count from the next month"}
	}
	due, none, err := s.DueGifts(d.Commons, d.Period)
	if err != nil {
		return err
	}
	byClaim := map[string]Due{}
	for _, g := range due {
		byClaim[g.Claim] = g
	}
	why := map[string]string{}
	for _, g := range none {
		why[g.Claim] = g.Why
	}
	seen := map[string]bool{}
	for _, g := range d.Gifts {
		if seen[g.Claim] {
			return refuse("claim %s is named twice", g.Claim)
		}
		seen[g.Claim] = true
		c := s.claims[g.Claim]
		if c == nil || c.Commons != d.Commons {
			return refuse("unknown claim %s in this fund", g.Claim)
		}
		if g.Member != c.Member {
			return refuse("claim %s is %s's, not %s's", g.Claim, c.Member, g.Member)
		}
		want, ok := byClaim[g.Claim]
		if !ok {
			w := why[g.Claim]
			if w == "" {
				w = "it was not open on the first day of " + d.Period
			}
			return refuse("claim %s is due no gift for %s: %s", g.Claim, d.Period, w)
		}
		if g.Amount > want.Amount {
			return refuse("a gift of %s for claim %s is above its level: level %d at %d%% gives %s", money(g.Amount, f.Currency), g.Claim, want.Level, want.Percent, money(want.Amount, f.Currency))
		}
		if g.Amount != want.Amount {
			return refuse("the gift for claim %s is exactly %s (level %d at %d%%), not %s", g.Claim, money(want.Amount, f.Currency), want.Level, want.Percent, money(g.Amount, f.Currency))
		}
	}
	for _, g := range due {
		if !seen[g.Claim] {
			return refuse("claim %s is due a gift of %s for %s: the gifts of a month name every claim due", g.Claim, money(g.Amount, f.Currency), d.Period)
		}
	}
	if len(due) == 0 {
		return refuse("no gift is due for %s", d.Period)
	}
	for _, g := range due {
		if len(s.payers(d.Commons, g.Member)) == 0 {
			return refuse("claim %s is due a gift, but no other member is left to give it", g.Claim)
		}
	}
	// Checked; now apply.
	po := &Payout{ID: id, Commons: d.Commons, Kind: PayGifts, Period: d.Period, PolicyVersion: f.Version, Currency: f.Currency,
		Status: PayoutPending, Approvals: []string{}, Created: x.Index, Updated: x.Index}
	debits := map[string]int64{}
	for _, g := range due {
		for _, sh := range s.GiftSplit(d.Commons, g.Member, g.Amount) {
			debits[sh.Member] += sh.Amount
			m := s.members[d.Commons+"/"+sh.Member]
			m.Pot -= sh.Amount
			m.GaveGifts += sh.Amount
			m.Updated = x.Index
			s.mark(KindMember, d.Commons+"/"+sh.Member)
		}
		c := s.claims[g.Claim]
		c.Months++
		c.Received += g.Amount
		c.Updated = x.Index
		s.mark(KindClaim, c.ID)
		m := s.members[d.Commons+"/"+g.Member]
		m.Received += g.Amount
		m.Updated = x.Index
		s.mark(KindMember, d.Commons+"/"+g.Member)
		po.Lines = append(po.Lines, Line{Member: g.Member, Claim: g.Claim, Amount: g.Amount})
		po.Total += g.Amount
		f.Gifts += g.Amount
	}
	po.Debits = debitList(debits)
	s.payouts[id] = po
	x.touch(f)
	s.mark(KindPayout, id)
	s.mark(KindFund, d.Commons)
	return nil
}

func debitList(m map[string]int64) []Debit {
	out := make([]Debit, 0, len(m))
	for k, v := range m {
		if v != 0 {
			out = append(out, Debit{Member: k, Amount: v})
		}
	}
	slices.SortFunc(out, func(a, b Debit) int { return cmp.Compare(a.Member, b.Member) })
	return out
}

func (s *State) approve(x op) error {
	var d PayoutRef
	if err := x.ev.DecodeData(&d); err != nil {
		return err
	}
	_, p, err := s.fund(d.Commons)
	if err != nil {
		return err
	}
	if err := x.board(d.Commons); err != nil {
		return err
	}
	po := s.payouts[d.Payout]
	if po == nil || po.Commons != d.Commons {
		return refuse("unknown payout %s in this fund", d.Payout)
	}
	if po.Status != PayoutPending {
		return &meent.Error{Code: meent.ECONFLICT, Message: "payout " + d.Payout + " is " + po.Status + " already"}
	}
	if slices.Contains(po.Approvals, x.me) {
		return &meent.Error{Code: meent.ECONFLICT, Message: "you approved payout " + d.Payout + " already"}
	}
	po.Approvals = append(po.Approvals, x.me)
	if len(po.Approvals) >= p.Approvals {
		po.Status = PayoutApproved
	}
	po.Updated = x.Index
	s.mark(KindPayout, po.ID)
	return nil
}

func (s *State) settle(x op) error {
	var d SettleData
	if err := x.ev.DecodeData(&d); err != nil {
		return err
	}
	if _, _, err := s.fund(d.Commons); err != nil {
		return err
	}
	if err := x.board(d.Commons); err != nil {
		return err
	}
	po := s.payouts[d.Payout]
	if po == nil || po.Commons != d.Commons {
		return refuse("unknown payout %s in this fund", d.Payout)
	}
	if po.Status != PayoutApproved {
		return refuse("payout %s is %s: only an approved payout is paid", d.Payout, po.Status)
	}
	if err := checkText("reference", d.Reference, 200); err != nil {
		return err
	}
	po.Status, po.Reference, po.Updated = PayoutPaid, d.Reference, x.Index
	s.mark(KindPayout, po.ID)
	return nil
}

func (s *State) cost(x op) error {
	var d CostData
	if err := x.ev.DecodeData(&d); err != nil {
		return err
	}
	f, p, err := s.fund(d.Commons)
	if err != nil {
		return err
	}
	if err := x.board(d.Commons); err != nil {
		return err
	}
	if err := checkText("description", d.Description, 500); err != nil {
		return err
	}
	if d.Amount <= 0 || d.Amount > maxMoney {
		return refuse("a cost is above 0 and at most %s", money(maxMoney, f.Currency))
	}
	payers := s.payers(d.Commons, "")
	if len(payers) == 0 {
		return refuse("the bread fund has no members to charge")
	}
	year := yearString(yearOf(x.ev.Time))
	if limit := p.CostsPerMember * int64(len(payers)); f.CostsByYear[year]+d.Amount > limit {
		return refuse("costs in %s would come to %s, above the policy's %s per member (%s for %d members)",
			year, money(f.CostsByYear[year]+d.Amount, f.Currency), money(p.CostsPerMember, f.Currency), money(limit, f.Currency), len(payers))
	}
	for _, sh := range Split(d.Amount, payers) {
		m := s.members[d.Commons+"/"+sh.Member]
		m.Pot -= sh.Amount
		m.PaidCosts += sh.Amount
		m.Updated = x.Index
		s.mark(KindMember, d.Commons+"/"+sh.Member)
	}
	if f.CostsByYear == nil {
		f.CostsByYear = map[string]int64{}
	}
	f.CostsByYear[year] += d.Amount
	f.Costs += d.Amount
	x.touch(f)
	s.mark(KindFund, d.Commons)
	return nil
}

func (s *State) exit(x op) error {
	var d ExitData
	if err := x.ev.DecodeData(&d); err != nil {
		return err
	}
	f, p, err := s.fund(d.Commons)
	if err != nil {
		return err
	}
	m, err := s.member(d.Commons, d.Member)
	if err != nil {
		return err
	}
	if err := x.forMember(d.Commons, d.Member); err != nil {
		return err
	}
	if !slices.Contains(p.ExitMonths, monthOf(x.ev.Time)) {
		return refuse("members leave only in the exit window (months %s), not in %s", months(p.ExitMonths), PeriodOf(x.ev.Time))
	}
	if m.Claim != "" {
		return refuse("%s has an open claim: it ends before they leave", d.Member)
	}
	refund := ExitRefund(m)
	if d.Refund != refund {
		return refuse("the refund on exit is the pot's balance, %s, not %s", money(refund, f.Currency), money(d.Refund, f.Currency))
	}
	var rest []Share
	if m.Pot < 0 {
		rest = s.payers(d.Commons, d.Member)
		if len(rest) == 0 {
			return refuse("the last member's pot is below 0: nobody is left to carry it")
		}
	}
	// Checked; now apply.
	if m.Pot < 0 {
		// The deficit is written off over the other pots, by level.
		for _, sh := range Split(-m.Pot, rest) {
			o := s.members[d.Commons+"/"+sh.Member]
			o.Pot -= sh.Amount
			o.WrittenOff += sh.Amount
			o.Updated = x.Index
			s.mark(KindMember, d.Commons+"/"+sh.Member)
		}
		m.WrittenOff += m.Pot
		m.Pot = 0
	}
	m.Pot -= refund
	m.Refunded += refund
	m.Status, m.Updated = StatusLeft, x.Index
	f.Members--
	f.Refunds += refund
	if refund > 0 {
		id := x.ev.Hash.String()
		s.payouts[id] = &Payout{ID: id, Commons: d.Commons, Kind: PayRefund, Period: PeriodOf(x.ev.Time), PolicyVersion: f.Version,
			Currency: f.Currency, Lines: []Line{{Member: d.Member, Amount: refund}}, Debits: []Debit{{Member: d.Member, Amount: refund}},
			Total: refund, Approvals: []string{}, Status: PayoutPending, Created: x.Index, Updated: x.Index}
		s.mark(KindPayout, id)
	}
	x.touch(f)
	s.mark(KindMember, d.Commons+"/"+d.Member)
	s.mark(KindFund, d.Commons)
	return nil
}

func (s *State) surplus(x op) error {
	var d SurplusData
	if err := x.ev.DecodeData(&d); err != nil {
		return err
	}
	f, _, err := s.fund(d.Commons)
	if err != nil {
		return err
	}
	if err := x.board(d.Commons); err != nil {
		return err
	}
	switch y := yearOf(x.ev.Time); {
	case d.Year != y && d.Year != y-1:
		return refuse("the buffer refunds of a year are made in its December or in the year after, not in %d", y)
	case d.Year == y && monthOf(x.ev.Time) < 12:
		return refuse("the buffer above its cap is refunded at the year's end: from December %d", d.Year)
	}
	id := SurplusID(d.Commons, d.Year)
	if s.payouts[id] != nil {
		return &meent.Error{Code: meent.ECONFLICT, Message: "the buffer refunds of " + yearString(d.Year) + " were computed already"}
	}
	due := s.DueSurplus(d.Commons)
	if len(due) == 0 {
		return refuse("no pot is above the buffer cap")
	}
	if !slices.Equal(due, d.Refunds) {
		return refuse("the buffer refunds of %d are exactly %s, by member", d.Year, refundList(due, f.Currency))
	}
	po := &Payout{ID: id, Commons: d.Commons, Kind: PaySurplus, Period: yearString(d.Year), PolicyVersion: f.Version, Currency: f.Currency,
		Approvals: []string{}, Status: PayoutPending, Created: x.Index, Updated: x.Index}
	for _, r := range due {
		m := s.members[d.Commons+"/"+r.Member]
		m.Pot -= r.Amount
		m.Refunded += r.Amount
		m.Updated = x.Index
		s.mark(KindMember, d.Commons+"/"+r.Member)
		po.Lines = append(po.Lines, Line{Member: r.Member, Amount: r.Amount})
		po.Debits = append(po.Debits, Debit{Member: r.Member, Amount: r.Amount})
		po.Total += r.Amount
		f.Refunds += r.Amount
	}
	s.payouts[id] = po
	x.touch(f)
	s.mark(KindPayout, id)
	s.mark(KindFund, d.Commons)
	return nil
}

func refundList(rs []Refund, currency string) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = r.Member + " " + money(r.Amount, currency)
	}
	return strings.Join(parts, ", ")
}

func months(ms []int) string {
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = strconv.Itoa(m)
	}
	return strings.Join(parts, ", ")
}

func checkText(name, s string, n int) error {
	if strings.TrimSpace(s) == "" || len(s) > n || !utf8.ValidString(s) || strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return refuse("%s is 1 to %d bytes of text on one line", name, n)
	}
	return nil
}

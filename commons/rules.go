package commons

import (
	"net/url"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-json-experiment/json"

	"github.com/meent/meent"
	"github.com/meent/meent/authority"
	"github.com/meent/meent/ledger"
)

func refuse(format string, args ...any) error { return meent.Errorf(meent.ERULE, format, args...) }

func forbid(format string, args ...any) error { return meent.Errorf(meent.EFORBIDDEN, format, args...) }

// in is the place of an action in a commons that exists, for the authority.
func (s *State) in(commonsID string) authority.Place {
	return authority.In(commonsID, s.commons[commonsID].Name)
}

func (s *State) create(o op) error {
	idx, ev, me, agents := o.Index, o.ev, o.me, o.agents
	var d CreateData
	if err := ev.DecodeData(&d); err != nil {
		return err
	}
	if err := checkCommonsFields(d.Name, d.Description, d.Kind, d.Links, d.Approvals); err != nil {
		return err
	}
	maintainers := []string{me}
	if len(d.Maintainers) > 0 {
		if err := o.Auth.May(me, authority.NameMaintainers, authority.Node()); err != nil {
			return err
		}
		maintainers = nil
		for _, m := range d.Maintainers {
			if agents.Agent(m) == nil {
				return refuse("unknown agent %s", m)
			}
			if !slices.Contains(maintainers, m) {
				maintainers = append(maintainers, m)
			}
		}
	}
	id := ev.Hash.String()
	s.commons[id] = &Commons{
		ID: id, Name: d.Name, Description: d.Description, Kind: d.Kind, Links: d.Links,
		Approvals: max(d.Approvals, 1), ValuePolicy: d.ValuePolicy, LicensePolicy: d.LicensePolicy,
		Maintainers: maintainers, Creator: me, Created: idx, Updated: idx,
	}
	s.touch(KindCommons, id)
	return nil
}

func (s *State) update(o op) error {
	idx, ev := o.Index, o.ev
	var d UpdateData
	if err := ev.DecodeData(&d); err != nil {
		return err
	}
	c, err := s.maintained(o, d.Commons)
	if err != nil {
		return err
	}
	name, desc, links, appr := c.Name, c.Description, c.Links, c.Approvals
	if d.Name != nil {
		name = *d.Name
	}
	if d.Description != nil {
		desc = *d.Description
	}
	if d.Links != nil {
		links = *d.Links
	}
	if d.Approvals != nil {
		appr = *d.Approvals
		if appr < 1 {
			return refuse("approvals must be at least 1")
		}
	}
	if err := checkCommonsFields(name, desc, c.Kind, links, appr); err != nil {
		return err
	}
	c.Name, c.Description, c.Links, c.Approvals = name, desc, links, appr
	if d.ValuePolicy != nil {
		c.ValuePolicy = *d.ValuePolicy
	}
	if d.LicensePolicy != nil {
		c.LicensePolicy = *d.LicensePolicy
	}
	c.Updated = idx
	s.touch(KindCommons, c.ID)
	s.settleAll(c.ID, idx) // fewer approvals needed may accept what waits
	return nil
}

// maintainerOf decodes and checks the data of commons.maintainer.add and
// commons.maintainer.remove.
func (s *State) maintainerOf(o op) (MaintainerData, *Commons, error) {
	var d MaintainerData
	if err := o.ev.DecodeData(&d); err != nil {
		return d, nil, err
	}
	c := s.commons[d.Commons]
	if c == nil {
		return d, nil, refuse("unknown commons %s", d.Commons)
	}
	if o.agents.Agent(d.Agent) == nil {
		return d, nil, refuse("unknown agent %s", d.Agent)
	}
	return d, c, nil
}

func (s *State) maintainerAdd(o op) error {
	d, c, err := s.maintainerOf(o)
	if err != nil {
		return err
	}
	// A node admin may appoint the first maintainer of a commons that
	// has none; otherwise maintainers appoint maintainers.
	act := authority.AppointMaintainer
	if len(c.Maintainers) == 0 {
		act = authority.AppointFirstMaintainer
	}
	if err := o.Auth.May(o.me, act, authority.In(c.ID, c.Name)); err != nil {
		return err
	}
	if slices.Contains(c.Maintainers, d.Agent) {
		return refuse("agent %s already maintains %s", d.Agent, c.Name)
	}
	c.Maintainers = append(c.Maintainers, d.Agent)
	s.maintainersChanged(c, o.Index)
	return nil
}

func (s *State) maintainerRemove(o op) error {
	d, c, err := s.maintainerOf(o)
	if err != nil {
		return err
	}
	if err := o.Auth.May(o.me, authority.RemoveMaintainer, authority.In(c.ID, c.Name)); err != nil {
		return err
	}
	i := slices.Index(c.Maintainers, d.Agent)
	if i < 0 {
		return refuse("agent %s does not maintain %s", d.Agent, c.Name)
	}
	if len(c.Maintainers) == 1 {
		return refuse("cannot remove the last maintainer of %s", c.Name)
	}
	c.Maintainers = slices.Delete(slices.Clone(c.Maintainers), i, i+1)
	s.maintainersChanged(c, o.Index)
	return nil
}

// maintainersChanged records a change of c's maintainers at idx; who may
// review changed, so what waits may now be accepted.
func (s *State) maintainersChanged(c *Commons, idx int64) {
	c.Updated = idx
	s.touch(KindCommons, c.ID)
	s.settleAll(c.ID, idx)
}

func (s *State) fork(o op) error {
	idx, ev, me := o.Index, o.ev, o.me
	var d ForkData
	if err := ev.DecodeData(&d); err != nil {
		return err
	}
	up := s.commons[d.Commons]
	if up == nil {
		return refuse("unknown commons %s", d.Commons)
	}
	if err := checkCommonsFields(d.Name, d.Description, up.Kind, nil, up.Approvals); err != nil {
		return err
	}
	id := ev.Hash.String()
	s.commons[id] = &Commons{
		ID: id, Name: d.Name, Description: d.Description, Kind: up.Kind, Links: slices.Clone(up.Links),
		Approvals: up.Approvals, ValuePolicy: up.ValuePolicy, LicensePolicy: up.LicensePolicy,
		Maintainers: []string{me}, Creator: me, Created: idx, Updated: idx,
		ForkOf: up.ID, ForkedAt: idx,
	}
	up.Forks = append(up.Forks, id)
	up.Updated = idx
	s.touch(KindCommons, id)
	s.touch(KindCommons, up.ID)
	return nil
}

func (s *State) submit(o op) error {
	idx, ev, me := o.Index, o.ev, o.me
	var d SubmitData
	if err := ev.DecodeData(&d); err != nil {
		return err
	}
	c := s.commons[d.Commons]
	if c == nil {
		return refuse("unknown commons %s", d.Commons)
	}
	if !slices.Contains(ContributionKinds, d.Kind) {
		return refuse("contribution kind %q is not one of %v", d.Kind, ContributionKinds)
	}
	if err := checkWork(d.Title, d.Description, d.Evidence, d.Quantities); err != nil {
		return err
	}
	if d.Need != "" {
		n := s.needs[d.Need]
		if n == nil || n.Commons != c.ID {
			return refuse("need %s is not a need of this commons", d.Need)
		}
		d.Need = n.ID // the state's copy of the ID, not the event's
	}
	id := ev.Hash.String()
	s.byCommons[c.ID] = append(s.byCommons[c.ID], id)
	s.contributions[id] = &Contribution{
		ID: id, Commons: c.ID, Contributor: me, Kind: d.Kind, Title: d.Title, Description: d.Description,
		Evidence: d.Evidence, Quantities: d.Quantities, Need: d.Need, Status: Pending, Revision: 1,
		Submitted: idx, SubmittedAt: ev.Time, Updated: idx,
		History: []Step{{Index: idx, Time: ev.Time, Agent: me, Action: "submit"}},
	}
	s.touch(KindContribution, id)
	return nil
}

func (s *State) revise(o op) error {
	idx, ev, me := o.Index, o.ev, o.me
	var d ReviseData
	if err := ev.DecodeData(&d); err != nil {
		return err
	}
	k, err := s.contribution(d.Contribution)
	if err != nil {
		return err
	}
	if err := o.Auth.May(me, authority.ReviseContribution, s.in(k.Commons).With(k.Contributor)); err != nil {
		return err
	}
	if k.Status != ChangesRequested {
		return refuse("contribution is %s; it can be revised only when changes were asked for", k.Status)
	}
	if err := checkWork(d.Title, d.Description, d.Evidence, d.Quantities); err != nil {
		return err
	}
	k.Title, k.Description, k.Evidence, k.Quantities = d.Title, d.Description, d.Evidence, d.Quantities
	k.Revision++
	k.Approvals = nil // a new revision is reviewed afresh
	k.Status = Pending
	s.step(k, idx, ev.Time, me, "revise", "")
	return nil
}

func (s *State) review(o op) error {
	idx, ev, me := o.Index, o.ev, o.me
	var d ReviewData
	if err := ev.DecodeData(&d); err != nil {
		return err
	}
	k, err := s.contribution(d.Contribution)
	if err != nil {
		return err
	}
	c := s.commons[k.Commons]
	if err := o.Auth.May(me, authority.ReviewContribution, authority.In(c.ID, c.Name)); err != nil {
		return err
	}
	if k.Contributor == me {
		return forbid("nobody reviews their own contribution")
	}
	if k.Status != Pending {
		return refuse("contribution is %s; only pending contributions are reviewed", k.Status)
	}
	key := reviewKey{me, d.Verdict, k.Revision}
	if slices.Contains(k.reviews, key) {
		return refuse("you already gave the verdict %q on revision %d", d.Verdict, k.Revision)
	}
	switch d.Verdict {
	case VerdictAccept:
	case VerdictReject, VerdictChanges:
		if err := checkReason(d.Reason); err != nil {
			return err
		}
	default:
		return refuse("verdict %q is not accept, reject or changes", d.Verdict)
	}
	key.verdict = verdicts[d.Verdict] // the constant, not the event's copy
	k.reviews = append(k.reviews, key)
	switch d.Verdict {
	case VerdictAccept:
		k.Approvals = append(k.Approvals, me)
	case VerdictReject:
		k.Status = Rejected
		k.Rejecters = append(k.Rejecters, me)
		k.Decided = idx
	case VerdictChanges:
		k.Status = ChangesRequested
	}
	s.step(k, idx, ev.Time, me, d.Verdict, d.Reason)
	s.settle(k, idx)
	return nil
}

func (s *State) dispute(o op) error {
	idx, ev, me := o.Index, o.ev, o.me
	var d DisputeData
	if err := ev.DecodeData(&d); err != nil {
		return err
	}
	k, err := s.contribution(d.Contribution)
	if err != nil {
		return err
	}
	if err := o.Auth.May(me, authority.DisputeRejection, s.in(k.Commons).With(k.Contributor)); err != nil {
		return err
	}
	if k.Status != Rejected {
		return refuse("contribution is %s; only a rejection can be disputed", k.Status)
	}
	if k.Disputes > 0 {
		return refuse("this rejection was already disputed and upheld")
	}
	if err := checkReason(d.Reason); err != nil {
		return err
	}
	k.Status = Disputed
	k.Disputes++
	k.Decided = 0
	s.step(k, idx, ev.Time, me, "dispute", d.Reason)
	return nil
}

func (s *State) resolve(o op) error {
	idx, ev, me := o.Index, o.ev, o.me
	var d ResolveData
	if err := ev.DecodeData(&d); err != nil {
		return err
	}
	k, err := s.contribution(d.Contribution)
	if err != nil {
		return err
	}
	c := s.commons[k.Commons]
	if err := o.Auth.May(me, authority.ResolveDispute, authority.In(c.ID, c.Name)); err != nil {
		return err
	}
	if k.Contributor == me || slices.Contains(k.Rejecters, me) {
		return forbid("a dispute is resolved by other maintainers than the contributor and those who rejected")
	}
	if k.Status != Disputed {
		return refuse("contribution is %s, not disputed", k.Status)
	}
	if err := checkReason(d.Reason); err != nil {
		return err
	}
	switch d.Outcome {
	case OutcomeUphold:
		k.Status = Rejected
		k.Decided = idx
	case OutcomeOverturn:
		// The rejection is set aside; the contribution is reviewed again.
		k.Status = Pending
		k.Rejecters = nil
		k.Approvals = nil
		k.Revision++
	default:
		return refuse("outcome %q is not uphold or overturn", d.Outcome)
	}
	s.step(k, idx, ev.Time, me, d.Outcome, d.Reason)
	return nil
}

func (s *State) endorse(o op) error {
	idx, ev, me := o.Index, o.ev, o.me
	var d RefData
	if err := ev.DecodeData(&d); err != nil {
		return err
	}
	k := s.contributions[d.Contribution]
	if k == nil || d.Need != "" {
		return refuse("unknown contribution %s", d.Contribution)
	}
	if err := o.Auth.May(me, authority.Endorse, s.in(k.Commons)); err != nil {
		return err
	}
	if k.Contributor == me {
		return refuse("endorsing your own contribution says nothing")
	}
	if slices.Contains(k.Endorsements, me) {
		return refuse("you already endorsed this contribution")
	}
	k.Endorsements = append(k.Endorsements, me)
	s.step(k, idx, ev.Time, me, "endorse", "")
	return nil
}

func (s *State) needPost(o op) error {
	idx, ev, me := o.Index, o.ev, o.me
	var d NeedData
	if err := ev.DecodeData(&d); err != nil {
		return err
	}
	c := s.commons[d.Commons]
	if c == nil {
		return refuse("unknown commons %s", d.Commons)
	}
	if err := checkText(d.Title, d.Description); err != nil {
		return err
	}
	if d.Bounty != nil {
		if err := CheckMoney(*d.Bounty, false); err != nil {
			return err
		}
	}
	if d.MaxClaimants < 0 || d.MaxClaimants > MaxClaimants {
		return refuse("max_claimants must be between 1 and %d", MaxClaimants)
	}
	id := ev.Hash.String()
	s.needs[id] = &Need{
		ID: id, Commons: c.ID, Poster: me, Title: d.Title, Description: d.Description, Bounty: d.Bounty,
		MaxClaimants: cmpOr(d.MaxClaimants, DefaultClaimants), Status: NeedOpen,
		Created: idx, CreatedAt: ev.Time, Updated: idx,
	}
	s.touch(KindNeed, id)
	return nil
}

func (s *State) needSignal(o op) error {
	idx, ev, me := o.Index, o.ev, o.me
	var d SignalData
	if err := ev.DecodeData(&d); err != nil {
		return err
	}
	n, err := s.openNeed(d.Need)
	if err != nil {
		return err
	}
	if err := o.Auth.May(me, authority.SignalNeed, s.in(n.Commons)); err != nil {
		return err
	}
	switch d.Kind {
	case SignalPlusOne:
		if d.Priority != 0 || d.Pledge != nil {
			return refuse("a plus_one carries no priority or pledge")
		}
		if slices.Contains(n.PlusOnes, me) {
			return refuse("you already gave this need a +1")
		}
		n.PlusOnes = append(n.PlusOnes, me)
	case SignalPriority:
		if d.Priority < 1 || d.Priority > 5 || d.Pledge != nil {
			return refuse("priority must be 1 (low) to 5 (urgent)")
		}
		n.Priorities = slices.DeleteFunc(slices.Clone(n.Priorities), func(p Priority) bool { return p.Agent == me })
		n.Priorities = append(n.Priorities, Priority{Agent: me, Priority: d.Priority})
	case SignalPledge:
		if d.Pledge == nil || d.Priority != 0 {
			return refuse("a pledge signal needs a pledge")
		}
		if err := CheckMoney(*d.Pledge, true); err != nil {
			return err
		}
		cur := d.Pledge.Currency
		if n.Bounty != nil && n.Bounty.Currency != cur {
			return refuse("pledge in %s, but this need's bounty is in %s: currencies never mix", cur, n.Bounty.Currency)
		}
		for _, p := range n.Pledges {
			if p.Agent != me && p.Currency != cur {
				return refuse("pledge in %s, but pledges to this need are in %s: currencies never mix", cur, p.Currency)
			}
		}
		// A new pledge replaces the agent's earlier one.
		n.Pledges = slices.DeleteFunc(slices.Clone(n.Pledges), func(p Pledge) bool { return p.Agent == me })
		n.Pledges = append(n.Pledges, Pledge{Agent: me, Money: *d.Pledge})
	default:
		return refuse("signal kind %q is not plus_one, priority or pledge", d.Kind)
	}
	n.Updated = idx
	s.touch(KindNeed, n.ID)
	return nil
}

func (s *State) needClaim(o op) error {
	idx, ev, me := o.Index, o.ev, o.me
	var d ClaimData
	if err := ev.DecodeData(&d); err != nil {
		return err
	}
	n, err := s.openNeed(d.Need)
	if err != nil {
		return err
	}
	days := cmpOr(d.LeaseDays, DefaultLease)
	if days < 1 || days > MaxLease {
		return refuse("lease_days must be between 1 and %d", MaxLease)
	}
	active := n.ActiveClaims(ev.Time)
	mine := slices.IndexFunc(active, func(c Claim) bool { return c.Agent == me })
	expires := ev.Time + int64(days)*dayMillis
	if ev.Type == TypeNeedClaim {
		if mine >= 0 {
			return refuse("you already hold a claim on this need; renew it instead")
		}
		if len(active) >= n.MaxClaimants {
			return refuse("this need already has %d active claims, its limit", n.MaxClaimants)
		}
		active = append(active, Claim{Agent: me, Since: ev.Time, Expires: expires})
	} else {
		if mine < 0 {
			return refuse("you hold no active claim on this need; claim it first")
		}
		active[mine].Expires = expires
	}
	n.Claims = active // lapsed leases are dropped whenever the need changes
	n.Updated = idx
	s.touch(KindNeed, n.ID)
	return nil
}

func (s *State) needRelease(o op) error {
	idx, ev, me := o.Index, o.ev, o.me
	var d RefData
	if err := ev.DecodeData(&d); err != nil {
		return err
	}
	if d.Contribution != "" {
		return refuse("need.release names a need")
	}
	n, err := s.openNeed(d.Need)
	if err != nil {
		return err
	}
	active := n.ActiveClaims(ev.Time)
	mine := slices.IndexFunc(active, func(c Claim) bool { return c.Agent == me })
	if mine < 0 {
		return refuse("you hold no active claim on this need")
	}
	n.Claims = slices.Delete(active, mine, mine+1)
	n.Updated = idx
	s.touch(KindNeed, n.ID)
	return nil
}

func (s *State) needClose(o op) error {
	idx, ev, me := o.Index, o.ev, o.me
	var d CloseData
	if err := ev.DecodeData(&d); err != nil {
		return err
	}
	n, err := s.openNeed(d.Need)
	if err != nil {
		return err
	}
	if err := o.Auth.May(me, authority.CloseNeed, s.in(n.Commons).With(n.Poster)); err != nil {
		return err
	}
	if err := checkReason(d.Reason); err != nil {
		return err
	}
	n.Status, n.CloseReason, n.Claims = NeedClosed, d.Reason, nil
	n.Updated = idx
	s.touch(KindNeed, n.ID)
	return nil
}

// Required returns how many accepts contribution k needs: the commons'
// number, but never more than the maintainers other than the contributor,
// so a maintainer's own work in a small commons is not stuck for ever.
// With no other maintainer at all it waits until one is appointed.
func (s *State) Required(k *Contribution) int {
	c := s.commons[k.Commons]
	eligible := 0
	for _, m := range c.Maintainers {
		if m != k.Contributor {
			eligible++
		}
	}
	if eligible == 0 {
		return c.Approvals + 1 // unreachable until another maintainer exists
	}
	return min(c.Approvals, eligible)
}

// settle accepts a pending contribution that has the approvals it needs.
func (s *State) settle(k *Contribution, idx int64) {
	if k.Status == Pending && len(k.Approvals) >= s.Required(k) {
		k.Status = Accepted
		k.Decided = idx
		k.Updated = idx
		s.touch(KindContribution, k.ID)
		s.answer(k, idx)
	}
}

// settleAll re-checks the pending contributions of a commons after its
// review rules or maintainers changed. It visits them in log order, so the
// needs they answer close deterministically.
func (s *State) settleAll(commonsID string, idx int64) {
	var pending []*Contribution
	for _, id := range s.byCommons[commonsID] { // its own, not every contribution of the node
		if k := s.contributions[id]; k.Status == Pending && len(k.Approvals) > 0 {
			pending = append(pending, k)
		}
	}
	slices.SortFunc(pending, func(a, b *Contribution) int { return int(a.Submitted - b.Submitted) })
	for _, k := range pending {
		s.settle(k, idx)
	}
}

// answer closes the need an accepted contribution answers.
func (s *State) answer(k *Contribution, idx int64) {
	if k.Need == "" {
		return
	}
	n := s.needs[k.Need]
	if n == nil || n.Status != NeedOpen {
		return
	}
	n.Status, n.ClosedBy, n.Claims = NeedClosed, k.ID, nil
	n.Updated = idx
	s.touch(KindNeed, n.ID)
}

func (s *State) step(k *Contribution, idx, t int64, who, action, reason string) {
	k.History = append(k.History, Step{Index: idx, Time: t, Agent: who, Action: action, Reason: reason})
	k.Updated = idx
	s.touch(KindContribution, k.ID)
}

func (s *State) contribution(id string) (*Contribution, error) {
	k := s.contributions[id]
	if k == nil {
		return nil, refuse("unknown contribution %s", id)
	}
	return k, nil
}

// maintained returns the commons o's signer changes (commons.update,
// contribution.import), if they may.
func (s *State) maintained(o op, id string) (*Commons, error) {
	c := s.commons[id]
	if c == nil {
		return nil, refuse("unknown commons %s", id)
	}
	if err := o.Auth.May(o.me, authority.ChangeCommons, authority.In(c.ID, c.Name)); err != nil {
		return nil, err
	}
	return c, nil
}

func (s *State) openNeed(id string) (*Need, error) {
	n := s.needs[id]
	if n == nil {
		return nil, refuse("unknown need %s", id)
	}
	if n.Status != NeedOpen {
		return nil, refuse("need %q is closed", n.Title)
	}
	return n, nil
}

func checkCommonsFields(name, desc, kind string, links []string, approvals int) error {
	if err := checkText(name, desc); err != nil {
		return err
	}
	if !slices.Contains(CommonsKinds, kind) {
		return refuse("commons kind %q is not one of %v", kind, CommonsKinds)
	}
	if len(links) > MaxLinks {
		return refuse("at most %d links", MaxLinks)
	}
	for _, l := range links {
		if err := checkURL(l); err != nil {
			return err
		}
	}
	if approvals < 0 || approvals > MaxApprovals {
		return refuse("approvals must be between 1 and %d", MaxApprovals)
	}
	return nil
}

func checkWork(title, desc string, ev []Evidence, q Quantities) error {
	if err := checkText(title, desc); err != nil {
		return err
	}
	if len(ev) > MaxEvidence {
		return refuse("at most %d pieces of evidence", MaxEvidence)
	}
	for _, e := range ev {
		set := 0
		for _, v := range []string{e.URL, e.Blob, e.Commit} {
			if v != "" {
				set++
			}
		}
		if set != 1 {
			return refuse("each piece of evidence is exactly one of url, blob or commit")
		}
		switch {
		case e.URL != "":
			if err := checkURL(e.URL); err != nil {
				return err
			}
		case e.Blob != "":
			if len(e.Blob) != 64 || !isHex(e.Blob) {
				return refuse("blob must be the SHA-256 of the file, 64 lowercase hex digits")
			}
		case e.Commit != "":
			if (len(e.Commit) != 40 && len(e.Commit) != 64) || !isHex(e.Commit) {
				return refuse("commit must be a full git object name (40 or 64 lowercase hex digits)")
			}
		}
		if len(e.Note) > MaxTitle {
			return refuse("evidence note longer than %d bytes", MaxTitle)
		}
	}
	if q.Minutes < 0 || q.LinesAdded < 0 || q.LinesRemoved < 0 {
		return refuse("quantities cannot be negative")
	}
	if q.Minutes > 24*60*366 {
		return refuse("more than a year of work time in one contribution; split it")
	}
	if q.Amount != nil {
		if err := CheckMoney(*q.Amount, true); err != nil {
			return err
		}
	}
	return nil
}

func checkText(title, desc string) error {
	if title == "" || len(title) > MaxTitle || !utf8.ValidString(title) || strings.IndexFunc(title, unicode.IsControl) >= 0 {
		return refuse("title (or name) must be 1 to %d bytes on one line", MaxTitle)
	}
	if len(desc) > MaxDescription {
		return refuse("description longer than %d bytes", MaxDescription)
	}
	return nil
}

func checkReason(r string) error {
	if strings.TrimSpace(r) == "" || len(r) > MaxDescription {
		return refuse("a reason is required (at most %d bytes)", MaxDescription)
	}
	return nil
}

func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(s) > 2000 {
		return refuse("link %q must be an absolute http(s) URL", s)
	}
	return nil
}

// CheckMoney checks an amount: a three-letter upper-case currency code
// and a non-negative amount (positive when positive is set).
func CheckMoney(m Money, positive bool) error {
	if len(m.Currency) != 3 || strings.ToUpper(m.Currency) != m.Currency || strings.IndexFunc(m.Currency, func(r rune) bool { return r < 'A' || r > 'Z' }) >= 0 {
		return refuse("currency %q must be a three-letter upper-case code (ISO 4217)", m.Currency)
	}
	if m.Amount < 0 || (positive && m.Amount == 0) {
		return refuse("amount must be positive (in minor units)")
	}
	return nil
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

func cmpOr(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

func marshal(v any) []byte {
	b, err := json.Marshal(v, json.Deterministic(true))
	if err != nil {
		panic("commons: marshal: " + err.Error()) // plain data: cannot fail
	}
	return b
}

// Blobs returns the blob hashes an event's evidence refers to, so the node
// can refuse a contribution whose files were never uploaded. It is not a
// ledger rule (an auditor replaying the log has no blob store); it is the
// node's admission check.
func Blobs(ev *ledger.Event) []string {
	var evidence []Evidence
	switch ev.Type {
	case TypeSubmit:
		var d SubmitData
		if ev.DecodeData(&d) != nil {
			return nil
		}
		evidence = d.Evidence
	case TypeRevise:
		var d ReviseData
		if ev.DecodeData(&d) != nil {
			return nil
		}
		evidence = d.Evidence
	}
	var out []string
	for _, e := range evidence {
		if e.Blob != "" {
			out = append(out, e.Blob)
		}
	}
	return out
}

package governance

import (
	"crypto/sha256"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/meent/meent"
	"github.com/meent/meent/agent"
	"github.com/meent/meent/area"
	"github.com/meent/meent/authority"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/governance/tally"
	"github.com/meent/meent/ledger"
)

func refuse(format string, args ...any) error { return meent.Errorf(meent.ERULE, format, args...) }

// at writes an event time (Unix ms) for a refusal.
func at(ms int64) string { return time.UnixMilli(ms).UTC().Format(time.RFC3339) }

// op is the event being applied, with what every handler needs.
type op struct {
	*area.Context
	ev      *ledger.Event
	me      string
	agents  *agent.State
	commons *commons.State
}

// place returns the authority's place of a poll's commons ("" the node).
func (x op) place(commonsID string) (authority.Place, error) {
	if commonsID == "" {
		return authority.Node(), nil
	}
	c := x.commons.Commons(commonsID)
	if c == nil {
		return authority.Place{}, refuse("unknown commons %s", commonsID)
	}
	return authority.In(c.ID, c.Name), nil
}

// ContributionCommons returns the commons of a contribution (Lookup).
func (x op) ContributionCommons(id string) string {
	if k := x.commons.Contribution(id); k != nil {
		return k.Commons
	}
	return ""
}

var handlers = map[string]func(s *State, x op) error{
	TypeOpen:       (*State).open,
	TypeVote:       (*State).vote,
	TypeDelegate:   (*State).delegate,
	TypeUndelegate: (*State).undelegate,
	TypeClose:      (*State).close,
	TypeCancel:     (*State).cancel,
	TypeRulesSet:   (*State).rulesSet,
}

// Owns reports whether typ is a governance event.
func Owns(typ string) bool { return handlers[typ] != nil }

func text(what, s string, limit int, required bool) error {
	if required && strings.TrimSpace(s) == "" {
		return refuse("a poll needs its %s", what)
	}
	if len(s) > limit || !utf8.ValidString(s) {
		return refuse("the %s is longer than %d bytes", what, limit)
	}
	return nil
}

func (s *State) open(x op) error {
	var d OpenData
	if err := x.ev.DecodeData(&d); err != nil {
		return err
	}
	pl, err := x.place(d.Commons)
	if err != nil {
		return err
	}
	if err := x.Auth.May(x.me, authority.OpenPoll, pl); err != nil {
		return err
	}
	if err := text("question", d.Question, MaxQuestion, true); err != nil {
		return err
	}
	if err := text("description", d.Description, MaxDescription, false); err != nil {
		return err
	}
	if err := d.Rule.Check(); err != nil {
		return refuse("%v", err)
	}
	opens := d.OpensAt
	if opens == 0 {
		opens = x.ev.Time
	}
	if d.ClosesAt <= opens || d.ClosesAt-opens > MaxDuration {
		return refuse("a poll closes after it opens, within 366 days")
	}
	if d.ClosesAt <= x.ev.Time {
		return refuse("the closing time has already passed")
	}
	voters, err := s.electorate(x, d)
	if err != nil {
		return err
	}
	if len(d.Effects) > 0 && d.Method != tally.Consent && d.Method != tally.Majority {
		return refuse("only a consent or majority poll carries changes: its outcome is yes or no")
	}
	if len(d.Effects) > MaxEffects {
		return refuse("a poll carries at most %d changes", MaxEffects)
	}
	for i, e := range d.Effects {
		if err := checkEffect(x, d.Commons, e); err != nil {
			return refuse("change %d: %v", i+1, err)
		}
	}
	id := x.ev.Hash.String()
	if s.polls[id] != nil {
		return meent.Errorf(meent.ECONFLICT, "poll %s exists already", id)
	}
	s.polls[id] = &Poll{ID: id, Commons: d.Commons, Question: d.Question, Description: d.Description, Rule: d.Rule, Electorate: d.Electorate,
		Voters: len(voters), OpensAt: opens, ClosesAt: d.ClosesAt, Effects: d.Effects, Opener: x.me, Index: x.Index, Status: Open}
	s.electorates[id] = voters
	s.touch(KindPoll, id)
	return nil
}

// checkEffect checks that a carried change is of a registered kind, well
// formed, and of the poll's own place.
func checkEffect(x op, pollCommons string, e Effect) error {
	k, ok := KindOf(e.Type)
	if !ok {
		return refuse("a decision cannot carry %q (it carries %s)", e.Type, strings.Join(KindTypes(), ", "))
	}
	v, err := k.decode(e.Data)
	if err != nil {
		return err
	}
	where, err := k.Scope(v, x)
	if err != nil {
		return err
	}
	if where != pollCommons {
		if pollCommons == "" {
			return refuse("a poll of the node changes only the node, not commons %s", where)
		}
		return refuse("a poll of commons %s changes only that commons", pollCommons)
	}
	return nil
}

// electorate computes who may vote, as of this event.
func (s *State) electorate(x op, d OpenData) ([]string, error) {
	var out []string
	switch d.Electorate.Kind {
	case Members:
		if d.Electorate.MinAccepted != 0 {
			return nil, refuse("min_accepted is for an electorate of contributors")
		}
		for _, a := range x.agents.All() {
			if x.Auth.Is(a.ID, authority.Member, authority.Node()) {
				out = append(out, a.ID)
			}
		}
	case Maintainers:
		if d.Commons == "" || d.Electorate.MinAccepted != 0 {
			return nil, refuse("an electorate of maintainers is for a poll of a commons, without min_accepted")
		}
		out = slices.Clone(x.commons.Commons(d.Commons).Maintainers)
	case Contributors:
		if d.Commons == "" || d.Electorate.MinAccepted < 1 {
			return nil, refuse("an electorate of contributors is for a poll of a commons, with min_accepted at least 1")
		}
		n := map[string]int{}
		for id := range x.commons.Recognised(d.Commons) {
			if k := x.commons.Contribution(id); k != nil && k.Status == commons.Accepted && k.Contributor != "" {
				n[k.Contributor]++
			}
		}
		for a, c := range n {
			if c >= d.Electorate.MinAccepted {
				out = append(out, a)
			}
		}
	default:
		return nil, refuse("unknown electorate %q (members, maintainers or contributors)", d.Electorate.Kind)
	}
	slices.Sort(out)
	out = slices.Compact(out)
	if len(out) == 0 {
		return nil, refuse("nobody would be able to vote: the electorate is empty")
	}
	return out, nil
}

// openPoll returns a poll that is still open, or the refusal.
func (s *State) openPoll(id string) (*Poll, error) {
	p := s.polls[id]
	if p == nil {
		return nil, meent.Errorf(meent.ENOTFOUND, "unknown poll %s", id)
	}
	if p.Status != Open {
		return nil, refuse("the poll is %s", p.Status)
	}
	return p, nil
}

func (s *State) vote(x op) error {
	var d VoteData
	if err := x.ev.DecodeData(&d); err != nil {
		return err
	}
	p, err := s.openPoll(d.Poll)
	if err != nil {
		return err
	}
	if x.ev.Time < p.OpensAt {
		return refuse("the poll opens for votes at %s", at(p.OpensAt))
	}
	if x.ev.Time >= p.ClosesAt {
		return refuse("the poll closed for votes at %s", at(p.ClosesAt))
	}
	if _, in := slices.BinarySearch(s.electorates[p.ID], x.me); !in {
		return meent.Errorf(meent.EFORBIDDEN, "you are not in this poll's electorate (%s, frozen when it opened)", p.Electorate.Kind)
	}
	if err := p.Rule.CheckBallot(d.Ballot); err != nil {
		return refuse("%v", err)
	}
	id := childID(p.ID, x.me)
	if v := s.votes[id]; v != nil {
		v.Ballot, v.Updated = d.Ballot, x.Index
		v.Changes++
	} else {
		s.votes[id] = &Vote{Poll: p.ID, Voter: x.me, Ballot: d.Ballot, Index: x.Index, Updated: x.Index}
		s.byPoll[p.ID] = append(s.byPoll[p.ID], id)
		p.Votes++
		s.touch(KindPoll, p.ID)
	}
	s.touch(KindVote, id)
	return nil
}

// scope checks a delegation's scope.
func (s *State) scope(x op, d DelegateData) error {
	if d.Poll != "" && d.Commons != "" {
		return refuse("a delegation is for one poll, one commons, or the node: not a poll and a commons")
	}
	if d.Poll != "" {
		if _, err := s.openPoll(d.Poll); err != nil {
			return err
		}
	}
	if d.Commons != "" && x.commons.Commons(d.Commons) == nil {
		return refuse("unknown commons %s", d.Commons)
	}
	return nil
}

func (s *State) delegate(x op) error {
	var d DelegateData
	if err := x.ev.DecodeData(&d); err != nil {
		return err
	}
	if err := s.scope(x, d); err != nil {
		return err
	}
	if d.To == x.me {
		return refuse("you cannot delegate to yourself")
	}
	if x.agents.Agent(d.To) == nil {
		return refuse("unknown agent %s", d.To)
	}
	id := delegationID(x.me, d.Poll, d.Commons)
	if old := s.delegations[id]; old != nil {
		old.To, old.Status, old.Updated = d.To, "active", x.Index
	} else {
		s.delegations[id] = &Delegation{ID: id, From: x.me, To: d.To, Poll: d.Poll, Commons: d.Commons, Status: "active", Index: x.Index, Updated: x.Index}
	}
	s.touch(KindDelegation, id)
	return nil
}

func (s *State) undelegate(x op) error {
	var u UndelegateData
	if err := x.ev.DecodeData(&u); err != nil {
		return err
	}
	d := DelegateData{Poll: u.Poll, Commons: u.Commons}
	if err := s.scope(x, d); err != nil {
		return err
	}
	id := delegationID(x.me, d.Poll, d.Commons)
	old := s.delegations[id]
	if old == nil || old.Status != "active" {
		return meent.Errorf(meent.ENOTFOUND, "you have no delegation in this scope")
	}
	old.Status, old.Updated = "revoked", x.Index
	s.touch(KindDelegation, id)
	return nil
}

// delegatesFor returns each agent's delegate for a poll: the delegation
// for the poll itself, else the one for its commons (or the node).
func (s *State) delegatesFor(p *Poll) map[string]string {
	out := map[string]string{}
	for _, d := range s.delegations {
		if d.Status == "active" && d.Poll == "" && d.Commons == p.Commons {
			out[d.From] = d.To
		}
	}
	for _, d := range s.delegations {
		if d.Status == "active" && d.Poll == p.ID {
			out[d.From] = d.To
		}
	}
	return out
}

func (s *State) close(x op) error {
	var d PollRef
	if err := x.ev.DecodeData(&d); err != nil {
		return err
	}
	p, err := s.openPoll(d.Poll)
	if err != nil {
		return err
	}
	if x.ev.Time < p.ClosesAt {
		return refuse("the poll closes at %s: anyone may close it from then on", at(p.ClosesAt))
	}
	votes := map[string]tally.Ballot{}
	for _, id := range s.byPoll[p.ID] {
		v := s.votes[id]
		votes[v.Voter] = v.Ballot
	}
	casts := tally.Resolve(s.electorates[p.ID], votes, s.delegatesFor(p))
	res, err := tally.Tally(p.Rule, p.Voters, casts, p.ID)
	if err != nil {
		// The rule and every ballot were checked when they were recorded.
		return meent.Errorf(meent.EINTERNAL, "count poll %s: %v", p.ID, err)
	}
	// Every check is done: from here on nothing refuses, and what the
	// decision enacts is applied through the other areas' rules.
	var enacted []Enactment
	if res.Passed && res.Decides && len(p.Effects) > 0 {
		enacted = s.enact(x, p)
	}
	p.Status = Rejected
	switch {
	case !res.Decides:
		p.Status = Closed
	case res.Passed:
		p.Status = Passed
	}
	p.Result, p.Enacted, p.Ended, p.EndedBy = res, enacted, x.Index, x.me
	for _, c := range res.Casts {
		id := childID(p.ID, c.Voter)
		s.ballots[id] = &Ballot{Poll: p.ID, Voter: c.Voter, Via: c.Via, Ballot: c.Ballot}
		s.touch(KindBallot, id)
	}
	s.touch(KindPoll, p.ID)
	return nil
}

// enact applies a passed poll's effects in order, each through its area's
// rules under the decision's grant, and stops at the first refused.
func (s *State) enact(x op, p *Poll) []Enactment {
	out := make([]Enactment, len(p.Effects))
	failed := false
	for i, e := range p.Effects {
		out[i] = Enactment{Type: e.Type, Status: "skipped"}
		if failed {
			continue
		}
		k, ok := KindOf(e.Type)
		if !ok || x.Enact == nil {
			out[i] = Enactment{Type: e.Type, Status: "refused", Error: "no area enacts " + e.Type + " any more"}
			failed = true
			continue
		}
		h := sha256.Sum256(append(x.ev.Hash[:], byte(i)))
		ev := &ledger.Event{V: x.ev.V, Type: e.Type, Author: x.ev.Author, Key: x.ev.Key, Time: x.ev.Time, Data: e.Data, Hash: ledger.Hash(h)}
		s.enacting = &grant{poll: p.ID, action: string(k.Action), commons: p.Commons}
		err := x.Enact(ev)
		s.enacting = nil
		if err != nil {
			out[i] = Enactment{Type: e.Type, Status: "refused", Error: meent.ErrorMessage(err)}
			failed = true
			continue
		}
		out[i].Status = "enacted"
	}
	return out
}

func (s *State) cancel(x op) error {
	var d CancelData
	if err := x.ev.DecodeData(&d); err != nil {
		return err
	}
	p, err := s.openPoll(d.Poll)
	if err != nil {
		return err
	}
	pl, err := x.place(p.Commons)
	if err != nil {
		return err
	}
	if err := x.Auth.May(x.me, authority.CancelPoll, pl.With(p.Opener)); err != nil {
		return err
	}
	if err := text("reason", d.Reason, MaxDescription, false); err != nil {
		return err
	}
	p.Status, p.Ended, p.EndedBy, p.Reason = Cancelled, x.Index, x.me, d.Reason
	s.touch(KindPoll, p.ID)
	return nil
}

func (s *State) rulesSet(x op) error {
	var d RulesData
	if err := x.ev.DecodeData(&d); err != nil {
		return err
	}
	pl, err := x.place(d.Commons)
	if err != nil {
		return err
	}
	if d.Commons == "" {
		return refuse("decision rules are a commons'")
	}
	if err := x.Auth.May(x.me, authority.SetDecisionRules, pl); err != nil {
		return err
	}
	for _, t := range d.Decide {
		k, ok := KindOf(t)
		if !ok {
			return refuse("%q is not a change a decision can carry (%s)", t, strings.Join(KindTypes(), ", "))
		}
		if k.Type == agent.TypeMemberSet || k.Type == agent.TypeMemberRm {
			return refuse("%s is the node's, not a commons' change", t)
		}
	}
	decide := slices.Clone(d.Decide)
	slices.Sort(decide)
	if len(slices.Compact(decide)) != len(d.Decide) {
		return refuse("a change is named twice")
	}
	if len(decide) == 0 {
		if s.rules[d.Commons] == nil {
			return refuse("the commons has no decision rules to end")
		}
		// The object stays, with an empty list: the end shows.
		s.rules[d.Commons] = &Rules{Commons: d.Commons, Decide: []string{}, Index: x.Index}
	} else {
		s.rules[d.Commons] = &Rules{Commons: d.Commons, Decide: decide, Index: x.Index}
	}
	if s.enacting != nil {
		s.rules[d.Commons].Poll = s.enacting.poll
	}
	s.touch(KindRules, d.Commons)
	return nil
}

// Grants lets a passed decision do what it enacts, while it enacts it
// (authority.Granter).
func (s *State) Grants(_ string, a authority.Action, p authority.Place) bool {
	g := s.enacting
	return g != nil && string(a) == g.action && p.Commons == g.commons
}

// Reserved reports whether a commons' decision rules reserve an action to
// decisions (authority.Reserver): the actions of the kinds they name, and
// changing the rules themselves once there are any.
func (s *State) Reserved(a authority.Action, p authority.Place) bool {
	r := s.rules[p.Commons]
	if p.Commons == "" || r == nil || len(r.Decide) == 0 {
		return false
	}
	if a == authority.SetDecisionRules {
		return true
	}
	for _, t := range r.Decide {
		if k, ok := KindOf(t); ok && k.Action == a {
			return true
		}
	}
	return false
}

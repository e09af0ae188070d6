package governanceweb

import (
	"fmt"
	"html/template"
	"math/big"
	nethttp "net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/meent/meent/commons"
	"github.com/meent/meent/governance"
	"github.com/meent/meent/governance/tally"
	"github.com/meent/meent/http"
	"github.com/meent/meent/web/chart"
	"github.com/meent/meent/web/i18n"
)

// row is a poll in a list, with the name of its commons.
type row struct {
	*governance.Poll
	CommonsName string
}

// rows names the commons of polls.
func rows(o *http.Objects, ps []*governance.Poll) []row {
	out := make([]row, 0, len(ps))
	for _, p := range ps {
		r := row{Poll: p}
		if p.Commons != "" {
			r.CommonsName = http.ShortID(p.Commons)
			if c, err := o.Commons(p.Commons); err == nil {
				r.CommonsName = c.Name
			}
		}
		out = append(out, r)
	}
	return out
}

// newestFirst returns polls newest first, at most n of them (0: all).
func newestFirst(ps []*governance.Poll, n int) []*governance.Poll {
	ps = slices.Clone(ps)
	slices.Reverse(ps)
	if n > 0 && len(ps) > n {
		ps = ps[:n]
	}
	return ps
}

// mayOpen reports whether the reader may open a poll in commonsID (the
// node for ""), so the form shows only to those the rules let open one.
func (s pages) mayOpen(r *nethttp.Request, commonsID string) bool {
	sess := s.Session(r)
	return sess != nil && s.gov.MayOpen(sess.Agent, commonsID)
}

// pollsPage is the list of a commons' polls, or of the node's.
type pollsPage struct {
	Commons *commons.Commons // nil: the node's polls
	Polls   []row
	Next    string
	MayOpen bool
	Methods []string
	Error   string
	Form    openForm
}

// openForm is what the "open a poll" form held, to show it again after a
// refusal.
type openForm struct {
	Question, Description, Method, Options, Electorate string
	Days                                               int
}

func (s pages) pageNodePolls(w nethttp.ResponseWriter, r *nethttp.Request) {
	s.renderPolls(w, r, nethttp.StatusOK, "", "", openForm{})
}

func (s pages) pageCommonsPolls(w nethttp.ResponseWriter, r *nethttp.Request) {
	s.renderPolls(w, r, nethttp.StatusOK, r.PathValue("id"), "", openForm{})
}

// renderPolls writes the polls of a commons (or the node: commonsID ""),
// newest first, paged by ?cursor=, with a refusal of the form, if any.
func (s pages) renderPolls(w nethttp.ResponseWriter, r *nethttp.Request, status int, commonsID, problem string, f openForm) {
	o := http.NewObjects(r.Context(), s.Node().Store())
	data := pollsPage{Methods: tally.Methods, Error: problem, Form: f}
	which := "" // the node's page lists every poll
	if commonsID != "" {
		c, err := s.Commons(o, commonsID)
		if err != nil {
			s.Error(w, r, err, 0)
			return
		}
		data.Commons, which = c, commonsID
	}
	if data.Form.Days == 0 {
		data.Form = openForm{Method: tally.Majority, Electorate: governance.Members, Days: 7}
	}
	q, err := http.CursorQuery(r.URL.Query().Get("cursor"), "polls", 50)
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	page, next, err := http.PageSlice(newestFirst(s.gov.Polls(which, ""), 0), q, "polls", func(p *governance.Poll) string { return http.DescKey(p.Index) })
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	data.Polls, data.Next = rows(o, page), next
	data.MayOpen = s.mayOpen(r, commonsID)
	title := s.Locale(r).T("polls.node.title")
	if data.Commons != nil {
		title = s.Locale(r).T("polls.title", "commons", data.Commons.Name)
	}
	s.Render(w, r, status, "polls", title, data)
}

// postOpen answers the "open a poll" form: a governance.poll.open of the
// node or of the commons the form names, closing after the days asked.
func (s pages) postOpen(w nethttp.ResponseWriter, r *nethttp.Request) {
	var f openForm
	var where string
	read := func() (string, any) {
		where = r.PostFormValue("commons")
		f = openForm{Question: strings.TrimSpace(r.PostFormValue("question")), Description: strings.TrimSpace(r.PostFormValue("description")),
			Method: r.PostFormValue("method"), Options: r.PostFormValue("options"), Electorate: r.PostFormValue("electorate")}
		f.Days, _ = strconv.Atoi(r.PostFormValue("days"))
		d := governance.OpenData{Commons: where, Question: f.Question, Description: f.Description,
			Rule:       tally.Rule{Method: f.Method},
			Electorate: governance.Electorate{Kind: f.Electorate},
			ClosesAt:   s.Now().Add(time.Duration(f.Days) * 24 * time.Hour).UnixMilli()}
		if f.Method != tally.Consent && f.Method != tally.Majority {
			for _, line := range strings.Split(f.Options, "\n") {
				if line = strings.TrimSpace(line); line != "" {
					d.Options = append(d.Options, line)
				}
			}
		}
		switch f.Method {
		case tally.Score:
			d.MaxScore = 5
		case tally.Dots:
			d.Dots = 10
		}
		if f.Electorate == governance.Contributors {
			d.Electorate.MinAccepted = 1
		}
		return governance.TypeOpen, d
	}
	rc, p, ok := s.Act(w, r, read)
	if !ok {
		return
	}
	if p != nil {
		s.renderPolls(w, r, p.Status, where, p.Detail, f)
		return
	}
	nethttp.Redirect(w, r, "/polls/"+rc.Hash.String(), nethttp.StatusSeeOther)
}

// pollPage is a poll as its page shows it.
type pollPage struct {
	Poll        *governance.Poll
	CommonsName string
	Names       *http.Names
	Loc         *i18n.Locale
	OpenEvent   string // hashes of the open and of the close or cancel
	EndEvent    string
	Enacted     []enactedRow
	// Casts is who voted what: the current votes of an open poll, the
	// counted ballots of a closed one; one page of them (?votes=).
	Casts     []tally.Cast
	NextCasts string
	// What the reader may do now.
	CanVote  bool
	MyVote   *governance.Vote
	CanClose bool
	Ranks    []int // 1..options, for a ranked ballot's selects
	Error    string
}

// enactedRow is one change a decision carried and what became of it.
type enactedRow struct {
	governance.Enactment
	Link string // where to see the change: its area's page, when there is one
}

func (s pages) pagePoll(w nethttp.ResponseWriter, r *nethttp.Request) {
	s.renderPoll(w, r, nethttp.StatusOK, r.PathValue("id"), "")
}

func (s pages) renderPoll(w nethttp.ResponseWriter, r *nethttp.Request, status int, id, problem string) {
	p, err := s.gov.Poll(id)
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	o := http.NewObjects(r.Context(), s.Node().Store())
	data := &pollPage{Poll: p, Names: http.NewNames(r.Context(), s.Node().Store()), Loc: s.Locale(r), Error: problem,
		OpenEvent: s.EventHash(o, p.Index)}
	if p.Commons != "" {
		data.CommonsName = rows(o, []*governance.Poll{p})[0].CommonsName
	}
	if p.Ended > 0 {
		data.EndEvent = s.EventHash(o, p.Ended)
	}
	for _, e := range p.Enacted {
		er := enactedRow{Enactment: e}
		if e.Status == "enacted" && p.Commons != "" && strings.HasPrefix(e.Type, "value.policy") {
			er.Link = "/commons/" + p.Commons + "/policy"
		}
		data.Enacted = append(data.Enacted, er)
	}
	var casts []tally.Cast
	if p.Status == governance.Open {
		for _, v := range s.gov.Votes(id) {
			casts = append(casts, tally.Cast{Voter: v.Voter, Ballot: v.Ballot})
		}
	} else {
		for _, b := range s.gov.Ballots(id) {
			casts = append(casts, tally.Cast{Voter: b.Voter, Via: b.Via, Ballot: b.Ballot})
		}
	}
	q, err := http.CursorQuery(r.URL.Query().Get("votes"), "votes", 100)
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	if data.Casts, data.NextCasts, err = http.PageSlice(casts, q, "votes", func(c tally.Cast) string { return c.Voter }); err != nil {
		s.Error(w, r, err, 0)
		return
	}
	now := s.Now().UnixMilli()
	if sess := s.Session(r); sess != nil && p.Status == governance.Open {
		in, v := s.gov.Voter(id, sess.Agent)
		data.CanVote = in && now >= p.OpensAt && now < p.ClosesAt
		data.MyVote = v
		data.CanClose = now >= p.ClosesAt
	}
	for i := range p.Rule.Options {
		data.Ranks = append(data.Ranks, i+1)
	}
	s.Render(w, r, status, "poll", p.Question, data)
}

// MarkOf is the reader's current mark for an option (score, dots, an
// approval), 0 when none: to fill the form in again.
func (p *pollPage) MarkOf(option string) int {
	if p.MyVote != nil {
		for _, m := range p.MyVote.Ballot.Marks {
			if m.Option == option {
				return m.N
			}
		}
	}
	return 0
}

// RankOf is the option the reader ranked at rank (from 1), "" when none.
func (p *pollPage) RankOf(rank int) string {
	if p.MyVote != nil && rank <= len(p.MyVote.Ballot.Ranking) {
		return p.MyVote.Ballot.Ranking[rank-1]
	}
	return ""
}

// Choice is the reader's current choice, "" when none.
func (p *pollPage) Choice() string {
	if p.MyVote != nil {
		return p.MyVote.Ballot.Choice
	}
	return ""
}

// Choices are the fixed choices of a consent, majority or sense-check
// ballot.
func (p *pollPage) Choices() []string {
	switch p.Poll.Rule.Method {
	case tally.Consent:
		return []string{tally.ChoiceConsent, tally.ChoiceObjection, tally.ChoiceBlock, tally.ChoiceAbstain}
	case tally.Majority:
		return []string{tally.ChoiceYes, tally.ChoiceNo, tally.ChoiceAbstain}
	case tally.SenseCheck:
		return append(slices.Clone(p.Poll.Rule.Options), tally.ChoiceAbstain)
	}
	return nil
}

// readBallot reads a ballot from the vote form for the poll's method.
func readBallot(r *nethttp.Request, rule tally.Rule) tally.Ballot {
	var b tally.Ballot
	switch rule.Method {
	case tally.Consent, tally.Majority, tally.SenseCheck:
		b.Choice = r.PostFormValue("choice")
	case tally.Ranked:
		for i := range rule.Options {
			if o := r.PostFormValue(fmt.Sprintf("rank%d", i+1)); o != "" {
				b.Ranking = append(b.Ranking, o)
			}
		}
	case tally.Approval:
		for _, o := range r.PostForm["approve"] {
			b.Marks = append(b.Marks, tally.Mark{Option: o, N: 1})
		}
	case tally.Score, tally.Dots:
		for i, o := range rule.Options {
			n, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue(fmt.Sprintf("mark%d", i))))
			if err == nil && (n > 0 || rule.Method == tally.Score && r.PostFormValue(fmt.Sprintf("mark%d", i)) != "") {
				b.Marks = append(b.Marks, tally.Mark{Option: o, N: n})
			}
		}
	}
	return b
}

// postVote answers the vote form: a governance.vote (a first vote or a
// change), then back to the poll.
func (s pages) postVote(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := r.PathValue("id")
	p, err := s.gov.Poll(id)
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	read := func() (string, any) {
		return governance.TypeVote, governance.VoteData{Poll: id, Ballot: readBallot(r, p.Rule)}
	}
	s.act(w, r, id, read)
}

// postClose answers the close button: a governance.poll.close, which
// counts the poll and enacts what passed.
func (s pages) postClose(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := r.PathValue("id")
	if _, err := s.gov.Poll(id); err != nil {
		s.Error(w, r, err, 0)
		return
	}
	s.act(w, r, id, func() (string, any) { return governance.TypeClose, governance.PollRef{Poll: id} })
}

// act signs what read gives and goes back to the poll, which shows a
// refusal in place.
func (s pages) act(w nethttp.ResponseWriter, r *nethttp.Request, id string, read func() (string, any)) {
	_, p, ok := s.Act(w, r, read)
	if !ok {
		return
	}
	if p != nil {
		s.renderPoll(w, r, p.Status, id, p.Detail)
		return
	}
	nethttp.Redirect(w, r, "/polls/"+id, nethttp.StatusSeeOther)
}

// ballotWords writes a ballot for people: a choice, a ranking
// ("1. blue, 2. green"), or marks ("green 3, blue 1").
func ballotWords(loc *i18n.Locale, v any) string {
	var b tally.Ballot
	switch x := v.(type) {
	case tally.Ballot:
		b = x
	case *tally.Ballot:
		b = *x
	}
	switch {
	case b.Choice != "":
		return optionWords(loc, b.Choice)
	case len(b.Ranking) > 0:
		parts := make([]string, len(b.Ranking))
		for i, o := range b.Ranking {
			parts[i] = loc.T("poll.ranked_as", "n", i+1, "option", o)
		}
		return strings.Join(parts, ", ")
	case len(b.Marks) > 0:
		parts := make([]string, len(b.Marks))
		for i, m := range b.Marks {
			parts[i] = loc.T("poll.marked", "option", m.Option, "n", m.N)
		}
		return strings.Join(parts, ", ")
	}
	return loc.T("poll.blank")
}

// ratWords writes an exact vote ("7", "10/3") for people: a whole number
// as it is, a fraction to three decimals in the language.
func ratWords(loc *i18n.Locale, s string) string {
	if s == "" {
		return "0"
	}
	q, ok := new(big.Rat).SetString(s)
	if !ok {
		return s
	}
	if q.IsInt() {
		return loc.Number(q.Num().String())
	}
	return loc.Number(strings.TrimRight(q.FloatString(3), "0"))
}

// thresholdWords writes a threshold: "more than 1/2", "at least 2/3".
func thresholdWords(loc *i18n.Locale, v any) string {
	t, ok := v.(*tally.Threshold)
	if !ok || t == nil {
		return ""
	}
	k := "poll.more_than"
	if t.Inclusive {
		k = "poll.at_least"
	}
	return loc.T(k, "num", t.Num, "den", t.Den)
}

// pollChart draws a closed poll's counts (a ranked poll's first
// preferences) as bars; the table under it holds the same numbers.
func pollChart(loc *i18n.Locale, p *pollPage) template.HTML {
	res := p.Poll.Result
	if res == nil || len(res.Counts) == 0 {
		return ""
	}
	c := chart.Chart{ID: "count", Kind: chart.HBar, TableID: "count-table",
		Title:       loc.T("poll.chart.title", "n", res.Counted),
		Desc:        loc.T("poll.chart.desc"),
		Format:      func(v int64) string { return loc.Int(v) },
		LabelHeader: loc.T("poll.option"),
		Series:      []chart.Series{{Name: loc.T("poll.votes")}}}
	for _, n := range res.Counts {
		c.Labels = append(c.Labels, optionWords(loc, n.Option))
		c.Series[0].Values = append(c.Series[0].Values, n.Votes)
	}
	h, err := chart.Render(c)
	if err != nil {
		return "" // the table still has every number
	}
	return h
}

// fixedChoices are the choices of consent and majority ballots (and the
// abstention of a sense check): words of the pages, written in the
// language, where an option is the poll's own text.
var fixedChoices = map[string]bool{tally.ChoiceConsent: true, tally.ChoiceObjection: true, tally.ChoiceBlock: true,
	tally.ChoiceAbstain: true, tally.ChoiceYes: true, tally.ChoiceNo: true}

// optionWords writes an option or a choice for people.
func optionWords(loc *i18n.Locale, o string) string {
	if fixedChoices[o] {
		return loc.Label(o)
	}
	return o
}

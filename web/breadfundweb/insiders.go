package breadfundweb

import (
	"html/template"
	nethttp "net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/meent/meent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/api/breadfundapi"
	"github.com/meent/meent/breadfund"
	"github.com/meent/meent/http"
	"github.com/meent/meent/private"
	"github.com/meent/meent/web/chart"
	"github.com/meent/meent/web/i18n"
)

// noStore keeps a page out of every cache, shared or private: a member's
// pot and a claim's reason are personal.
func noStore(w nethttp.ResponseWriter) { w.Header().Set("Cache-Control", "no-store") }

// potPage is a member's own pot: their statement and its balance over
// time, and the form to report illness.
type potPage struct {
	Info         api.BreadfundInfo
	Member       *breadfund.Member
	Name         string
	Lines        []breadfundapi.StatementLine // newest first
	Points       []point
	Own          bool // the reader's own pot
	MaySick      bool // the reader may report illness here now
	Sick         sickForm
	Percent      []int
	Error        string
	Done         string // the breadfund.sick event just signed
	Claim        *breadfund.Claim
	ClaimPercent int // the open claim's percentage today
}

// point is a pot's balance at the end of a month.
type point struct {
	Period  string
	Balance int64
}

// sickForm is what the illness form holds.
type sickForm struct {
	Start, Reason string
	Percent       int
}

// needSession answers a page for the logged-in only: a visitor is asked
// to log in.
func (p pages) needSession(w nethttp.ResponseWriter, r *nethttp.Request) *meent.Session {
	sess := p.Session(r)
	if sess == nil {
		p.Error(w, r, meent.Errorf(meent.EUNAUTHORIZED, "log in to see this page of the bread fund"), 0)
	}
	return sess
}

func (p pages) pagePot(w nethttp.ResponseWriter, r *nethttp.Request) {
	p.renderPot(w, r, nethttp.StatusOK, sickForm{}, "")
}

func (p pages) renderPot(w nethttp.ResponseWriter, r *nethttp.Request, status int, form sickForm, formErr string) {
	noStore(w)
	sess := p.needSession(w, r)
	if sess == nil {
		return
	}
	id, who := r.PathValue("id"), r.PathValue("agent")
	info, err := p.fund.Info(id)
	if err != nil {
		p.Error(w, r, err, 0)
		return
	}
	if sess.Agent != who && !p.fund.Board(id, sess.Agent) {
		p.Error(w, r, meent.Errorf(meent.EFORBIDDEN, "only the member and the board see a pot"), 0)
		return
	}
	mb, lines, err := p.fund.Statement(r.Context(), id, who)
	if err != nil {
		p.Error(w, r, err, 0)
		return
	}
	data := potPage{Info: info, Member: mb, Own: sess.Agent == who, Sick: form, Error: formErr,
		Name: http.NewNames(r.Context(), p.Node().Store()).Name(who)}
	data.Points = monthEnds(lines, mb, breadfund.PeriodOf(p.Now().UnixMilli()))
	data.Lines = slices.Clone(lines)
	slices.Reverse(data.Lines)
	if mb.Claim != "" {
		if data.Claim, _ = p.fund.Claim(id, mb.Claim); data.Claim != nil {
			data.ClaimPercent = percentOn(data.Claim, p.Now().UTC().Format(time.DateOnly))
		}
	}
	if pol := p.fund.Policy(id); pol != nil && data.Own && mb.Status == breadfund.StatusMember && mb.Claim == "" {
		data.MaySick, data.Percent = true, pol.Percentages
	}
	if d := r.URL.Query().Get("reported"); http.ParseID(d, "event") == nil {
		data.Done = d
	}
	p.Render(w, r, status, "breadfundpot", data.Name+" · "+info.Name, data)
}

// monthEnds is the pot's balance at the end of each month from its first
// line to now.
func monthEnds(lines []breadfundapi.StatementLine, mb *breadfund.Member, now string) []point {
	first := now
	for _, l := range lines {
		if len(l.Period) == 7 && l.Period < first {
			first = l.Period
		}
	}
	if mb.Admitted != 0 {
		if a := breadfund.PeriodOf(mb.Admitted); a < first {
			first = a
		}
	}
	t, err := time.Parse("2006-01", first)
	if err != nil {
		return nil
	}
	var out []point
	var bal int64
	i := 0
	for n := 0; n < 1200; n++ {
		per := t.Format("2006-01")
		for i < len(lines) && (lines[i].Period <= per || len(lines[i].Period) == 4 && lines[i].Period+"-12" <= per) {
			bal = lines[i].Balance
			i++
		}
		if per >= now {
			for ; i < len(lines); i++ {
				bal = lines[i].Balance
			}
			return append(out, point{per, bal})
		}
		out = append(out, point{per, bal})
		t = t.AddDate(0, 1, 0)
	}
	return out
}

// potChart draws a pot's balance at each month's end, its numbers as a
// table for screen readers.
func potChart(loc *i18n.Locale, d potPage) template.HTML {
	if len(d.Points) < 2 {
		return ""
	}
	labels := make([]string, len(d.Points))
	vals := make([]int64, len(d.Points))
	for i, pt := range d.Points {
		labels[i], vals[i] = pt.Period, pt.Balance
	}
	h, err := chart.Render(chart.Chart{
		ID: "pot", Kind: chart.Line,
		Title:       loc.T("breadfund.pot.chart.title", "name", d.Name),
		Desc:        loc.T("breadfund.pot.chart.desc"),
		Labels:      labels,
		Series:      []chart.Series{{Name: loc.T("breadfund.pot.balance"), Values: vals}},
		Format:      func(v int64) string { return loc.PageMoney(v, d.Info.Currency) },
		LabelHeader: loc.T("breadfund.pot.month"),
	})
	if err != nil {
		return ""
	}
	return h
}

// postSick reports the reader ill: the reason, if given, goes to the
// node's private records first, and only its commitment into the signed
// breadfund.sick event (as meent breadfund sick --reason does); when the
// rules refuse the event the record is erased again.
func (p pages) postSick(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := r.PathValue("id")
	sess, err := p.FormSession(w, r)
	if err != nil {
		p.Error(w, r, err, 0)
		return
	}
	r.SetPathValue("agent", sess.Agent)
	f := sickForm{Start: strings.TrimSpace(r.PostFormValue("start")), Reason: strings.TrimSpace(r.PostFormValue("reason"))}
	f.Percent, _ = strconv.Atoi(r.PostFormValue("percent"))
	loc := p.Locale(r)
	if _, err := breadfund.ParseDate(f.Start); err != nil {
		p.renderPot(w, r, nethttp.StatusBadRequest, f, loc.T("breadfund.sick.bad_start"))
		return
	}
	d := breadfund.SickData{Commons: id, Member: sess.Agent, Start: f.Start, Percent: f.Percent}
	var stored *private.Commitment
	if f.Reason != "" {
		c, err := p.fund.StoreReason(r.Context(), sess.Agent, id, []byte(f.Reason))
		if err != nil {
			p.LogError(r, err)
			p.renderPot(w, r, http.ProblemOf(err).Status, f, http.ProblemOf(err).Detail)
			return
		}
		stored, d.ReasonCommitment = &c, c.String()
	}
	rc, err := p.Accounts().Act(r.Context(), sess.Agent, breadfund.TypeSick, d)
	if err != nil {
		if stored != nil && meent.ErrorCode(err) != meent.EUNAVAILABLE {
			if eerr := p.fund.EraseReason(r.Context(), sess.Agent, *stored); eerr != nil {
				p.LogError(r, eerr)
			}
		}
		p.LogError(r, err)
		pr := http.ProblemOf(err)
		p.renderPot(w, r, pr.Status, f, pr.Detail)
		return
	}
	nethttp.Redirect(w, r, "/breadfunds/"+url.PathEscape(id)+"/pots/"+url.PathEscape(sess.Agent)+"?reported="+rc.Hash.String(), nethttp.StatusSeeOther)
}

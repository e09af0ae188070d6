package breadfundweb

import (
	nethttp "net/http"
	"net/url"
	"slices"
	"time"

	"github.com/meent/meent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/breadfund"
	"github.com/meent/meent/http"
)

// claimRow is a running claim as the claims page shows it, named.
type claimRow struct {
	*breadfund.Claim
	Name, BuddyName string
	Percent         int  // the percentage now
	MayReason       bool // the reader may read its reason
}

// giftRow is one gift of the month's proposal, named.
type giftRow struct {
	breadfund.Due
	Name string
}

// payoutRow is a payout waiting for approvals, with who approved.
type payoutRow struct {
	*breadfund.Payout
	Approvers  []string // names
	MayApprove bool     // the reader is on the board and has not approved it
	Names      map[string]string
}

// claimsPage is the fund's claims for its members and board.
type claimsPage struct {
	Info     api.BreadfundInfo
	Board    bool
	Claims   []claimRow
	Period   string
	Proposal []giftRow
	Computed string // the month's payout, once proposed
	MayGifts bool   // the reader may propose the month's gifts now
	Pending  []payoutRow
	Waiting  []payoutRow // approved, to be paid
	Done     string
}

func (p pages) pageClaims(w nethttp.ResponseWriter, r *nethttp.Request) {
	noStore(w)
	sess := p.needSession(w, r)
	if sess == nil {
		return
	}
	id := r.PathValue("id")
	info, err := p.fund.Info(id)
	if err != nil {
		p.Error(w, r, err, 0)
		return
	}
	if !p.fund.Insider(id, sess.Agent) {
		p.Error(w, r, meent.Errorf(meent.EFORBIDDEN, "only the fund's members and board see its claims"), 0)
		return
	}
	nm := http.NewNames(r.Context(), p.Node().Store())
	data := claimsPage{Info: info, Board: p.fund.Board(id, sess.Agent), Period: breadfund.PeriodOf(p.Now().UnixMilli())}
	today := p.Now().UTC().Format(time.DateOnly)
	for _, c := range p.fund.Claims(id, true) {
		row := claimRow{Claim: c, Name: nm.Name(c.Member), Percent: percentOn(c, today)}
		if c.Buddy != "" {
			row.BuddyName = nm.Name(c.Buddy)
		}
		row.MayReason = c.ReasonCommitment != "" && (data.Board || sess.Agent == c.Buddy || sess.Agent == c.Member)
		data.Claims = append(data.Claims, row)
	}
	if g, err := p.fund.Gifts(id, data.Period); err == nil {
		data.Computed = g.Payout
		for _, d := range g.Due {
			data.Proposal = append(data.Proposal, giftRow{Due: d, Name: nm.Name(d.Member)})
		}
		data.MayGifts = data.Board && g.Payout == "" && len(g.Due) > 0 && info.Status == "active"
	}
	for _, po := range p.fund.Payouts(id, "") {
		if po.Status == breadfund.PayoutPaid {
			continue
		}
		row := payoutRow{Payout: po, Names: map[string]string{}}
		for _, a := range po.Approvals {
			row.Approvers = append(row.Approvers, nm.Name(a))
		}
		for _, l := range po.Lines {
			row.Names[l.Member] = nm.Name(l.Member)
		}
		if po.Status == breadfund.PayoutPending {
			row.MayApprove = data.Board && !slices.Contains(po.Approvals, sess.Agent)
			data.Pending = append(data.Pending, row)
		} else {
			data.Waiting = append(data.Waiting, row)
		}
	}
	if d := r.URL.Query().Get("done"); http.ParseID(d, "event") == nil {
		data.Done = d
	}
	p.Render(w, r, nethttp.StatusOK, "breadfundclaims", p.Locale(r).T("breadfund.claims.page", "name", info.Name), data)
}

// confirmPage is the step before a board member signs what moves money:
// proposing a month's gifts (which takes them from the pots) or
// approving a payout.
type confirmPage struct {
	Info    api.BreadfundInfo
	Action  string // "gifts" or "approve"
	Period  string
	Payout  *breadfund.Payout
	Gifts   []giftRow
	Total   int64
	Refusal string
}

// boardAction reads what a confirmation or its post names and checks the
// reader is on the board and may still do it.
func (p pages) boardAction(r *nethttp.Request, who string, v url.Values) (confirmPage, error) {
	id := r.PathValue("id")
	info, err := p.fund.Info(id)
	if err != nil {
		return confirmPage{}, err
	}
	if !p.fund.Board(id, who) {
		return confirmPage{}, meent.Errorf(meent.EFORBIDDEN, "only the fund's board proposes and approves payouts")
	}
	c := confirmPage{Info: info, Action: v.Get("action")}
	nm := http.NewNames(r.Context(), p.Node().Store())
	switch c.Action {
	case "gifts":
		c.Period = v.Get("period")
		g, err := p.fund.Gifts(id, c.Period)
		if err != nil {
			return c, err
		}
		if g.Payout != "" {
			return c, meent.Errorf(meent.ECONFLICT, "the gifts for %s were proposed already", c.Period)
		}
		for _, d := range g.Due {
			c.Gifts = append(c.Gifts, giftRow{Due: d, Name: nm.Name(d.Member)})
			c.Total += d.Amount
		}
	case "approve":
		for _, po := range p.fund.Payouts(id, breadfund.PayoutPending) {
			if po.ID == v.Get("payout") {
				c.Payout = po
			}
		}
		if c.Payout == nil {
			return c, meent.Errorf(meent.ENOTFOUND, "no payout waiting for approval by that ID")
		}
		if slices.Contains(c.Payout.Approvals, who) {
			return c, meent.Errorf(meent.ECONFLICT, "you approved this payout already")
		}
		c.Total = c.Payout.Total
		for _, l := range c.Payout.Lines {
			c.Gifts = append(c.Gifts, giftRow{Due: breadfund.Due{Gift: breadfund.Gift{Claim: l.Claim, Member: l.Member, Amount: l.Amount}}, Name: nm.Name(l.Member)})
		}
	default:
		return c, meent.Errorf(meent.EINVALID, "action is gifts or approve")
	}
	return c, nil
}

func (p pages) pageConfirm(w nethttp.ResponseWriter, r *nethttp.Request) {
	noStore(w)
	sess := p.needSession(w, r)
	if sess == nil {
		return
	}
	c, err := p.boardAction(r, sess.Agent, r.URL.Query())
	if err != nil {
		p.Error(w, r, err, 0)
		return
	}
	p.Render(w, r, nethttp.StatusOK, "breadfundconfirm", p.Locale(r).T("breadfund.confirm.title"), c)
}

// postBoard signs what the board member confirmed, then goes back to the
// claims page.
func (p pages) postBoard(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := r.PathValue("id")
	sess, err := p.FormSession(w, r)
	if err != nil {
		p.Error(w, r, err, 0)
		return
	}
	c, err := p.boardAction(r, sess.Agent, r.PostForm)
	if err != nil {
		p.Error(w, r, err, 0)
		return
	}
	var typ string
	var d any
	if c.Action == "gifts" {
		g := breadfund.GiftsData{Commons: id, Period: c.Period, Gifts: []breadfund.Gift{}}
		for _, x := range c.Gifts {
			g.Gifts = append(g.Gifts, x.Gift)
		}
		typ, d = breadfund.TypeGifts, g
	} else {
		typ, d = breadfund.TypeApprove, breadfund.PayoutRef{Commons: id, Payout: c.Payout.ID}
	}
	rc, problem, ok := p.Act(w, r, func() (string, any) { return typ, d })
	if !ok {
		return
	}
	if problem != nil {
		c.Refusal = problem.Detail
		p.Render(w, r, problem.Status, "breadfundconfirm", p.Locale(r).T("breadfund.confirm.title"), c)
		return
	}
	nethttp.Redirect(w, r, "/breadfunds/"+url.PathEscape(id)+"/claims?done="+rc.Hash.String(), nethttp.StatusSeeOther)
}

// reasonPage is a claim's private reason, for the board, the buddy and
// the member.
type reasonPage struct {
	Info   api.BreadfundInfo
	Claim  *breadfund.Claim
	Name   string
	Reason api.BreadfundReason
}

func (p pages) pageReason(w nethttp.ResponseWriter, r *nethttp.Request) {
	noStore(w)
	sess := p.needSession(w, r)
	if sess == nil {
		return
	}
	id := r.PathValue("id")
	info, err := p.fund.Info(id)
	if err != nil {
		p.Error(w, r, err, 0)
		return
	}
	rs, err := p.fund.Reason(r.Context(), id, r.PathValue("claim"), sess.Agent)
	if err != nil {
		p.Error(w, r, err, 0)
		return
	}
	c, err := p.fund.Claim(id, rs.Claim)
	if err != nil {
		p.Error(w, r, err, 0)
		return
	}
	data := reasonPage{Info: info, Claim: c, Reason: rs, Name: http.NewNames(r.Context(), p.Node().Store()).Name(c.Member)}
	p.Render(w, r, nethttp.StatusOK, "breadfundreason", p.Locale(r).T("breadfund.reason.title", "name", data.Name), data)
}

// percentOn is a claim's percentage on a day ("2026-03-05"): its steps may
// be planned ahead.
func percentOn(c *breadfund.Claim, day string) int {
	pc := c.Steps[0].Percent
	for _, st := range c.Steps {
		if st.From <= day {
			pc = st.Percent
		}
	}
	return pc
}
